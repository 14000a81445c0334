/**
 * The Hono application: every route, the shutdown gate and the one error handler.
 *
 * @module
 */

import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { errorResponse, handleError } from "../lib/http/errors.ts";
import type { MetricsSource } from "../lib/metrics.ts";
import { sameOrigin } from "../lib/http/requests.ts";
import type { Supervisor } from "../lib/lifecycle/supervisor.ts";
import type { Logger } from "../lib/log.ts";
import { type AdminControl, adminRoutes } from "./admin.ts";
import { healthRoutes } from "./health.ts";

/** Everything the routes need from the rest of the server. */
export interface AppDeps {
  /** Readiness, tasks, shutdown. */
  supervisor: Supervisor;
  /** Where request failures are logged. */
  logger: Logger;
  /** Bearer token for admin routes; `undefined` turns them off. */
  adminToken: string | undefined;
  /** Sections added to `/admin/status`. */
  status: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Every metric family for `/metrics`. */
  metrics: MetricsSource;
  /** Further routes (events, accounts, commands, the client) mounted at the root. */
  routes?: Hono[];
  /** Granting and revoking admin rights through `/admin/admins`. */
  admins?: AdminControl;
  /**
   * What the server depends on that cannot be reached now (such as the database), as a sentence
   * for clients; `undefined` when all is well. While set, readiness is off and API requests get
   * 503 with `Retry-After`.
   */
  unavailable?: () => string | undefined;
  /** Origins a state-changing API request may come from; unset skips the check (tests). */
  allowedOrigins?: ReadonlySet<string>;
}

/**
 * The Content-Security-Policy of every response: the page's own scripts, styles and connections
 * only — no inline script, no other origin, no framing.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Seconds a client is told to wait while the server is starting or shutting down. */
const RETRY_AFTER_SECONDS = "5";

/** Builds the application. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use(secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    xFrameOptions: "DENY",
    permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
  }));
  app.onError(handleError(deps.logger));
  app.notFound(() => errorResponse(404, "not_found", "No such page"));
  app.use("/api/*", async (_c, next) => {
    if (!deps.supervisor.ready) {
      const message = deps.supervisor.state === "starting"
        ? "The server is starting; please try again shortly"
        : "The server is restarting; please try again shortly";
      return errorResponse(503, "unavailable", message, { "retry-after": RETRY_AFTER_SECONDS });
    }
    const missing = deps.unavailable?.();
    if (missing !== undefined) {
      return errorResponse(503, "unavailable", missing, { "retry-after": RETRY_AFTER_SECONDS });
    }
    return await next();
  });
  if (deps.allowedOrigins !== undefined) app.use("/api/*", sameOrigin(deps.allowedOrigins));
  app.route("/", healthRoutes(deps.supervisor, deps.unavailable));
  app.route("/", adminRoutes(deps));
  for (const routes of deps.routes ?? []) app.route("/", routes);
  return app;
}
