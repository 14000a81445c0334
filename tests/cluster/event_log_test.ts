/**
 * The bus's operations through a real redis-server: an edge's bus that follows the stream holds
 * what the world's holds.
 */

import { assertEquals, assertRejects, assertThrows } from "@std/assert";
import { EventBus } from "../../lib/bus/event_bus.ts";
import { EventLogReader, EventLogWriter } from "../../lib/cluster/event_log.ts";
import { Supervisor } from "../../lib/lifecycle/supervisor.ts";
import { framesAfter, say } from "../support/bus_frames.ts";
import { connectRedis, skipWithoutRedis, startRedis } from "../support/redis.ts";
import { waitFor } from "../support/wait.ts";

const ignore = skipWithoutRedis("Redis event log tests");

Deno.test({
  name:
    "an edge that follows the stream replays exactly what the world would, from any id, and the stream id is the event id",
  ignore,
}, async () => {
  await using redis = await startRedis();
  await using writerClient = await connectRedis(redis.url);
  await using readerClient = await connectRedis(redis.url);
  const writer = new EventLogWriter(writerClient, { historyMs: 120_000 });
  const world = new EventBus({ onOperation: (op) => writer.record(op) });
  const edge = new EventBus({ firstId: 1 });
  const reader = new EventLogReader(readerClient, edge);
  assertThrows(() => new EventLogReader(readerClient, new EventBus()), TypeError);
  await using supervisor = new Supervisor();
  supervisor.spawn("events.writer", (signal) => writer.run(signal));

  const ids: number[] = [];
  for (const player of ["ann", "bob"]) {
    world.open(player);
    world.joinTopic(player, "room:station");
  }
  for (let i = 0; i < 50; i++) {
    const id = world.publish(say("Ann", `line ${i}`), { to: "topic", topic: "room:station" });
    if (id !== undefined) ids.push(id);
    if (i === 20) {
      world.leaveTopic("bob", "room:station");
      world.joinTopic("bob", "room:street");
    }
  }
  const whisper = world.publish({ type: "tell.received", data: { from: "Ann", text: "hi" } }, {
    to: "player",
    key: "bob",
  });
  await writer.flushed();
  assertEquals(writer.pending, 0);
  await waitFor(async () => {
    await reader.readOnce();
    return reader.lastApplied === `${whisper}-0` || undefined;
  }, { message: "the edge to catch up" });

  for (const player of ["ann", "bob"]) {
    for (const from of [ids[0], ids[20], ids[21], ids[49], whisper].map(String)) {
      assertEquals(framesAfter(edge, player, from), framesAfter(world, player, from));
    }
  }
  assertEquals(
    framesAfter(edge, "bob", String(ids[20])).length,
    1,
    "only the whisper, after he left",
  );
  world.close();
  edge.close();
});

Deno.test({
  name:
    "Redis refuses an event id that is not newer than the stream's last: a stale world cannot write behind a newer one",
  ignore,
}, async () => {
  await using redis = await startRedis();
  await using client = await connectRedis(redis.url);
  await client.sendCommand(["XADD", "mythos:events", "5000-0", "op", "{}"]);
  await assertRejects(() => client.sendCommand(["XADD", "mythos:events", "4000-0", "op", "{}"]));
});

Deno.test(
  {
    name:
      "entries written longer ago than the history are trimmed as the world writes, whatever their ids; new ones never are",
    ignore,
  },
  async () => {
    await using redis = await startRedis();
    await using client = await connectRedis(redis.url);
    let now = 1_000_000;
    const writer = new EventLogWriter(client, { historyMs: 1000, now: () => now });
    // Ids as the world's bus gives them: from the clock at start, then one more per event.
    const bus = new EventBus({ firstId: now * 1000, onOperation: (op) => writer.record(op) });
    await using supervisor = new Supervisor();
    supervisor.spawn("events.writer", (signal) => writer.run(signal));
    bus.open("ann");
    for (let i = 0; i < 200; i++) bus.publish(say("Ann", "old"), { to: "player", key: "ann" });
    await writer.flushed();
    // Long after, by the clock; the ids have moved on by a few hundred only.
    now += 60_000;
    for (let i = 0; i < 200; i++) bus.publish(say("Ann", "new"), { to: "player", key: "ann" });
    await writer.flushed();
    now += 500;
    bus.publish(say("Ann", "last"), { to: "player", key: "ann" });
    await writer.flushed();
    const entries = await client.sendCommand(["XRANGE", "mythos:events", "-", "+"]) as [
      string,
      string[],
    ][];
    const texts = entries.map(([, fields]) => JSON.stringify(fields));
    assertEquals(texts.filter((text) => text.includes("old")).length < 200, true, "old trimmed");
    assertEquals(texts.filter((text) => text.includes("new")).length, 200, "the newer kept");
    assertEquals(texts.filter((text) => text.includes("last")).length, 1, "the newest kept");
    bus.close();
  },
);

Deno.test({
  name: "a writer whose ids are older than the stream's stops with an error instead of retrying",
  ignore,
}, async () => {
  await using redis = await startRedis();
  await using client = await connectRedis(redis.url);
  await client.sendCommand([
    "XADD",
    "mythos:events",
    `${Date.now() * 1000 + 1_000_000}-0`,
    "op",
    "{}",
  ]);
  const writer = new EventLogWriter(client, { historyMs: 60_000 });
  const stale = new EventBus({ onOperation: (op) => writer.record(op) });
  stale.open("ann");
  stale.publish(say("Ann", "too late"), { to: "player", key: "ann" });
  const controller = new AbortController();
  await assertRejects(() => writer.run(controller.signal), Error, "equal or smaller");
  stale.close();
});
