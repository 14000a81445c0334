/**
 * Commands from an edge to the world through a real redis-server.
 */

import { assert, assertEquals, assertRejects } from "@std/assert";
import {
  CommandClient,
  type CommandOutcome,
  type CommandRequest,
  CommandServer,
} from "../../lib/cluster/command_channel.ts";
import { Supervisor } from "../../lib/lifecycle/supervisor.ts";
import {
  connectRedis,
  skipWithoutRedis,
  startRedis,
  type TestRedisClient,
} from "../support/redis.ts";

const ignore = skipWithoutRedis("Redis command tests");

Deno.test({
  name:
    "an edge's commands run on the world in order, are answered after their events are flushed and their effects saved, and a retried key runs once",
  ignore,
}, async () => {
  await using rig = await edgeAndWorld();
  const { edgeRedis, edgeBlocking, worldRedis, worldBlocking } = rig;
  const ran: CommandRequest[] = [];
  const steps: string[] = [];
  const world = new CommandServer(worldRedis, (request) => {
    ran.push(request);
    steps.push(`run ${request.command}`);
    return Promise.resolve<CommandOutcome>(
      request.command === "flood"
        ? { accepted: false, reason: "rate_limited", retryAfterMs: 1500 }
        : { accepted: true },
    );
  }, {
    node: "world-1",
    flushed: () => {
      steps.push("flush");
      return Promise.resolve();
    },
    saved: () => {
      steps.push("save");
      return Promise.resolve();
    },
  });
  const edge = new CommandClient(edgeRedis, { node: "edge-1", deadlineMs: 10_000 });
  await using supervisor = new Supervisor();
  supervisor.spawn("commands.world", (signal) => world.run(worldBlocking, signal));
  supervisor.spawn("commands.replies", (signal) => edge.run(edgeBlocking, signal));

  const commands = ["look", "north", "say hi", "flood"];
  const outcomes = await Promise.all(
    commands.map(async (command, i) => {
      const outcome = await edge.send({ key: `k${i}`, account: "ann", command });
      steps.push(`answer ${command}`);
      return outcome;
    }),
  );
  assertEquals(outcomes, [
    { accepted: true },
    { accepted: true },
    { accepted: true },
    { accepted: false, reason: "rate_limited", retryAfterMs: 1500 },
  ]);
  assertEquals(ran.map((request) => request.command), ["look", "north", "say hi", "flood"]);
  // However the requests were batched, each was flushed and then saved after it ran and before
  // it was answered.
  for (const command of commands) {
    const ranAt = steps.indexOf(`run ${command}`);
    const flushedAt = steps.indexOf("flush", ranAt);
    const savedAt = steps.indexOf("save", flushedAt);
    const answeredAt = steps.indexOf(`answer ${command}`);
    assert(
      ranAt >= 0 && flushedAt > ranAt && savedAt > flushedAt && answeredAt > savedAt,
      `"${command}" answered after its flush and save: ${steps.join(", ")}`,
    );
  }

  // The answer was lost, so the client sends the same key again: answered, not run again.
  assertEquals(await edge.send({ key: "k1", account: "ann", command: "north" }), {
    accepted: true,
  });
  assertEquals(ran.length, 4);
  // A refusal is not remembered: the same key tried again (after the 429) runs again.
  await edge.send({ key: "k3", account: "ann", command: "flood" });
  assertEquals(ran.length, 5);
  assertEquals(edge.waiting, 0);
});

Deno.test({
  name:
    "the next requests run while earlier ones wait for their save, and answers still go out in the order the requests ran",
  ignore,
}, async () => {
  await using rig = await edgeAndWorld();
  const { edgeRedis, edgeBlocking, worldRedis, worldBlocking } = rig;
  const firstRan = Promise.withResolvers<void>();
  const secondRan = Promise.withResolvers<void>();
  let saves = 0;
  const world = new CommandServer(worldRedis, (request) => {
    (request.command === "first" ? firstRan : secondRan).resolve();
    return Promise.resolve<CommandOutcome>({ accepted: true });
  }, {
    node: "world-1",
    flushed: () => Promise.resolve(),
    // The first save finishes only once the second request has run: were runs and saves to
    // take turns, the first answer would never come (the edge's deadline would answer it).
    saved: async () => {
      if (++saves === 1) await secondRan.promise;
    },
  });
  const edge = new CommandClient(edgeRedis, { node: "edge-1", deadlineMs: 10_000 });
  await using supervisor = new Supervisor();
  supervisor.spawn("commands.world", (signal) => world.run(worldBlocking, signal));
  supervisor.spawn("commands.replies", (signal) => edge.run(edgeBlocking, signal));
  const answered: string[] = [];
  const first = edge.send({ key: "k1", account: "ann", command: "first" }).then((outcome) => {
    answered.push("first");
    return outcome;
  });
  await firstRan.promise;
  const second = edge.send({ key: "k2", account: "bob", command: "second" }).then((outcome) => {
    answered.push("second");
    return outcome;
  });
  assertEquals(await Promise.all([first, second]), [{ accepted: true }, { accepted: true }]);
  assertEquals(answered, ["first", "second"]);
  assertEquals(saves, 2);
});

Deno.test({
  name: "with no world to answer, a command is unavailable once its deadline passes",
  ignore,
}, async () => {
  await using redis = await startRedis();
  await using edgeRedis = await connectRedis(redis.url);
  await using edgeBlocking = await connectRedis(redis.url);
  const edge = new CommandClient(edgeRedis, { node: "edge-1", deadlineMs: 200 });
  await using supervisor = new Supervisor();
  supervisor.spawn("commands.replies", (signal) => edge.run(edgeBlocking, signal));
  assertEquals(await edge.send({ key: "k", account: "ann", command: "look" }), {
    accepted: false,
    reason: "unavailable",
  });
  assertEquals(edge.waiting, 0);
});

Deno.test({
  name: "a request a world took but never answered is claimed and answered by the next world",
  ignore,
}, async () => {
  await using redis = await startRedis();
  await using client = await connectRedis(redis.url);
  await using blocking = await connectRedis(redis.url);
  await using edgeBlocking = await connectRedis(redis.url);
  // The first world read the request, then died before answering: it stays pending in the group.
  await client.sendCommand(["XGROUP", "CREATE", "mythos:commands", "world", "$", "MKSTREAM"]);
  const edge = new CommandClient(client, { node: "edge-1", deadlineMs: 10_000 });
  await using supervisor = new Supervisor();
  supervisor.spawn("commands.replies", (signal) => edge.run(edgeBlocking, signal));
  const answer = edge.send({ key: "lost", account: "ann", command: "get lantern" });
  await takeOneRequest(blocking, "world-dead");
  const ran: string[] = [];
  const next = new CommandServer(client, (request) => {
    ran.push(request.command);
    return Promise.resolve<CommandOutcome>({ accepted: true });
  }, { node: "world-2", flushed: () => Promise.resolve() });
  supervisor.spawn("commands.world", (signal) => next.run(blocking, signal));
  assertEquals(await answer, { accepted: true });
  assertEquals(ran, ["get lantern"]);
});

Deno.test({
  name:
    "a request another world read after this one started (then stopped, fenced out) is claimed and answered within moments",
  ignore,
}, async () => {
  await using redis = await startRedis();
  await using client = await connectRedis(redis.url);
  await using blocking = await connectRedis(redis.url);
  await using stale = await connectRedis(redis.url);
  await using edgeBlocking = await connectRedis(redis.url);
  const edge = new CommandClient(client, { node: "edge-1", deadlineMs: 20_000 });
  await using supervisor = new Supervisor();
  supervisor.spawn("commands.replies", (signal) => edge.run(edgeBlocking, signal));
  // The running world is busy with a first request while a stale world reads the second.
  const busy = Promise.withResolvers<void>();
  const started = Promise.withResolvers<void>();
  const ran: string[] = [];
  const world = new CommandServer(client, async (request) => {
    ran.push(request.command);
    if (request.command === "first") {
      started.resolve();
      await busy.promise;
    }
    return { accepted: true };
  }, { node: "world-2", flushed: () => Promise.resolve() });
  supervisor.spawn("commands.world", (signal) => world.run(blocking, signal));
  const first = edge.send({ key: "k1", account: "ann", command: "first" });
  await started.promise;
  const second = edge.send({ key: "k2", account: "bob", command: "second" });
  await takeOneRequest(stale, "world-stale");
  busy.resolve();
  assertEquals(await Promise.all([first, second]), [{ accepted: true }, { accepted: true }]);
  assertEquals(ran, ["first", "second"]);
});

Deno.test({
  name:
    "a command that ran but whose answer could not be sent (Redis went away) is answered when read again, not run twice",
  ignore,
}, async () => {
  await using rig = await edgeAndWorld();
  const { redis, edgeRedis, edgeBlocking, worldRedis, worldBlocking } = rig;
  // The world's first answer fails the way it does when the connection drops under it.
  let answersToLose = 1;
  const losing = new Proxy(worldRedis, {
    get(target, property) {
      if (property !== "sendCommand") return Reflect.get(target, property, target);
      return (args: string[]) => {
        if (args[0] === "EVAL" && args[1]?.includes("XACK") && answersToLose > 0) {
          answersToLose--;
          return Promise.reject(new Error("Socket closed unexpectedly"));
        }
        return target.sendCommand(args);
      };
    },
  });
  const ran: string[] = [];
  let flushes = 0;
  const world = new CommandServer(losing, (request) => {
    ran.push(request.command);
    return Promise.resolve<CommandOutcome>({ accepted: true });
  }, {
    node: "world-1",
    flushed: () => {
      flushes++;
      return Promise.resolve();
    },
  });
  const edge = new CommandClient(edgeRedis, { node: "edge-1", deadlineMs: 20_000 });
  const otherEdge = new CommandClient(edgeRedis, { node: "edge-2", deadlineMs: 20_000 });
  await using otherEdgeBlocking = await connectRedis(redis.url);
  await using supervisor = new Supervisor();
  supervisor.spawn("commands.replies", (signal) => edge.run(edgeBlocking, signal));
  supervisor.spawn("commands.replies-2", (signal) => otherEdge.run(otherEdgeBlocking, signal));
  const first = edge.send({ key: "k1", account: "ann", command: "say once" });
  // The reader stops with the failure, as it does when Redis goes away...
  await assertRejects(
    () => world.run(worldBlocking, new AbortController().signal),
    Error,
    "Socket closed unexpectedly",
  );
  assertEquals(ran, ["say once"]);
  // ...and meanwhile the player's page, answered 503, sends the same key again (the balancer
  // sends it to the other edge).
  const retry = otherEdge.send({ key: "k1", account: "ann", command: "say once" });
  // The reader runs again (Redis is back): the request it left pending, and the retry, are
  // answered from what ran, after a flush of the stream, and the command is not run again.
  supervisor.spawn("commands.world", (signal) => world.run(worldBlocking, signal));
  assertEquals(await Promise.all([first, retry]), [{ accepted: true }, { accepted: true }]);
  assertEquals(ran, ["say once"]);
  assert(flushes >= 2, "the answers sent again waited for the event stream");
  // Remembered in Redis now: another try later is answered from there.
  assertEquals(await edge.send({ key: "k1", account: "ann", command: "say once" }), {
    accepted: true,
  });
  assertEquals(ran, ["say once"]);
});

/**
 * A redis-server of its own, with an edge's clients and a world's (a plain one and a blocking one
 * each); disposing it closes them and stops the server.
 */
async function edgeAndWorld() {
  const stack = new AsyncDisposableStack();
  try {
    const redis = stack.use(await startRedis());
    const client = async () => stack.use(await connectRedis(redis.url));
    return {
      redis,
      edgeRedis: await client(),
      edgeBlocking: await client(),
      worldRedis: await client(),
      worldBlocking: await client(),
      [Symbol.asyncDispose]: () => stack.disposeAsync(),
    };
  } catch (error) {
    await stack.disposeAsync();
    throw error;
  }
}

/** Reads one request as world `consumer` of the group, as a world that then dies would. */
async function takeOneRequest(client: TestRedisClient, consumer: string): Promise<void> {
  let taken: unknown = null;
  while (taken === null) {
    taken = await client.sendCommand([
      "XREADGROUP",
      "GROUP",
      "world",
      consumer,
      "COUNT",
      "1",
      "BLOCK",
      "100",
      "STREAMS",
      "mythos:commands",
      ">",
    ]);
  }
}
