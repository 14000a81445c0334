/**
 * The world lease and its fencing token through a real redis-server: one holder at a time, a
 * holder that loses it stops, and a world whose token is old cannot append or answer.
 */

import { assert, assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import { EventBus } from "../../lib/bus/event_bus.ts";
import { EventLogWriter } from "../../lib/cluster/event_log.ts";
import { FencedOutError } from "../../lib/cluster/fence.ts";
import { CommandClient, CommandServer } from "../../lib/cluster/command_channel.ts";
import { LEASE_KEY, WorldLease } from "../../lib/cluster/world_lease.ts";
import { Supervisor } from "../../lib/lifecycle/supervisor.ts";
import { say } from "../support/bus_frames.ts";
import { connectRedis, skipWithoutRedis, startRedis } from "../support/redis.ts";

const ignore = skipWithoutRedis("World lease tests");

Deno.test({
  name:
    "one node holds the world lease at a time; released, it passes to the next with a newer token",
  ignore,
}, async () => {
  await using redis = await startRedis();
  await using client = await connectRedis(redis.url);
  const one = new WorldLease(client, { node: "world-1", leaseMs: 60_000 });
  const two = new WorldLease(client, { node: "world-2", leaseMs: 60_000 });
  assertEquals(await one.tryAcquire(), 1);
  assertEquals(await two.tryAcquire(), undefined, "held: the other stands by");
  assertEquals(await two.holder(), { node: "world-1", token: 1 });

  // A planned stop: the lease is kept while saving, then given up at once.
  const saved = await one.handOverAfter(Promise.resolve("saved"));
  assertEquals(saved, "saved");
  assertEquals(one.held, false);
  assertEquals(await two.tryAcquire(), 2);
  assertEquals(await one.holder(), { node: "world-2", token: 2 });
  await one.release();
  assertEquals(await one.holder(), { node: "world-2", token: 2 }, "an old holder releases nothing");
});

Deno.test({
  name: "a holder stops holding (FencedOutError) once another node has the lease",
  ignore,
}, async () => {
  await using redis = await startRedis();
  await using client = await connectRedis(redis.url);
  const one = new WorldLease(client, { node: "world-1", leaseMs: 600 });
  const two = new WorldLease(client, { node: "world-2", leaseMs: 600 });
  await one.tryAcquire();
  await using supervisor = new Supervisor();
  const lost = failureOf(supervisor, "lease", (signal) => one.hold(signal));
  // As if it had lapsed while this holder was paused: the next node takes it.
  await client.sendCommand(["DEL", LEASE_KEY]);
  assertEquals(await two.tryAcquire(), 2);
  const error = await lost as Error;
  assertInstanceOf(error, FencedOutError);
  assertEquals(error.message, "the world lease was taken by another node");
  assertEquals(one.held, false);
});

Deno.test({
  name: "a holder that cannot renew gives the lease up before it would lapse",
  ignore,
}, async () => {
  await using redis = await startRedis();
  await using client = await connectRedis(redis.url);
  await using admin = await connectRedis(redis.url);
  const one = new WorldLease(client, { node: "world-1", leaseMs: 900 });
  await one.tryAcquire();
  await using supervisor = new Supervisor();
  const lost = failureOf(supervisor, "lease", (signal) => one.hold(signal));
  // Redis stops answering writes for longer than the lease (the renewal hangs).
  await admin.sendCommand(["CLIENT", "PAUSE", "3000", "WRITE"]);
  const error = await lost as Error;
  assertInstanceOf(error, FencedOutError);
  assertEquals(error.message, "the world lease could not be renewed before it would lapse");
  await admin.sendCommand(["CLIENT", "UNPAUSE"]);
});

Deno.test({
  name: "a world whose token is no longer the newest can neither append events nor answer requests",
  ignore,
}, async () => {
  await using redis = await startRedis();
  await using client = await connectRedis(redis.url);
  await using blocking = await connectRedis(redis.url);
  await using edgeClient = await connectRedis(redis.url);
  await using edgeBlocking = await connectRedis(redis.url);
  const lease = new WorldLease(client, { node: "world-1", leaseMs: 60_000 });
  const token = await lease.tryAcquire() as number;
  const writer = new EventLogWriter(client, { historyMs: 60_000, fenceToken: token });
  const bus = new EventBus({ onOperation: (operation) => writer.record(operation) });
  await using supervisor = new Supervisor();
  const writing = failureOf(supervisor, "writer", (signal) => writer.run(signal));
  bus.open("ann");
  bus.publish(say("Ann", "while holding"), { to: "player", key: "ann" });
  await writer.flushed();
  const length = async () => Number(await client.sendCommand(["XLEN", "mythos:events"]));
  const before = await length();

  // Another node takes over: the fence moves on.
  await client.sendCommand(["DEL", LEASE_KEY]);
  await new WorldLease(client, { node: "world-2", leaseMs: 60_000 }).tryAcquire();
  bus.publish(say("Ann", "after the takeover"), { to: "player", key: "ann" });
  await assertRejects(() => writer.flushed(), FencedOutError);
  assert((await writing) instanceof FencedOutError);
  assertEquals(await length(), before, "nothing appended");

  // Its command server runs what it reads, but its answer is refused, and it stops.
  const server = new CommandServer(client, () => Promise.resolve({ accepted: true }), {
    node: "world-1",
    flushed: () => Promise.resolve(),
    fenceToken: token,
  });
  const serving = failureOf(supervisor, "commands", (signal) => server.run(blocking, signal));
  const edge = new CommandClient(edgeClient, { node: "edge-1", deadlineMs: 1000 });
  supervisor.spawn("replies", (signal) => edge.run(edgeBlocking, signal));
  const [answer, stopped] = await Promise.all([
    edge.send({ key: "k1", account: "ann", command: "look" }),
    serving,
  ]);
  assert(stopped instanceof FencedOutError, String(stopped));
  assertEquals(answer, { accepted: false, reason: "unavailable" }, "no answer came");
  const pending = await client.sendCommand(["XPENDING", "mythos:commands", "world"]) as [number];
  assertEquals(pending[0], 1, "left pending for the world that holds the lease");
});

/**
 * Runs `body` as a supervised task; resolves with what it threw (or `undefined` if it ended
 * without throwing).
 */
function failureOf(
  supervisor: Supervisor,
  name: string,
  body: (signal: AbortSignal) => Promise<void>,
): Promise<unknown> {
  const failure = Promise.withResolvers<unknown>();
  supervisor.spawn(name, async (signal) => {
    try {
      await body(signal);
      failure.resolve(undefined);
    } catch (error) {
      failure.resolve(error);
    }
  });
  return failure.promise;
}
