/**
 * How to lay out the game's events in Redis Streams (`deno task bench:layout`): the choice the
 * cluster is built on (docs/cluster-events.md), weighed with numbers against a real redis-server.
 *
 * Three layouts, the same traffic:
 *
 * - **one** — one stream for every event; each entry names its audience (a player, a room, all).
 *   Edges read the one stream. A resume either scans the stream for the player's entries
 *   (**one/scan**), or — what an edge that keeps the bounded per-player history in memory does —
 *   costs one read of the history window when the edge starts (**one/replica**), after which
 *   every resume is answered from memory.
 * - **player** — a stream per player: a room's say is one append per listener; a resume reads
 *   only the player's own stream.
 * - **room+player** — a stream per room, one per player and one for broadcasts: a say is one
 *   append; a resume reads and merges three streams (and, to be exact, every room the player
 *   passed through since, which this measurement leaves out in its favour).
 *
 * Workload: P players in R rooms (P/R per room), S room says, B broadcasts, then a reconnect
 * storm of every player resuming from the id they held before the traffic. Printed per layout:
 * appends and the time to publish, entries and bytes Redis holds, and for the storm the entries
 * read from Redis and its time. Three runs, alternating layouts.
 *
 * Usage: deno task bench:layout [--players 2000] [--rooms 40] [--says 2000] [--broadcasts 50]
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { createClient } from "redis";
import { EventBus } from "../lib/bus/event_bus.ts";
import { startRedis } from "../tests/support/redis.ts";
import { flag } from "./lib/args.ts";
import { eachLimited } from "./lib/bot.ts";
import { round } from "./lib/stats.ts";

const PLAYERS = flag("players", 2000);
const ROOMS = flag("rooms", 40);
const SAYS = flag("says", 2000);
const BROADCASTS = flag("broadcasts", 50);
const RUNS = flag("runs", 3);
const READ_BATCH = 1000;
const TEXT = "The stars are right, and something stirs beneath the Miskatonic.";

type Redis = ReturnType<typeof createClient>;
type Entry = [string, string[]];

const players = Array.from({ length: PLAYERS }, (_, i) => `player-${i}`);
const roomOf = (player: number) => `room-${player % ROOMS}`;
const listeners = new Map<string, string[]>();
players.forEach((player, i) => {
  const list = listeners.get(roomOf(i)) ?? [];
  list.push(player);
  listeners.set(roomOf(i), list);
});

function payload(from: string): string {
  return JSON.stringify({ type: "room.say", data: { from, text: TEXT } });
}

async function xadd(redis: Redis, key: string, fields: string[]): Promise<string> {
  return String(await redis.sendCommand(["XADD", key, "*", ...fields]));
}

/** Reads a stream after `after` (exclusive) to its end, in batches; returns what was read. */
async function readAfter(redis: Redis, key: string, after: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  let cursor = after;
  while (true) {
    const batch = await redis.sendCommand([
      "XRANGE",
      key,
      `(${cursor}`,
      "+",
      "COUNT",
      String(READ_BATCH),
    ]) as unknown as Entry[];
    entries.push(...batch);
    if (batch.length < READ_BATCH) return entries;
    cursor = batch[batch.length - 1]?.[0] ?? cursor;
  }
}

async function memoryBytes(redis: Redis): Promise<number> {
  const info = String(await redis.sendCommand(["INFO", "memory"]));
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

interface Result {
  layout: string;
  appends: number;
  publishMs: number;
  sayPerSecond: number;
  memoryMiB: number;
  stormReads: number;
  stormMs: number;
}

/** Publishes the traffic with `publishSay` / `publishAll`; times it; measures memory. */
async function traffic(
  redis: Redis,
  publishSay: (speaker: number) => Promise<number>,
  publishAll: () => Promise<number>,
): Promise<{ appends: number; publishMs: number; sayMs: number; memoryMiB: number }> {
  const before = await memoryBytes(redis);
  let appends = 0;
  const started = performance.now();
  // Ten speakers at a time, as several players talk at once.
  await eachLimited(Array.from({ length: SAYS }, (_, i) => (i * 7919) % PLAYERS), 10, async (s) => {
    const added = await publishSay(s);
    appends += added;
  });
  const sayMs = performance.now() - started;
  for (let i = 0; i < BROADCASTS; i++) {
    const added = await publishAll();
    appends += added;
  }
  const publishMs = performance.now() - started;
  return {
    appends,
    publishMs,
    sayMs,
    memoryMiB: ((await memoryBytes(redis)) - before) / 2 ** 20,
  };
}

/** The figures of one layout's run. */
function result(
  layout: string,
  measured: Awaited<ReturnType<typeof traffic>>,
  stormReads: number,
  stormStarted: number,
): Result {
  return {
    layout,
    appends: measured.appends,
    publishMs: round(measured.publishMs),
    sayPerSecond: round(SAYS / (measured.sayMs / 1000)),
    memoryMiB: round(measured.memoryMiB),
    stormReads,
    stormMs: round(performance.now() - stormStarted),
  };
}

async function layoutOne(redis: Redis, mode: "scan" | "replica"): Promise<Result> {
  const key = "events";
  const start = await xadd(redis, key, ["to", "all", "e", "{}"]);
  const measured = await traffic(
    redis,
    async (s) => {
      await xadd(redis, key, ["to", `room:${roomOf(s)}`, "e", payload(players[s] ?? "")]);
      return 1;
    },
    async () => {
      await xadd(redis, key, ["to", "all", "e", payload("Armitage")]);
      return 1;
    },
  );
  const started = performance.now();
  let reads = 0;
  if (mode === "scan") {
    // Each resume reads everything after its id and keeps what is addressed to it.
    await eachLimited(players.map((_, i) => i), 50, async (i) => {
      const entries = await readAfter(redis, key, start);
      reads += entries.length;
      const room = `room:${roomOf(i)}`;
      entries.filter(([, fields]) => fields[1] === "all" || fields[1] === room);
    });
  } else {
    // The edge reads the window once into a local bus (today's EventBus), then serves resumes.
    const entries = await readAfter(redis, key, start);
    reads = entries.length;
    const bus = new EventBus({ firstId: 1, history: { frames: 100_000, bytes: 1 << 30 } });
    players.forEach((player, i) => {
      bus.open(player);
      bus.joinTopic(player, `room:${roomOf(i)}`);
    });
    for (const [, fields] of entries) {
      const to = fields[1] ?? "all";
      const event = JSON.parse(fields[3] ?? "{}");
      if (event.type === undefined) continue;
      bus.publish(event, to === "all" ? { to: "all" } : { to: "topic", topic: to });
    }
    for (const player of players) {
      using subscription = bus.subscribe(player, { lastEventId: "1" });
      while (subscription.take() !== undefined) {
        // Drains what the player missed, as the stream would send it.
      }
    }
    bus.close();
  }
  return result(`one/${mode}`, measured, reads, started);
}

async function layoutPlayer(redis: Redis): Promise<Result> {
  const starts = new Map<string, string>();
  for (const player of players) starts.set(player, await xadd(redis, `p:${player}`, ["e", "{}"]));
  const measured = await traffic(
    redis,
    async (s) => {
      const audience = listeners.get(roomOf(s)) ?? [];
      const event = payload(players[s] ?? "");
      await Promise.all(audience.map((player) => xadd(redis, `p:${player}`, ["e", event])));
      return audience.length;
    },
    async () => {
      const event = payload("Armitage");
      await Promise.all(players.map((player) => xadd(redis, `p:${player}`, ["e", event])));
      return players.length;
    },
  );
  const started = performance.now();
  let reads = 0;
  await eachLimited(players, 50, async (player) => {
    const entries = await readAfter(redis, `p:${player}`, starts.get(player) ?? "0");
    reads += entries.length;
  });
  return result("player", measured, reads, started);
}

async function layoutRoomPlayer(redis: Redis): Promise<Result> {
  const start = await xadd(redis, "all", ["e", "{}"]);
  for (let r = 0; r < ROOMS; r++) await xadd(redis, `r:room-${r}`, ["e", "{}"]);
  const measured = await traffic(
    redis,
    async (s) => {
      await xadd(redis, `r:${roomOf(s)}`, ["e", payload(players[s] ?? "")]);
      return 1;
    },
    async () => {
      await xadd(redis, "all", ["e", payload("Armitage")]);
      return 1;
    },
  );
  const started = performance.now();
  let reads = 0;
  await eachLimited(players.map((_, i) => i), 50, async (i) => {
    // The player's own stream, its room's and the broadcasts', merged by id.
    const parts = await Promise.all([
      readAfter(redis, `p:${players[i]}`, start),
      readAfter(redis, `r:${roomOf(i)}`, start),
      readAfter(redis, "all", start),
    ]);
    const merged = parts.flat().sort((a, b) => compareIds(a[0], b[0]));
    reads += merged.length;
  });
  return result("room+player", measured, reads, started);
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split("-").map(Number);
  const [bm, bs] = b.split("-").map(Number);
  return (am ?? 0) - (bm ?? 0) || (as ?? 0) - (bs ?? 0);
}

await using server = await startRedis();
const redis = createClient({ url: server.url });
await redis.connect();
try {
  for (let run = 1; run <= RUNS; run++) {
    for (
      const measure of [
        () => layoutOne(redis, "scan"),
        () => layoutOne(redis, "replica"),
        () => layoutPlayer(redis),
        () => layoutRoomPlayer(redis),
      ]
    ) {
      await redis.sendCommand(["FLUSHALL"]);
      const result = await measure();
      console.log(
        JSON.stringify({
          run,
          players: PLAYERS,
          rooms: ROOMS,
          says: SAYS,
          broadcasts: BROADCASTS,
          ...result,
        }),
      );
    }
  }
} finally {
  await redis.quit();
}
