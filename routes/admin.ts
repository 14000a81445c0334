/**
 * Admin routes: `/admin/status` (JSON) and `/metrics` (Prometheus text).
 *
 * @module
 */

import { Hono } from "hono";
import { requireAdminToken } from "../lib/http/admin_auth.ts";
import { type MetricsSource, renderPrometheus } from "../lib/metrics.ts";
import type { Supervisor } from "../lib/lifecycle/supervisor.ts";
import type { AdminRights } from "../lib/accounts/admin_rights.ts";
import { HttpError } from "../lib/http/errors.ts";

/** What the admin routes report. */
export interface AdminDeps {
  /** The process supervisor: state, uptime, tasks. */
  supervisor: Supervisor;
  /** The bearer token; `undefined` turns the routes off (404). */
  adminToken: string | undefined;
  /** Further sections of `/admin/status` (streams, bus, players...). */
  status: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Every metric family. */
  metrics: MetricsSource;
  /** Granting and revoking admin rights; unset leaves `/admin/admins` out. */
  admins?: AdminControl;
}

/** What `/admin/admins` works through. */
export interface AdminControl {
  /** Who holds admin rights. */
  rights: AdminRights;
  /** Applies a change to the character if it is in the world now. */
  applied(accountId: string, admin: boolean): void | Promise<void>;
}

/**
 * Mounts `GET /admin/status`, `GET /metrics` and, given {@linkcode AdminDeps.admins},
 * `GET /admin/admins`, `PUT /admin/admins/:name` (grant) and `DELETE /admin/admins/:name`
 * (revoke), all behind the admin token.
 */
export function adminRoutes(deps: AdminDeps): Hono {
  const app = new Hono();
  const auth = requireAdminToken(deps.adminToken);
  app.use("/admin/*", auth);
  app.use("/metrics", auth);
  app.get("/admin/status", async (c) => {
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
      ...(await deps.status()),
    });
  });
  const control = deps.admins;
  if (control !== undefined) {
    app.get("/admin/admins", async (c) => {
      c.header("cache-control", "no-store");
      return c.json({ admins: await control.rights.list() });
    });
    for (const [method, admin] of [["put", true], ["delete", false]] as const) {
      app[method]("/admin/admins/:name", async (c) => {
        const account = await control.rights.set(c.req.param("name"), admin);
        if (account === undefined) {
          throw new HttpError(404, "no_such_account", "No account has that name");
        }
        // Rights from MYTHOS_ADMINS outlive a revoke until the server restarts without them.
        const effective = await control.rights.isAdmin(account.id);
        await control.applied(account.id, effective);
        return c.json({ name: account.name, admin: effective });
      });
    }
  }
  app.get("/metrics", (c) => {
    c.header("cache-control", "no-store");
    c.header("content-type", "text/plain; version=0.0.4; charset=utf-8");
    return c.body(renderPrometheus(deps.metrics()));
  });
  return app;
}
