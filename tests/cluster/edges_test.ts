/**
 * The cluster end to end, in this process: a world node and two edges on a real redis-server
 * and PostgreSQL of the test's own, players on different edges.
 */

import { assert, assertEquals } from "@std/assert";
import { startTestCluster } from "../support/cluster.ts";
import { TestPlayer } from "../support/player.ts";
import { skipWithoutPostgres } from "../support/postgres.ts";
import { connectRedis, skipWithoutRedis } from "../support/redis.ts";
import type { SseClient, SseFrame } from "../support/sse_client.ts";
import { TEST_ADMIN_TOKEN } from "../support/server.ts";
import { waitFor } from "../support/wait.ts";

const ignore = skipWithoutRedis("Cluster edge tests") || skipWithoutPostgres("Cluster edge tests");

Deno.test({
  name: "two players on different edges in one room: every say reaches both, in the same order",
  ignore,
}, async () => {
  await using cluster = await startTestCluster();
  const [one, two] = cluster.edges as [typeof cluster.edges[0], typeof cluster.edges[0]];
  await using ann = await TestPlayer.enter(one.url, "Ann");
  await using bob = await TestPlayer.enter(two.url, "Bob");
  await ann.expect("room.enter", (data) => data.who === "Bob");

  const sent: string[] = [];
  for (let i = 0; i < 10; i++) sent.push(`ann ${i}`, `bob ${i}`);
  // Both talk at once, each one line after another.
  const talk = async (player: TestPlayer, who: string) => {
    for (let i = 0; i < 10; i++) await player.do(`say ${who} ${i}`);
  };
  await Promise.all([talk(ann, "ann"), talk(bob, "bob")]);
  const heardBy = async (player: TestPlayer) => {
    const heard: { id: string | undefined; text: string }[] = [];
    while (heard.length < sent.length) {
      const frame: SseFrame = await player.stream.nextOf("room.say");
      const data = JSON.parse(frame.data);
      if (data.npc !== true) heard.push({ id: frame.id, text: data.text });
    }
    return heard;
  };
  const annHeard = await heardBy(ann);
  const bobHeard = await heardBy(bob);
  assertEquals(annHeard, bobHeard, "same frames, same ids, same order on both edges");
  assertEquals(annHeard.map((say) => say.text).sort(), [...sent].sort());
  const ids = annHeard.map((say) => Number(say.id));
  assertEquals(ids, [...ids].sort((a, b) => a - b), "ids only grow");
  // Each player's own commands ran in the order they were sent.
  const order = (who: string) => annHeard.filter((say) => say.text.startsWith(who));
  assertEquals(order("ann").map((say) => say.text), sent.filter((text) => text.startsWith("ann")));
  // /api/me at either edge is the world's live view of the character.
  ann.base = two.url;
  const me = await ann.me();
  assertEquals([me.inWorld, (me.room as { id: string }).id], [true, "arkham.station"]);
});

Deno.test({
  name:
    "a command retried at the other edge with the same Idempotency-Key is answered as before and runs once",
  ignore,
}, async () => {
  await using cluster = await startTestCluster();
  const [one, two] = cluster.edges as [typeof cluster.edges[0], typeof cluster.edges[0]];
  await using ann = await TestPlayer.enter(one.url, "Ann");
  await using bob = await enterAfter(ann, one.url, "Bob");
  const key = { "idempotency-key": "fedcba9876543210fedcba9876543210" };
  for (const edge of [one, two, one]) {
    bob.base = edge.url;
    const response = await bob.send("say only once", key);
    assertEquals([response.status, await response.json()], [202, { accepted: true }]);
  }
  await bob.do("say after");
  assertEquals(
    String((await ann.expect("room.say", (data) => data.npc !== true)).text),
    "only once",
  );
  assertEquals(String((await ann.expect("room.say", (data) => data.npc !== true)).text), "after");
});

Deno.test({
  name:
    "a stream that drops and resumes at the other edge with Last-Event-ID gets every frame once, in order, though the player moved rooms meanwhile",
  ignore,
}, async () => {
  await using cluster = await startTestCluster();
  const [one, two] = cluster.edges as [typeof cluster.edges[0], typeof cluster.edges[0]];
  await using ann = await TestPlayer.enter(one.url, "Ann");
  await using bob = await enterAfter(ann, one.url, "Bob");
  await using cat = await TestPlayer.enter(two.url, "Cat");
  await ann.expect("room.enter", (data) => data.who === "Cat");

  // What an unbroken stream of Ann's would have shown: a second tab of hers on edge two.
  // (Its frames are read only at the end: the stream buffers them.)
  ann.base = two.url;
  await ann.connect();
  ann.base = one.url;
  const [first, tab] = ann.streams as [SseClient, SseClient];
  await bob.do("say before the drop");
  const lastSeen = await first.nextOf("room.say");

  // Ann's first stream drops; while she is away others talk, and she walks north and back.
  await first[Symbol.asyncDispose]();
  ann.streams.splice(0, 1);
  await bob.do("say while away 1");
  await cat.do("say while away 2");
  await ann.do("north");
  await ann.do("south");
  await bob.do("say while away 3");

  // She comes back at the other edge, resuming after the last frame her dropped stream saw.
  ann.base = two.url;
  const resumed = await ann.connect({ lastEventId: lastSeen.id });
  await bob.do("say after the return");
  const expected: string[] = [];
  const got: string[] = [];
  const untilMarker = async (
    stream: typeof resumed,
    into: string[],
  ) => {
    while (true) {
      const frame = await stream.next();
      if (frame === undefined) throw new Error("the stream ended early");
      if (frame.id === undefined) continue; // stream.hello and pings carry no id
      into.push(`${frame.id} ${frame.event} ${frame.data}`);
      if (frame.event === "room.say" && JSON.parse(frame.data).text === "after the return") return;
    }
  };
  // The unbroken tab's frames after the last one the dropped stream saw.
  await untilMarker(tab, expected);
  await untilMarker(resumed, got);
  const after = expected.filter((line) => Number(line.split(" ")[0]) > Number(lastSeen.id));
  assertEquals(got, after, "exactly the frames of an unbroken stream: no gap, no duplicate");
  assert(got.some((line) => line.includes("room.look")), "the moves are among them");
});

Deno.test({
  name:
    "the cluster view: /admin/status on an edge shows the nodes, roles, streams per edge and the world; /metrics has them",
  ignore,
}, async () => {
  await using cluster = await startTestCluster();
  const [one] = cluster.edges as [typeof cluster.edges[0]];
  await using _ann = await TestPlayer.enter(one.url, "Ann");
  const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  const status = await waitFor(async () => {
    const body = await (await one.fetch("/admin/status", { headers: auth })).json();
    const edge = body.cluster.nodes.find((node: { id: string }) => node.id === "edge-1");
    return edge?.streams === 1 ? body : undefined;
  }, { message: "edge-1 to report its stream" });
  assertEquals(status.cluster.world, "world");
  assertEquals(
    status.cluster.nodes.map((node: { id: string; role: string }) => `${node.id}:${node.role}`),
    ["edge-1:edge", "edge-2:edge", "world:world"],
  );
  const metrics = await (await one.fetch("/metrics", { headers: auth })).text();
  assert(metrics.includes('mythos_cluster_edge_streams{node="edge-1"} 1'), metrics);
  assert(metrics.includes('mythos_cluster_nodes{role="edge"} 2'));
  const world = await (await cluster.world.fetch("/admin/status", { headers: auth })).json();
  assertEquals(world.players.inWorld, 1, "the world runs the game");
  const onWorld = await cluster.world.fetch("/api/events");
  await onWorld.body?.cancel();
  assertEquals(onWorld.status, 404, "players go to edges");
});

Deno.test({
  name:
    "events keep reaching the edges once the event stream is older than the history: trimming goes by when entries were written, not by their ids",
  ignore,
}, async () => {
  await using cluster = await startTestCluster({
    env: { MYTHOS_HISTORY_MS: "1000", MYTHOS_LINKDEAD_GRACE_MS: "1000" },
  });
  const [one] = cluster.edges as [typeof cluster.edges[0]];
  await using ann = await TestPlayer.enter(one.url, "Ann");
  await using redis = await connectRedis(cluster.redis.url);
  const firstEntry = async () =>
    ((await redis.sendCommand(["XRANGE", "mythos:events", "-", "+", "COUNT", "1"])) as [
      string,
      string[],
    ][])[0]?.[0];
  const before = await firstEntry();
  // Talk until the world has trimmed its oldest entries (it trims as it writes).
  let n = 0;
  await waitFor(async () => {
    await ann.do(`say filler ${n++}`);
    return (await firstEntry()) !== before || undefined;
  }, { message: "the event stream to be trimmed", interval: 200, timeout: 15_000 });
  await ann.do("say after the trim");
  await ann.expect("room.say", (data) => data.text === "after the trim");
});

/** Enters `name` where `watcher` is, once the watcher has seen them arrive. */
async function enterAfter(watcher: TestPlayer, url: URL, name: string): Promise<TestPlayer> {
  const player = await TestPlayer.enter(url, name);
  await watcher.expect("room.enter", (data) => data.who === name);
  return player;
}
