/**
 * Where a player's memory goes (`deno task bench:memory`).
 *
 * **The server, by stage.** The real server (`memory_server.ts`: `startServer` plus a listener
 * that collects garbage before answering `Deno.memoryUsage()`) is measured as N players arrive in
 * stages — registered (account and session), connected (each stream entering the world through
 * presence: a character, a mailbox, a subscription, the greeting, the SSE stream and its HTTP
 * connection, held by a separate load-generator process), and after L room lines (the replay
 * history each mailbox keeps) — and each stage's growth of the V8 heap, of memory outside it
 * (`external`) and of RSS is divided by N.
 *
 * **The connected stage, by part.** In this process, with the garbage collected between steps:
 * N characters added to a World; their mailboxes opened and joined to a room topic; one
 * subscription each (what a stream iterates); and a greeting each (`Game.snapshot`).
 *
 * Usage: deno task bench:memory [--players 1000] [--lines 300] [--runs 3]
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { delay } from "@std/async/delay";
import { EventBus } from "../lib/bus/event_bus.ts";
import { SERVER_V8_FLAGS } from "../lib/v8_flags.ts";
import type { Subscription } from "../lib/bus/subscription.ts";
import { MythosClock } from "../lib/game/clock.ts";
import { Game } from "../lib/game/game.ts";
import { World } from "../lib/game/world.ts";
import { loadWorld } from "../lib/game/world_data.ts";
import { KvStore } from "../lib/store/kv_store.ts";
import type { PlayerRecord } from "../lib/store/store.ts";
import { flag } from "./lib/args.ts";
import { botName } from "./lib/bot.ts";
import { registerPlayers } from "./lib/accounts.ts";
import { JsonLines } from "./lib/lines.ts";
import { rssBytes } from "./lib/proc.ts";
import { paced, wallClock } from "./pace.ts";

const PLAYERS = flag("players", 1000);
const LINES = flag("lines", 300);
const RUNS = flag("runs", 3);
const WARM_UP = 50;
const HERE = new URL(".", import.meta.url);
const ROOT = new URL("../", import.meta.url);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc (deno task bench:memory)");

interface Usage {
  heapUsed: number;
  external: number;
  rss: number;
}

/** Bytes per player between two readings. */
function perPlayer(before: Usage, after: Usage): Usage {
  return {
    heapUsed: Math.round((after.heapUsed - before.heapUsed) / PLAYERS),
    external: Math.round((after.external - before.external) / PLAYERS),
    rss: Math.round((after.rss - before.rss) / PLAYERS),
  };
}

async function serverStages(): Promise<Record<string, Usage>> {
  const dataDir = await Deno.makeTempDir({ prefix: "mythos-memory-" });
  const server = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      `--v8-flags=--expose-gc,${SERVER_V8_FLAGS.join(",")}`,
      new URL("memory_server.ts", HERE).pathname,
    ],
    cwd: ROOT.pathname,
    env: {
      MYTHOS_PORT: "0",
      MYTHOS_DATA_DIR: dataDir,
      MYTHOS_PASSWORD_COST: "1000",
      MYTHOS_LOGIN_ATTEMPTS_PER_MINUTE: "1000000",
      MYTHOS_NPC_TICK_MS: "3600000",
      MYTHOS_CLOCK_MS_PER_HOUR: "3600000",
      MYTHOS_COMBAT_TICK_MS: "3600000",
      MYTHOS_MAX_CONNECTIONS: String(PLAYERS + 200),
      NO_COLOR: "1",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines = new JsonLines(server.stdout);
  let client: Deno.ChildProcess | undefined;
  const cookiesFile = await Deno.makeTempFile({ prefix: "mythos-memory-cookies-" });
  try {
    const listening = await lines.wait((line) => line.msg === "listening", 30_000, "listening");
    const base = new URL(`http://127.0.0.1:${listening.port}`);
    const reading = async (): Promise<Usage> => {
      const memory = await (await fetch(`http://127.0.0.1:${listening.memoryPort}/memory`)).json();
      return {
        heapUsed: memory.heapUsed,
        external: memory.external,
        rss: await rssBytes(server.pid),
      };
    };
    // Warm up first (compiled code, first-use caches), so the stages hold only what players do.
    await registerPlayers(base, "Ww", WARM_UP);
    await delay(500);
    const started = await reading();
    const cookies = await registerPlayers(base, "Mm", PLAYERS);
    const registered = await reading();

    await Deno.writeTextFile(cookiesFile, JSON.stringify(cookies));
    client = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        new URL("sse_load_client.ts", HERE).pathname,
        base.origin,
        String(PLAYERS),
        String(LINES),
      ],
      env: { BENCH_COOKIES: cookiesFile, NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const clientLines = new JsonLines(client.stdout);
    await clientLines.wait((line) => line.phase === "ready", 180_000, "every stream connected");
    // The crowded room's arrivals go out with the next flush.
    await delay(2000);
    const connected = await reading();

    const sent: Promise<void>[] = [];
    await paced(LINES, 50, (seq) => {
      sent.push(
        fetch(new URL("/api/commands", base), {
          method: "POST",
          headers: { "content-type": "application/json", cookie: cookies[seq % 10] ?? "" },
          body: JSON.stringify({ command: `say ${seq} ${wallClock()}` }),
        }).then((response) => response.body?.cancel()),
      );
    });
    await Promise.all(sent);
    const received = await clientLines.wait((line) => line.phase === "received", 180_000, "lines");
    if (Number(received.lost) !== 0) throw new Error(`lost ${received.lost} deliveries`);
    const afterLines = await reading();
    server.kill("SIGTERM");
    await clientLines.wait((line) => line.phase === "ended", 30_000, "streams ended")
      .catch(() => undefined);
    return {
      "account and session": perPlayer(started, registered),
      "connected (character, mailbox, stream, connection)": perPlayer(registered, connected),
      [`${LINES} room lines of history`]: perPlayer(connected, afterLines),
      "all": perPlayer(started, afterLines),
    };
  } finally {
    for (const child of [server, client]) {
      try {
        child?.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      await child?.status;
    }
    await lines.done;
    await Deno.remove(cookiesFile);
    await Deno.remove(dataDir, { recursive: true });
  }
}

/** The heap in use after collecting garbage. */
function heapNow(): number {
  gc?.();
  gc?.();
  return Deno.memoryUsage().heapUsed;
}

async function partsInProcess(): Promise<Record<string, number>> {
  const dir = await Deno.makeTempDir({ prefix: "mythos-memory-parts-" });
  const store = await KvStore.open(dir);
  const data = await loadWorld(new URL("../data/world", import.meta.url).pathname);
  const bus = new EventBus({ firstId: 1 });
  const world = new World(data);
  const game = new Game({ world, bus, store, clock: new MythosClock(12) });
  const subscriptions: Subscription[] = [];
  const kept: unknown[] = [];
  try {
    const now = new Date().toISOString();
    const records: PlayerRecord[] = [...Array(PLAYERS).keys()].map((n) => ({
      id: crypto.randomUUID(),
      name: botName("Pp", n),
      room: data.start,
      stats: { lucidity: 100 },
      createdAt: now,
      updatedAt: now,
    }));
    const parts: Record<string, number> = {};
    let before = heapNow();
    const step = (name: string) => {
      const after = heapNow();
      parts[name] = Math.round((after - before) / PLAYERS);
      before = after;
    };
    const players = records.map((record) => world.addPlayer(record, false));
    step("character (World.addPlayer)");
    for (const player of players) {
      bus.open(player.id);
      bus.joinTopic(player.id, `room:${player.room}`);
    }
    step("mailbox, joined to its room");
    for (const player of players) subscriptions.push(bus.subscribe(player.id));
    step("subscription (what a stream iterates)");
    for (const player of players) kept.push(game.snapshot(player.id));
    step("greeting frames (Game.snapshot)");
    return parts;
  } finally {
    for (const subscription of subscriptions) await subscription.return();
    bus.close();
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

console.log(`${PLAYERS} players in one room, ${LINES} room lines; ${RUNS} runs`);
const runs: { stages: Record<string, Usage>; parts: Record<string, number> }[] = [];
for (let run = 1; run <= RUNS; run++) {
  const stages = await serverStages();
  const parts = await partsInProcess();
  runs.push({ stages, parts });
  console.log(`\nrun ${run}: bytes per player`);
  console.log("| stage | V8 heap | outside the heap | RSS |\n| --- | --- | --- | --- |");
  for (const [name, usage] of Object.entries(stages)) {
    console.log(`| ${name} | ${usage.heapUsed} | ${usage.external} | ${usage.rss} |`);
  }
  console.log("| the connected stage's heap, by part (in process) | | | |");
  for (const [name, bytes] of Object.entries(parts)) console.log(`| - ${name} | ${bytes} | | |`);
}
console.log(JSON.stringify({ bench: "memory", players: PLAYERS, lines: LINES, runs }));
