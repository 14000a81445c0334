/**
 * Liveness and readiness probes.
 *
 * @module
 */

import { Hono } from "hono";
import type { Supervisor } from "../lib/lifecycle/supervisor.ts";
import { errorResponse } from "../lib/http/errors.ts";

/**
 * `GET /healthz` (the process answers) and `GET /readyz` (it takes new work: started, not
 * shutting down, and nothing it depends on is unavailable — `unavailable()` names what is not).
 */
export function healthRoutes(
  supervisor: Supervisor,
  unavailable: () => string | undefined = () => undefined,
): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => {
    c.header("cache-control", "no-store");
    return c.json({ status: "ok" });
  });
  app.get("/readyz", (c) => {
    if (!supervisor.ready) {
      return errorResponse(503, "not_ready", `The server is ${supervisor.state}`, {
        "retry-after": "5",
      });
    }
    const missing = unavailable();
    if (missing !== undefined) {
      return errorResponse(503, "not_ready", missing, { "retry-after": "5" });
    }
    c.header("cache-control", "no-store");
    return c.json({ status: "ready" });
  });
  return app;
}
