/**
 * What filling a room costs (`deno task bench:crowd`): P players entering one room, against the
 * same players spread over R rooms, with crowds bounded (a look names 30 others; past 40 players
 * arrivals and departures are announced in batches, lib/game/crowds.ts) and unbounded (every
 * arrival announced to everyone, every look naming everyone: the game before crowds were
 * bounded).
 *
 * In one process, through the real Game and EventBus: each player enters (`Game.enter`, which
 * announces the arrival), subscribes, and is shown its room (`Game.look`, as a new stream's
 * greeting does); crowds are flushed every F arrivals (players arriving at F a second, with the
 * one-second flush). Measured: the game's time for the entries (the harness's reading excluded),
 * the frames and bytes delivered to all players, and the largest single look.
 *
 * Usage: deno task bench:crowd [--players 1000] [--rooms 40] [--per-flush 50] [--runs 3]
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { EventBus } from "../lib/bus/event_bus.ts";
import type { Subscription } from "../lib/bus/subscription.ts";
import { MythosClock } from "../lib/game/clock.ts";
import { Game } from "../lib/game/game.ts";
import { World } from "../lib/game/world.ts";
import { loadWorld, type WorldData } from "../lib/game/world_data.ts";
import { KvStore } from "../lib/store/kv_store.ts";
import type { PlayerRecord } from "../lib/store/store.ts";
import { flag } from "./lib/args.ts";
import { round } from "./lib/stats.ts";

const PLAYERS = flag("players", 1000);
const ROOMS = flag("rooms", 40);
const PER_FLUSH = flag("per-flush", 50);
const RUNS = flag("runs", 3);

interface Result {
  ms: number;
  frames: number;
  bytes: number;
  largestLook: number;
}

/** A name of letters only (the game's rule), different for each number. */
function nameFor(n: number): string {
  let name = "";
  for (let rest = n; name.length < 4; rest = Math.floor(rest / 26)) {
    name += String.fromCharCode(97 + rest % 26);
  }
  return `P${name}`;
}

async function fill(
  data: WorldData,
  rooms: string[],
  bounded: boolean,
): Promise<Result> {
  const dir = await Deno.makeTempDir({ prefix: "mythos-crowd-" });
  const store = await KvStore.open(dir);
  const bus = new EventBus({ firstId: 1 });
  const game = new Game({
    world: new World(data),
    bus,
    store,
    clock: new MythosClock(12),
    ...(bounded ? {} : { crowding: { crowdedAt: Infinity, lookNames: Infinity } }),
  });
  const subscriptions: Subscription[] = [];
  const result: Result = { ms: 0, frames: 0, bytes: 0, largestLook: 0 };
  const drain = () => {
    for (const subscription of subscriptions) {
      for (let frame = subscription.take(); frame !== undefined; frame = subscription.take()) {
        result.frames++;
        result.bytes += frame.bytes.byteLength;
      }
    }
  };
  try {
    const now = new Date().toISOString();
    for (let n = 0; n < PLAYERS; n++) {
      const record: PlayerRecord = {
        id: crypto.randomUUID(),
        name: nameFor(n),
        room: rooms[n % rooms.length] ?? data.start,
        stats: { lucidity: 100 },
        createdAt: now,
        updatedAt: now,
      };
      const started = performance.now();
      const player = game.enter(record);
      subscriptions.push(bus.subscribe(player.id));
      game.look(player);
      if ((n + 1) % PER_FLUSH === 0) game.flushCrowds();
      result.ms += performance.now() - started;
      if ((n + 1) % PER_FLUSH === 0) drain();
    }
    const started = performance.now();
    game.flushCrowds();
    result.ms += performance.now() - started;
    drain();
    const look = game.world.view(rooms[0] ?? data.start, undefined, bounded ? undefined : Infinity);
    result.largestLook = new TextEncoder().encode(JSON.stringify(look)).byteLength;
    return result;
  } finally {
    for (const subscription of subscriptions) await subscription.return();
    bus.close();
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const data = await loadWorld(new URL("../data/world", import.meta.url).pathname);
const spread = [...data.rooms.keys()].slice(0, ROOMS);
const scenarios = [
  { name: `one room, bounded`, rooms: [data.start], bounded: true },
  { name: `one room, unbounded`, rooms: [data.start], bounded: false },
  { name: `${ROOMS} rooms, bounded`, rooms: spread, bounded: true },
  { name: `${ROOMS} rooms, unbounded`, rooms: spread, bounded: false },
];
console.log(
  `${PLAYERS} players entering, crowds flushed every ${PER_FLUSH} arrivals; ${RUNS} runs, scenarios alternating`,
);
const results = new Map<string, Result[]>(scenarios.map((scenario) => [scenario.name, []]));
for (let run = 1; run <= RUNS; run++) {
  for (const scenario of scenarios) {
    const result = await fill(data, scenario.rooms, scenario.bounded);
    results.get(scenario.name)?.push(result);
    console.log(
      `run ${run} ${scenario.name.padEnd(22)} ${String(round(result.ms, 1)).padStart(8)} ms  ` +
        `${String(result.frames).padStart(8)} frames  ${
          String(round(result.bytes / 1048576, 2)).padStart(8)
        } MiB  largest look ${result.largestLook} B`,
    );
  }
}
console.log(JSON.stringify({
  players: PLAYERS,
  rooms: ROOMS,
  perFlush: PER_FLUSH,
  results: Object.fromEntries(
    [...results].map(([name, runs]) => [name, runs.map((r) => ({ ...r, ms: round(r.ms, 1) }))]),
  ),
}));
