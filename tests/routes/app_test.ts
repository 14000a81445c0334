import { assertEquals } from "@std/assert";
import { Hono } from "hono";
import { Supervisor } from "../../lib/lifecycle/supervisor.ts";
import { HttpError } from "../../lib/http/errors.ts";
import { createLogger } from "../../lib/log.ts";
import { createApp } from "../../routes/app.ts";

function app(supervisor: Supervisor, logs: string[] = []) {
  const extra = new Hono();
  extra.get("/api/ping", (c) => c.json({ pong: true }));
  extra.get("/api/teapot", () => {
    throw new HttpError(409, "name_taken", "That name is taken");
  });
  extra.get("/api/boom", () => {
    throw new Error("secret internal detail");
  });
  return createApp({
    supervisor,
    logger: createLogger({ write: (line) => logs.push(line) }),
    adminToken: undefined,
    status: () => ({}),
    metrics: () => [],
    routes: [extra],
  });
}

Deno.test("API requests get 503 with Retry-After while starting and once shutdown begins", async () => {
  const supervisor = new Supervisor();
  const routes = app(supervisor);
  const starting = await routes.request("/api/ping");
  assertEquals(starting.status, 503);
  assertEquals(starting.headers.get("retry-after"), "5");
  supervisor.markReady();
  assertEquals((await routes.request("/api/ping")).status, 200);
  const stopping = supervisor.shutdown();
  const response = await routes.request("/api/ping");
  assertEquals(response.status, 503);
  assertEquals((await response.json()).error.code, "unavailable");
  assertEquals((await routes.request("/healthz")).status, 200, "liveness still answers");
  await stopping;
});

Deno.test("errors are JSON with the right status, and internal messages never reach clients", async () => {
  await using supervisor = new Supervisor();
  supervisor.markReady();
  const logs: string[] = [];
  const routes = app(supervisor, logs);
  const conflict = await routes.request("/api/teapot");
  assertEquals(conflict.status, 409);
  assertEquals(await conflict.json(), {
    error: { code: "name_taken", message: "That name is taken" },
  });
  const boom = await routes.request("/api/boom");
  assertEquals(boom.status, 500);
  const body = await boom.text();
  assertEquals(body.includes("secret"), false);
  assertEquals(JSON.parse(body).error.code, "internal");
  assertEquals(logs.some((line) => line.includes("secret internal detail")), true);
  const missing = await routes.request("/nowhere");
  assertEquals(missing.status, 404);
  assertEquals((await missing.json()).error.code, "not_found");
});
