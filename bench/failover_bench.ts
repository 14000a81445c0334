/**
 * `deno task bench:failover`: the world node killed with `kill -9` again and again while players
 * play, a standby taking over each time (docs/operations.md, "Measured").
 *
 * Real processes: redis-server (append-only) and PostgreSQL, one edge, and world nodes started one
 * after another. Players hold their event streams at the edge (reconnecting like the browser if a
 * stream ends) and keep a ledger of every say; one player says a line every `--interval` ms (each
 * with an idempotency key, retried after a 503 like the browser). Each round starts a standby,
 * waits until it stands by, kills the running world with SIGKILL and waits for the standby to run
 * the world. Reported per round and in sum:
 *
 * - **takeover**: from the kill to the standby logging `running the world` (the lease lapsing, the
 *   claim, catching up with the event stream, loading the world and its players);
 * - **pause**: the longest gap between two acknowledged says around the kill, as the talking player
 *   saw it;
 * - **lost / duplicated**: acknowledged says some listener never heard, or heard twice (the ledger);
 *   **streams reopened**: how often a listener's stream ended (0: streams stayed open).
 *
 * Then `--handovers` rounds (5) stop the running world with SIGTERM instead: it saves and hands the
 * lease over, and the pause is what a planned restart costs.
 *
 * Options: `--rounds N` (20), `--handovers N` (5), `--players N` (20 listeners), `--interval MS`
 * (100), `--lease MS` (3000, the default `MYTHOS_WORLD_LEASE_MS`), `--verbose`.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { delay } from "@std/async/delay";
import { startPostgres } from "../tests/support/postgres.ts";
import { startRedis } from "../tests/support/redis.ts";
import { LedgerPlayer } from "../tests/support/ledger_player.ts";
import { TestPlayer } from "../tests/support/player.ts";
import { flag, has } from "./lib/args.ts";
import { type BenchServer, startBenchServer } from "./lib/server.ts";
import { round } from "./lib/stats.ts";

const ROUNDS = flag("rounds", 20);
const HANDOVERS = flag("handovers", 5);
const PLAYERS = flag("players", 20);
const INTERVAL_MS = flag("interval", 100);
const LEASE_MS = flag("lease", 3000);
const verbose = has("verbose");

await using redis = await startRedis({ appendOnly: true });
await using postgres = await startPostgres();
const database = await postgres.newDatabase();
const env = (role: string, id: string) => ({
  MYTHOS_ROLE: role,
  MYTHOS_NODE_ID: id,
  MYTHOS_REDIS_URL: redis.url,
  MYTHOS_DATABASE_URL: database,
  MYTHOS_WORLD_LEASE_MS: String(LEASE_MS),
  MYTHOS_NODE_TTL_MS: "3000",
  // No NPC chatter in the ledgers.
  MYTHOS_NPC_TICK_MS: "3600000",
});

let worldNumber = 1;
const startWorld = async (): Promise<BenchServer> => {
  const id = `world-${worldNumber++}`;
  return await startBenchServer(env("world", id), verbose);
};
let running = await startWorld();
await running.lines.wait((line) => line.msg === "running the world", 60_000, "the first world");
await using edge = await startBenchServer(env("edge", "edge-1"), verbose);

const listeners: LedgerPlayer[] = [];
await using stack = new AsyncDisposableStack();
for (let i = 0; i < PLAYERS; i++) {
  listeners.push(stack.use(await LedgerPlayer.start(edge.url, `Listener${letters(i)}`)));
}
await Promise.all(listeners.map((listener) => listener.inWorld));
await using talker = await TestPlayer.enter(edge.url, "Talker");

// The talker says a line every interval until told to stop; acknowledged lines go in `sent`.
const sent: string[] = [];
const acknowledgedAt: number[] = [];
const stopTalking = new AbortController();
const talking = (async () => {
  while (!stopTalking.signal.aborted) {
    const text = `line ${sent.length}`;
    const key = { "idempotency-key": crypto.randomUUID() };
    while (!stopTalking.signal.aborted) {
      const response = await talker.send(`say ${text}`, key).catch(() => undefined);
      await response?.body?.cancel();
      if (response?.status === 202) {
        sent.push(text);
        acknowledgedAt.push(performance.now());
        break;
      }
      await delay(Number(response?.headers.get("retry-after") ?? 1) * 200).catch(() => {});
    }
    await delay(INTERVAL_MS).catch(() => {});
  }
})();

const rounds: { signal: Deno.Signal; takeoverMs: number; pauseMs: number }[] = [];
try {
  await delay(1000);
  const signals: Deno.Signal[] = [
    ...Array.from({ length: ROUNDS }, () => "SIGKILL" as const),
    ...Array.from({ length: HANDOVERS }, () => "SIGTERM" as const),
  ];
  for (const [r, signal] of signals.entries()) {
    const standby = await startWorld();
    await standby.lines.wait((line) => line.msg === "listening", 60_000, "the standby");
    // Let it follow the stream a moment, as a standby in production long has.
    await delay(500);
    const stoppedAt = performance.now();
    running.child.kill(signal);
    await standby.lines.wait((line) => line.msg === "running the world", 60_000, "the takeover");
    const takeoverMs = performance.now() - stoppedAt;
    await running[Symbol.asyncDispose]();
    running = standby;
    // Talk on a while after the takeover, then see the longest silence from the last line
    // acknowledged before the stop to now.
    await delay(1000);
    const before = acknowledgedAt.filter((at) => at < stoppedAt).at(-1) ?? stoppedAt;
    const times = [before, ...acknowledgedAt.filter((at) => at >= stoppedAt), performance.now()];
    let pauseMs = 0;
    for (let i = 1; i < times.length; i++) {
      pauseMs = Math.max(pauseMs, (times[i] as number) - (times[i - 1] as number));
    }
    rounds.push({ signal, takeoverMs: round(takeoverMs), pauseMs: round(pauseMs) });
    console.log(
      JSON.stringify({
        round: r + 1,
        signal,
        takeoverMs: round(takeoverMs),
        pauseMs: round(pauseMs),
      }),
    );
  }
} finally {
  stopTalking.abort();
  await talking;
}

// Every listener hears every acknowledged line once.
const settleUntil = performance.now() + 30_000;
while (
  performance.now() < settleUntil &&
  !listeners.every((listener) => sent.every((text) => listener.heard.has(text)))
) {
  await delay(100);
}
const lost = listeners.reduce(
  (sum, listener) => sum + sent.filter((text) => !listener.heard.has(text)).length,
  0,
);
const duplicated = listeners.reduce(
  (sum, listener) => sum + [...listener.heard.values()].filter((count) => count > 1).length,
  0,
);
const reopened = listeners.reduce((sum, listener) => sum + listener.connects - 1, 0);
const figures = (signal: Deno.Signal) => {
  const chosen = rounds.filter((r) => r.signal === signal);
  const takeovers = chosen.map((r) => r.takeoverMs).sort((a, b) => a - b);
  const pauses = chosen.map((r) => r.pauseMs).sort((a, b) => a - b);
  return {
    rounds: chosen.length,
    takeoverMs: { median: median(takeovers), worst: takeovers.at(-1) },
    pauseMs: { median: median(pauses), worst: pauses.at(-1) },
  };
};
const summary = {
  scenario: "failover",
  leaseMs: LEASE_MS,
  listeners: PLAYERS,
  says: sent.length,
  killed: figures("SIGKILL"),
  handedOver: figures("SIGTERM"),
  lost,
  duplicated,
  streamsReopened: reopened,
};
console.log(JSON.stringify({ ...summary, passed: lost === 0 && duplicated === 0 }));
await running[Symbol.asyncDispose]();
if (lost !== 0 || duplicated !== 0) Deno.exitCode = 1;

function median(sorted: number[]): number {
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle] as number
    : round(((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2);
}

/** A name suffix of letters only for `n` (player names take letters). */
function letters(n: number): string {
  const alphabet = "bcdfghjkpqstvwxz";
  return (alphabet[Math.floor(n / alphabet.length) % alphabet.length] as string) +
    (alphabet[n % alphabet.length] as string);
}
