import { assertEquals } from "@std/assert";
import { Supervisor } from "../../lib/lifecycle/supervisor.ts";
import { healthRoutes } from "../../routes/health.ts";

Deno.test("GET /healthz answers 200 in every state", async () => {
  await using supervisor = new Supervisor();
  const app = healthRoutes(supervisor);
  assertEquals((await app.request("/healthz")).status, 200);
  supervisor.markReady();
  const response = await app.request("/healthz");
  assertEquals(await response.json(), { status: "ok" });
});

Deno.test("GET /readyz answers 503 while starting, 200 when ready, 503 once shutdown begins", async () => {
  const supervisor = new Supervisor();
  const app = healthRoutes(supervisor);
  const starting = await app.request("/readyz");
  assertEquals(starting.status, 503);
  assertEquals(starting.headers.get("retry-after"), "5");
  assertEquals((await starting.json()).error.code, "not_ready");
  supervisor.markReady();
  assertEquals((await app.request("/readyz")).status, 200);
  const stopping = supervisor.shutdown();
  const response = await app.request("/readyz");
  assertEquals(response.status, 503);
  assertEquals((await response.json()).error.message, "The server is stopping");
  await stopping;
});
