/**
 * Admin routes: `/admin/status` (JSON) and `/metrics` (Prometheus text).
 *
 * @module
 */

import { Hono } from "hono";
import { requireAdminToken } from "../lib/http/admin_auth.ts";
import { type MetricsSource, renderPrometheus } from "../lib/http/metrics.ts";
import type { Supervisor } from "../lib/lifecycle/supervisor.ts";

/** What the admin routes report. */
export interface AdminDeps {
  /** The process supervisor: state, uptime, tasks. */
  supervisor: Supervisor;
  /** The bearer token; `undefined` turns the routes off (404). */
  adminToken: string | undefined;
  /** Further sections of `/admin/status` (streams, bus, players...). */
  status: () => Record<string, unknown>;
  /** Every metric family. */
  metrics: MetricsSource;
}

/** Mounts `GET /admin/status` and `GET /metrics` behind the admin token. */
export function adminRoutes(deps: AdminDeps): Hono {
  const app = new Hono();
  const auth = requireAdminToken(deps.adminToken);
  app.use("/admin/*", auth);
  app.use("/metrics", auth);
  app.get("/admin/status", (c) => {
    const memory = Deno.memoryUsage();
    c.header("cache-control", "no-store");
    return c.json({
      state: deps.supervisor.state,
      uptimeMs: deps.supervisor.uptimeMs,
      memory: {
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        heapTotal: memory.heapTotal,
        external: memory.external,
      },
      tasks: deps.supervisor.tasks(),
      failedTasks: deps.supervisor.failedTasks(),
      ...deps.status(),
    });
  });
  app.get("/metrics", (c) => {
    c.header("cache-control", "no-store");
    c.header("content-type", "text/plain; version=0.0.4; charset=utf-8");
    return c.body(renderPrometheus(deps.metrics()));
  });
  return app;
}
