/**
 * The cluster when parts of it stop: an edge stopped under load behind a real HAProxy, a player
 * whose tabs are on two edges, Redis restarted under traffic. World, edges, redis-server,
 * PostgreSQL and HAProxy are real; the nodes run in this process.
 */

import { assert, assertEquals } from "@std/assert";
import { startTestCluster } from "../support/cluster.ts";
import { skipWithoutHaproxy, startHaproxy } from "../support/haproxy.ts";
import { LedgerPlayer } from "../support/ledger_player.ts";
import { TestPlayer } from "../support/player.ts";
import { spawnServer } from "../support/process.ts";
import { skipWithoutPostgres } from "../support/postgres.ts";
import { skipWithoutRedis } from "../support/redis.ts";
import type { SseClient } from "../support/sse_client.ts";
import { waitFor } from "../support/wait.ts";

const ignore = skipWithoutRedis("Cluster failover tests") ||
  skipWithoutPostgres("Cluster failover tests");

/** Settings that let a test register many players from one address. */
const MANY_PLAYERS = { MYTHOS_LOGIN_ATTEMPTS_PER_MINUTE: "100000" };

Deno.test({
  name:
    "an edge stopped while 200 players play through HAProxy: its players get stream.shutdown, resume on the other edge, and the ledger shows 0 lost, 0 duplicated",
  ignore: ignore || skipWithoutHaproxy("Cluster failover through HAProxy"),
}, async () => {
  await using cluster = await startTestCluster({ env: MANY_PLAYERS });
  await using haproxy = await startHaproxy(cluster.edges.map((edge) => edge.url));
  const players: LedgerPlayer[] = [];
  await using stack = new AsyncDisposableStack();
  for (let batch = 0; batch < 10; batch++) {
    const started = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) => LedgerPlayer.start(haproxy.url, letterName(batch * 20 + i)),
      ),
    );
    for (const player of started) players.push(stack.use(player));
  }
  await Promise.all(players.map((player) => player.inWorld));
  const talkers = players.slice(0, 4);
  const sent: string[] = [];
  const talk = async (from: number, count: number) => {
    for (let n = from; n < from + count; n++) {
      for (const [t, talker] of talkers.entries()) {
        const text = `message ${t}.${n}`;
        // Like the browser: a 503 (the edge stopping) is tried again with the same key, so a try
        // whose answer was lost does not say it twice.
        const key = { "idempotency-key": crypto.randomUUID() };
        await waitFor(async () => {
          const response = await talker.player.send(`say ${text}`, key);
          await response.body?.cancel();
          return response.status === 202 || undefined;
        }, { message: `"${text}" to be accepted`, timeout: 20_000 });
        sent.push(text);
      }
    }
  };
  await talk(0, 5);
  const [stopping] = cluster.edges as [typeof cluster.edges[0]];
  const onStopping = await streamsOn(stopping);
  assert(onStopping > 0, "round robin put players on the edge that stops");
  // SIGTERM's path: the same ordered shutdown, while the talk goes on.
  const [report] = await Promise.all([stopping.server.shutdown("SIGTERM"), talk(5, 5)]);
  assertEquals(report.exitCode, 0, JSON.stringify(report));
  await waitFor(() => players.every((player) => heardAll(player, sent)) || undefined, {
    message: "every player to hear every message",
    // Two hundred reconnections on a machine whose cores are busy with other work take time.
    timeout: 180_000,
  }).catch((error) => {
    const behind = players.filter((player) => !heardAll(player, sent)).map((player) =>
      `${player.player.name}: heard ${player.heard.size}/${sent.length}, connects ${player.connects}, shutdowns ${player.shutdowns}, missing ${
        sent.filter((text) => !player.heard.has(text)).slice(0, 3).join(", ")
      }`
    );
    const extra = players.flatMap((player) =>
      [...player.heard.keys()].filter((text) => !sent.includes(text)).map((text) =>
        `${player.player.name}: ${text}`
      )
    );
    throw new Error(
      `${error.message}; ${behind.length} behind: ${
        behind.slice(0, 5).join("; ")
      }; ${extra.length} heard but never accepted: ${extra.slice(0, 5).join("; ")}`,
    );
  });
  const lost = players.flatMap((player) => sent.filter((text) => !player.heard.has(text)));
  const duplicated = players.flatMap((player) =>
    [...player.heard].filter(([, count]) => count > 1).map(([text]) => text)
  );
  const extra = players.flatMap((player) =>
    [...player.heard.keys()].filter((text) => !sent.includes(text))
  );
  assertEquals(
    { lost: lost.length, duplicated: duplicated.length, extra: extra.slice(0, 5) },
    { lost: 0, duplicated: 0, extra: [] },
  );
  const toldToMove = players.filter((player) => player.shutdowns > 0).length;
  assertEquals(toldToMove, onStopping, "every player on the stopped edge got stream.shutdown");
  assert(players.filter((player) => player.connects > 1).length >= onStopping);
});

Deno.test({
  name:
    "a player with tabs on two edges is linkdead only when the last one closes; tabs on both edges count against MYTHOS_MAX_STREAMS together",
  ignore,
}, async () => {
  await using cluster = await startTestCluster({ env: { MYTHOS_MAX_STREAMS: "2" } });
  const [one, two] = cluster.edges as [typeof cluster.edges[0], typeof cluster.edges[0]];
  await using bob = await TestPlayer.enter(one.url, "Bob");
  await using ann = await TestPlayer.register(one.url, "Ann");
  const first = await ann.connect();
  await ann.expect("room.look");
  await bob.expect("room.enter", (data) => data.who === "Ann");
  await ann.connect();
  await ann.expect("room.look");

  // One tab more than the limit, on an edge holding none of hers: the other edge ends one.
  ann.base = two.url;
  await ann.connect();
  await ann.expect("room.look");
  const superseded = await first.nextOf("stream.superseded");
  assertEquals(JSON.parse(superseded.data).reason, "Opened in another window");

  // Her tabs on the two edges close one by one: linkdead only after the last.
  const [, second, third] = ann.streams as [SseClient, SseClient, SseClient];
  await second[Symbol.asyncDispose]();
  await bob.do("say still here?");
  await bob.expect("room.say", (data) => data.text === "still here?");
  await third[Symbol.asyncDispose]();
  const notice = await bob.expect("system.notice", (data) => data.code === "player.linkdead");
  assert(String(notice.text).startsWith("Ann"));
});

Deno.test({
  name:
    "Redis restarted under traffic: readiness drops and returns, commands are refused meanwhile, and no acknowledged command is lost",
  ignore,
}, async () => {
  // A lease longer than the restart: a world that cannot renew its lease for that long stops on
  // purpose (a standby takes over), which is the world failover tests' business, not this one's.
  await using cluster = await startTestCluster({ env: { MYTHOS_WORLD_LEASE_MS: "60000" } });
  const [edge] = cluster.edges as [typeof cluster.edges[0]];
  await using ann = await TestPlayer.enter(edge.url, "Ann");
  const acknowledged: string[] = [];
  for (let i = 0; i < 5; i++) {
    await ann.do(`say before ${i}`);
    acknowledged.push(`before ${i}`);
  }
  await cluster.redis.stop();
  await waitFor(async () => (await readyz(edge.url)) === 503 || undefined, {
    message: "the edge to report not ready",
  });
  const refused = await ann.send("say while away");
  await refused.body?.cancel();
  assertEquals(refused.status, 503, "a command with no way to the world is refused");
  assert(refused.headers.has("retry-after"));
  await cluster.redis.start();
  await waitFor(async () => (await readyz(edge.url)) === 200 || undefined, {
    message: "the edge to be ready again",
    timeout: 15_000,
  });
  for (let i = 0; i < 5; i++) {
    await waitFor(async () => {
      const response = await ann.send(`say after ${i}`);
      await response.body?.cancel();
      return response.status === 202 || undefined;
    }, { message: "commands to be accepted again", timeout: 15_000 });
    acknowledged.push(`after ${i}`);
  }
  // The stream kept going (heartbeats through the outage) or resumed: every acknowledged say.
  const heard: string[] = [];
  while (heard.length < acknowledged.length) {
    heard.push(String((await ann.expect("room.say", (data) => data.npc !== true, 15_000)).text));
  }
  assertEquals(heard, acknowledged);
});

async function readyz(url: URL): Promise<number> {
  const response = await fetch(new URL("/readyz", url));
  await response.body?.cancel();
  return response.status;
}

/** Streams open on a test node, from its status. */
async function streamsOn(node: { fetch(path: string, init?: RequestInit): Promise<Response> }) {
  const response = await node.fetch("/admin/status", {
    headers: { authorization: "Bearer test-admin-token-0123456789" },
  });
  const body = await response.json();
  return body.streams.open as number;
}

/** Letters no two of which (or pairs of which, like "rn") look alike. */
const DISTINCT_LETTERS = "bcdfghjkpqstvwxz";

/** A name of letters only for player `n`, unlike every other such name. */
function letterName(n: number): string {
  let suffix = "";
  for (let rest = n, i = 0; i < 3; i++, rest = Math.floor(rest / DISTINCT_LETTERS.length)) {
    suffix = DISTINCT_LETTERS[rest % DISTINCT_LETTERS.length] + suffix;
  }
  return `Inv${suffix}`;
}

Deno.test({
  name:
    "kill -9 one edge (a real process) under traffic through HAProxy: its players resume elsewhere with 0 lost, 0 duplicated, and only the one who does not come back goes linkdead",
  ignore: ignore || skipWithoutHaproxy("Cluster kill -9 through HAProxy"),
}, async () => {
  await using cluster = await startTestCluster({ edges: 1, env: MANY_PLAYERS });
  await using doomed = spawnServer({
    env: cluster.nodeEnv("edge", "edge-doomed"),
  });
  const [survivor] = cluster.edges as [typeof cluster.edges[0]];
  const listening = await doomed.waitForLog((line) => line.msg === "listening", 30_000);
  const doomedUrl = new URL(`http://127.0.0.1:${listening.port}`);
  await using haproxy = await startHaproxy([survivor.url, doomedUrl]);

  // One player is on the doomed edge directly and will not come back.
  await using watcher = await TestPlayer.enter(survivor.url, "Watcher");
  await using _gone = await TestPlayer.enter(doomedUrl, "Gone");
  await watcher.expect("room.enter", (data) => data.who === "Gone");

  const players: LedgerPlayer[] = [];
  await using stack = new AsyncDisposableStack();
  const started = await Promise.all(
    Array.from({ length: 40 }, (_, i) => LedgerPlayer.start(haproxy.url, letterName(i))),
  );
  for (const player of started) players.push(stack.use(player));
  await Promise.all(players.map((player) => player.inWorld));
  const talker = await TestPlayer.register(survivor.url, "Talker");
  await using _talker = talker;
  const sent: string[] = [];
  const say = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const text = `line ${sent.length}`;
      await talker.do(`say ${text}`);
      sent.push(text);
    }
  };
  await talker.connect();
  await talker.expect("room.look");
  await say(5);
  doomed.child.kill("SIGKILL");
  await say(5);
  await waitFor(() => players.every((player) => heardAll(player, sent)) || undefined, {
    message: "every player to hear every line",
    timeout: 30_000,
  });
  const lost = players.flatMap((player) => sent.filter((text) => !player.heard.has(text)));
  const duplicated = players.flatMap((player) =>
    [...player.heard].filter(([, count]) => count > 1).map(([text]) => text)
  );
  assertEquals({ lost: lost.length, duplicated: duplicated.length }, { lost: 0, duplicated: 0 });
  // Its heartbeat lapses (1.5 s here): Gone, who never came back, falls silent (linkdead). With
  // 43 players the room is crowded, so that news comes in the room's batch (lib/game/crowds.ts).
  const silent: string[] = [];
  const lapseStarted = performance.now();
  while (!silent.includes("Gone")) {
    const left = 15_000 - (performance.now() - lapseStarted);
    const frame = await watcher.stream.next(Math.max(1, left));
    if (frame === undefined) throw new Error("the watcher's stream ended");
    silent.push(...fellSilent(frame));
  }
  await talker.do("say after");
  while (true) {
    const frame = await watcher.stream.next();
    if (frame === undefined) throw new Error("the watcher's stream ended");
    if (frame.event === "room.say" && JSON.parse(frame.data).text === "after") break;
    silent.push(...fellSilent(frame));
  }
  assertEquals(silent, ["Gone"], "only the player who did not come back falls silent");
});

/**
 * Who a frame says fell silent (went linkdead): one by one in a `system.notice`, or in a crowded
 * room's `room.crowd` batch (those it counts without naming stand as "(unnamed)").
 */
function fellSilent(frame: { event: string; data: string }): string[] {
  const data = JSON.parse(frame.data || "{}");
  if (frame.event === "system.notice" && data.code === "player.linkdead") return [data.who];
  if (frame.event !== "room.crowd") return [];
  return [...data.silent, ...Array.from({ length: data.moreSilent }, () => "(unnamed)")];
}

/** Whether `player` has heard every one of `sent`. */
function heardAll(player: LedgerPlayer, sent: readonly string[]): boolean {
  return player.heard.size >= sent.length && sent.every((text) => player.heard.has(text));
}
