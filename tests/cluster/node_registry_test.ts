/**
 * Nodes and their streams, through a real redis-server.
 */

import { assertEquals } from "@std/assert";
import { NodeRegistry } from "../../lib/cluster/node_registry.ts";
import { Supervisor } from "../../lib/lifecycle/supervisor.ts";
import { connectRedis, skipWithoutRedis, startRedis } from "../support/redis.ts";
import { waitFor } from "../support/wait.ts";

const ignore = skipWithoutRedis("Redis node registry tests");

Deno.test({
  name:
    "a player's streams on two edges count together, and an edge that stops without a word stops counting once its heartbeat lapses",
  ignore,
}, async () => {
  await using redis = await startRedis();
  await using client = await connectRedis(redis.url);
  const edge = (id: string) =>
    new NodeRegistry(client, { node: { id, role: "edge", startedAt: Date.now() }, ttlMs: 1500 });
  const one = edge("edge-1");
  const two = edge("edge-2");
  await using supervisor = new Supervisor();
  one.start(supervisor);
  const twoBeats = new Supervisor();
  two.start(twoBeats);
  await waitFor(async () => (await one.liveNodes()).length === 2 || undefined, {
    message: "both edges to be alive",
  });

  await one.streamOpened("ann");
  await two.streamOpened("ann");
  await two.streamOpened("ann");
  assertEquals(await one.streamsOf("ann"), 3, "tabs on both edges count together");
  await two.streamClosed("ann");
  assertEquals(await two.streamsOf("ann"), 2);

  // Edge 2 dies (kill -9): no goodbye, its heartbeat just stops.
  await twoBeats.shutdown({ reason: "killed" });
  await waitFor(async () => (await one.streamsOf("ann")) === 1 || undefined, {
    message: "edge 2's stream to stop counting",
  });
  assertEquals((await one.liveNodes()).map((node) => node.id), ["edge-1"]);
  assertEquals(
    await client.sendCommand(["SMEMBERS", "mythos:nodes"]),
    ["edge-1"],
    "a stopped node is forgotten once noticed",
  );
  // Finding the live nodes reads the set of nodes, not every key: many other keys change nothing.
  await client.sendCommand([
    "MSET",
    ...Array.from({ length: 5000 }, (_, i) => [`k${i}`, "v"]).flat(),
  ]);
  assertEquals((await one.liveNodes()).map((node) => node.id), ["edge-1"]);
  const beatsAgain = new Supervisor();
  two.start(beatsAgain);
  await waitFor(async () => (await one.liveNodes()).length === 2 || undefined, {
    message: "edge 2 to count again once it beats",
  });
  await beatsAgain.shutdown({ reason: "stopping" });
  await two.leave();

  await one.streamClosed("ann");
  assertEquals(await one.streamsOf("ann"), 0, "linkdead: no stream on any live edge");
  // Leaving comes after the heartbeat has stopped (the shutdown's persist phase follows its
  // tasks phase), or a last beat could bring the node back.
  await supervisor.shutdown({ reason: "stopping" });
  await one.leave();
  assertEquals(await one.liveNodes(), [], "a planned stop leaves at once");
});
