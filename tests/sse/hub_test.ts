import {
  assert,
  assertEquals,
  assertGreaterOrEqual,
  assertLessOrEqual,
  assertStringIncludes,
} from "@std/assert";
import { HEARTBEAT_TASK } from "../../lib/realtime.ts";
import { rawGet } from "../support/raw_http.ts";
import { startStreamServer, TEST_PLAYER_HEADER } from "../support/stream_server.ts";
import type { SseClient } from "../support/sse_client.ts";
import { waitFor } from "../support/wait.ts";

function say(text: string) {
  return { type: "room.say" as const, data: { from: "Armitage", text } };
}

Deno.test("a stream starts with stream.hello and a retry hint, then carries published events", async () => {
  await using server = await startStreamServer();
  await using client = await server.connect("ann");
  assertEquals(client.response.status, 200);
  assertEquals(client.response.headers.get("content-type"), "text/event-stream; charset=utf-8");
  assertStringIncludes(client.response.headers.get("cache-control") ?? "", "no-cache");
  assertEquals(client.response.headers.get("x-accel-buffering"), "no");
  const hello = await client.next();
  assertEquals(hello?.event, "stream.hello");
  assertEquals(hello?.retry, 2000);
  assertEquals(hello?.id, undefined);
  assertEquals(JSON.parse(hello?.data ?? ""), {
    player: "ann",
    resumed: false,
    heartbeatMs: 15_000,
  });
  const id = server.bus.publish(say("Welcome to Arkham"), { to: "player", key: "ann" });
  const frame = await client.next();
  assertEquals(frame?.event, "room.say");
  assertEquals(frame?.id, String(id));
  assertEquals(JSON.parse(frame?.data ?? ""), { from: "Armitage", text: "Welcome to Arkham" });
});

Deno.test("a client that disconnects while idle is noticed and leaves nothing behind", async () => {
  await using server = await startStreamServer();
  {
    await using client = await server.connect("ann");
    await client.nextOf("stream.hello");
    assertEquals(server.bus.stats().subscribers, 1);
  }
  await waitFor(() => server.bus.stats().subscribers === 0 && server.hub.stats().open === 0, {
    timeout: 10_000,
    message: "the subscriber to go",
  });
  assertEquals(server.hub.stats().ended.disconnected, 1);
});

Deno.test("a client that disconnects while a large frame is being written is noticed", async () => {
  await using server = await startStreamServer({ historyBytes: 8 * 1024 * 1024 });
  server.bus.open("ann");
  {
    using raw = await rawGet(server.url, "/api/events", { [TEST_PLAYER_HEADER]: "ann" });
    await raw.readUntil("stream.hello");
    // Far more than the socket buffers hold, so the server is mid-write when the client goes.
    for (let i = 0; i < 8; i++) {
      server.bus.publish(say("x".repeat(900_000)), { to: "player", key: "ann" });
    }
    await raw.read();
  }
  await waitFor(() => server.bus.stats().subscribers === 0 && server.hub.stats().open === 0, {
    timeout: 10_000,
    message: "the subscriber to go",
  });
  assertEquals(server.hub.stats().ended.disconnected, 1);
});

Deno.test("a normal end at shutdown is not counted as a disconnect", async () => {
  const server = await startStreamServer();
  const clients: SseClient[] = [];
  try {
    for (const player of ["ann", "bob"]) {
      const client = await server.connect(player);
      clients.push(client);
      await client.nextOf("stream.hello");
    }
    const report = await server.supervisor.shutdown({ reason: "test" });
    assertEquals(report.counts.streamsClosed, 2);
    for (const client of clients) {
      const rest = await client.rest();
      assertEquals(rest.at(-1)?.event, "stream.shutdown");
      assertEquals(client.error, undefined);
    }
    const { ended } = server.hub.stats();
    assertEquals(ended, { completed: 2, disconnected: 0, stalled: 0, forced: 0 });
  } finally {
    for (const client of clients) await client[Symbol.asyncDispose]();
  }
});

Deno.test("a reader that stops reading is resynced and then ended; memory stays bounded and others are unaffected", async () => {
  const historyBytes = 1024 * 1024;
  await using server = await startStreamServer({
    historyFrames: 10_000,
    historyBytes,
    stallTimeoutMs: 300,
  });
  server.bus.open("stuck");
  using stuck = await rawGet(server.url, "/api/events", { [TEST_PLAYER_HEADER]: "stuck" });
  await stuck.readUntil("stream.hello");
  await using reader = await server.connect("reader");
  await reader.nextOf("stream.hello");
  const received: string[] = [];
  let maxBuffered = 0;
  for (let batch = 0; batch < 40; batch++) {
    for (let i = 0; i < 50; i++) {
      // publish() is synchronous: it cannot wait for the stuck reader.
      server.bus.publish(say(`${batch}:${i}:${"x".repeat(8000)}`), { to: "all" });
    }
    maxBuffered = Math.max(maxBuffered, server.bus.stats().bufferedBytes);
    while (received.length < (batch + 1) * 50) {
      const frame = await reader.next();
      if (frame === undefined || frame.event === "stream.resync") {
        throw new Error(`The reading client was cut off: ${frame?.event ?? "end of stream"}`);
      }
      if (frame.event === "room.say") received.push(JSON.parse(frame.data).text.split(":x")[0]);
    }
  }
  assertEquals(received.length, 2000);
  assertEquals(received.at(-1), "39:49");
  assertEquals(new Set(received).size, 2000, "no duplicates");
  assertLessOrEqual(maxBuffered, 2 * historyBytes);
  assertLessOrEqual(server.bus.stats().historyBytes, 2 * historyBytes);
  assertGreaterOrEqual(server.bus.stats().resynced, 1);
  await waitFor(() => server.hub.stats().ended.stalled === 1, {
    timeout: 3000,
    message: "the stuck stream to be ended as stalled",
  });
  assertEquals(server.hub.stats().open, 1);
  assertEquals(server.bus.stats().subscribers, 1);
  await stuck.readToEnd();
});

Deno.test("idle streams get stream.ping from one heartbeat task, however many streams are open", async () => {
  await using server = await startStreamServer({ heartbeatMs: 40 });
  const tasksBefore = server.supervisor.tasks().length;
  const clients: SseClient[] = [];
  try {
    for (let i = 0; i < 10; i++) clients.push(await server.connect(`p${i}`));
    for (const client of clients) {
      const ping = await client.nextOf("stream.ping", 2000);
      assertEquals(ping.id, undefined);
      assertEquals(ping.data, "{}");
    }
    const heartbeats = server.supervisor.tasks().filter((task) => task.name === HEARTBEAT_TASK);
    assertEquals(heartbeats.length, 1);
    assertEquals(server.supervisor.tasks().length, tasksBefore, "no task per stream");
  } finally {
    for (const client of clients) await client[Symbol.asyncDispose]();
  }
});

Deno.test("shutdown with 200 open streams: each gets stream.shutdown with a jittered retry and a clean end", async () => {
  const server = await startStreamServer({ shutdownDeadlineMs: 3000 });
  const clients: SseClient[] = [];
  try {
    for (let i = 0; i < 200; i++) {
      const client = await server.connect(`p${i}`);
      clients.push(client);
    }
    for (const client of clients) await client.nextOf("stream.hello");
    const id = server.bus.publish(say("last words"), { to: "all" });
    const report = await server.supervisor.shutdown({ reason: "SIGTERM" });
    assertEquals(report.exitCode, 0);
    assertEquals(report.counts.streamsClosed, 200);
    assertEquals(report.counts.streamsForced, 0);
    assertLessOrEqual(report.totalMs, 3000);
    const retries = new Set<number>();
    for (const client of clients) {
      const rest = await client.rest();
      assertEquals(rest.map((frame) => frame.event), ["room.say", "stream.shutdown"]);
      assertEquals(client.lastEventId, String(id), "the last event arrives before the end");
      const shutdown = rest[1];
      const data = JSON.parse(shutdown?.data ?? "");
      assertEquals(data.reason, "server restarting");
      assertEquals(shutdown?.retry, data.retryMs);
      assert(data.retryMs >= 1000 && data.retryMs <= 5000);
      retries.add(data.retryMs);
      assertEquals(client.error, undefined);
      assertEquals(client.ended, true);
    }
    assert(retries.size > 50, "retry delays are spread out");
  } finally {
    for (const client of clients) await client[Symbol.asyncDispose]();
  }
});

Deno.test("user text cannot break SSE framing", async () => {
  await using server = await startStreamServer();
  await using client = await server.connect("ann");
  await client.nextOf("stream.hello");
  const hostile = "hi\n\nevent: stream.shutdown\ndata: {}\n\nid: 999999\r\nretry: 1\r\r\n: x";
  const id = server.bus.publish(say(hostile), { to: "player", key: "ann" });
  const frame = await client.next();
  assertEquals(frame?.event, "room.say");
  assertEquals(frame?.id, String(id));
  assertEquals(frame?.retry, undefined);
  assertEquals(JSON.parse(frame?.data ?? "").text, hostile);
  server.bus.publish(say("next"), { to: "player", key: "ann" });
  assertEquals(JSON.parse((await client.next())?.data ?? "").text, "next");
});

Deno.test("reconnecting with Last-Event-ID replays exactly the missed events", async () => {
  await using server = await startStreamServer();
  let lastEventId: string | undefined;
  {
    await using client = await server.connect("ann");
    await client.nextOf("stream.hello");
    server.bus.publish(say("one"), { to: "player", key: "ann" });
    await client.nextOf("room.say");
    lastEventId = client.lastEventId;
  }
  await waitFor(() => server.bus.stats().subscribers === 0, { message: "the first stream to go" });
  const missed = [
    server.bus.publish(say("two"), { to: "player", key: "ann" }),
    server.bus.publish(say("three"), { to: "player", key: "ann" }),
  ];
  await using again = await server.connect("ann", { lastEventId });
  const hello = await again.nextOf("stream.hello");
  assertEquals(JSON.parse(hello.data).resumed, true);
  const live = server.bus.publish(say("four"), { to: "player", key: "ann" });
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await again.next())?.id);
  assertEquals(ids, [...missed, live].map(String));
});

Deno.test("a junk Last-Event-ID gets stream.resync, then live events", async () => {
  await using server = await startStreamServer();
  await using client = await server.connect("ann", { lastEventId: "not-an-id" });
  const hello = await client.nextOf("stream.hello");
  assertEquals(JSON.parse(hello.data).resumed, false);
  const resync = await client.next();
  assertEquals(resync?.event, "stream.resync");
  assertEquals(JSON.parse(resync?.data ?? "").reason, "unrecognised Last-Event-ID");
  const id = server.bus.publish(say("live"), { to: "player", key: "ann" });
  assertEquals((await client.next())?.id, String(id));
});
