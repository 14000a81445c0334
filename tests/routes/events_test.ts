import { assertEquals } from "@std/assert";
import { Supervisor } from "../../lib/lifecycle/supervisor.ts";
import { createLogger } from "../../lib/log.ts";
import { createApp } from "../../routes/app.ts";
import { eventsRoutes, type Viewer } from "../../routes/events.ts";

function app(supervisor: Supervisor, opened: [Viewer, string | undefined][]) {
  return createApp({
    supervisor,
    logger: createLogger({ write: () => {} }),
    adminToken: undefined,
    status: () => ({}),
    metrics: () => [],
    routes: [eventsRoutes({
      identify: (c) => c.req.header("x-who") ? { key: "p1", name: "Ann" } : undefined,
      openStream: (viewer, lastEventId) => {
        opened.push([viewer, lastEventId]);
        return new Response("stream");
      },
    })],
  });
}

Deno.test("GET /api/events answers 401 JSON without a player", async () => {
  await using supervisor = new Supervisor();
  supervisor.markReady();
  const response = await app(supervisor, []).request("/api/events");
  assertEquals(response.status, 401);
  assertEquals((await response.json()).error.code, "unauthorized");
});

Deno.test("GET /api/events opens the player's stream with the Last-Event-ID as sent", async () => {
  await using supervisor = new Supervisor();
  supervisor.markReady();
  const opened: [Viewer, string | undefined][] = [];
  const response = await app(supervisor, opened).request("/api/events", {
    headers: { "x-who": "1", "last-event-id": "17" },
  });
  assertEquals(await response.text(), "stream");
  assertEquals(opened, [[{ key: "p1", name: "Ann" }, "17"]]);
});

Deno.test("GET /api/events answers 503 once shutdown has begun", async () => {
  const supervisor = new Supervisor();
  supervisor.markReady();
  const stopping = supervisor.shutdown();
  const response = await app(supervisor, []).request("/api/events", { headers: { "x-who": "1" } });
  assertEquals(response.status, 503);
  await response.body?.cancel();
  await stopping;
});
