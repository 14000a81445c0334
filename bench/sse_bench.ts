/**
 * The real-time core benchmark (`deno task bench`).
 *
 * For each of two servers — the floor (a bare `Deno.serve` broadcaster, `floor_server.ts`) and
 * the real-time core (`core_server.ts`) — it starts the server, has a separate load-generator
 * process open N streams on loopback, has the server publish K events at R per second to every
 * stream, and measures: deliveries per second, delivery latency p50/p99, server CPU time per
 * delivered event and RSS per open stream (from /proc), lost and duplicated events, and on
 * SIGTERM the time to exit and how many streams got `stream.shutdown` and ended cleanly.
 *
 * Prints a table on stderr and one JSON summary line on stdout; exits 1 if a target is missed.
 *
 * Each server is measured `--rounds` times, alternating; see `combine()` for how rounds are
 * combined.
 *
 * `--room` measures the game instead of the bare core, as players receive most of what they get:
 * the real server (`main.ts`) with N registered players, each stream a logged-in session that
 * entered the world through presence, all in one room; S of them (`--speakers`, default 10) say
 * the lines through `POST /api/commands`, at R per second in all, and every player hears each one
 * through the game's room addressing. The floor is measured in the same run with the same number
 * of streams and events.
 *
 * Usage: deno task bench [--streams 4000] [--rate 10] [--events 300] [--rounds 2]
 *        deno task bench --room [--streams 1000] [--rate 20] [--events 300] [--speakers 10]
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { delay } from "@std/async/delay";
import { flag, has } from "./lib/args.ts";
import { registerPlayers } from "./lib/accounts.ts";
import { JsonLines } from "./lib/lines.ts";
import { cpuByThread, cpuByThreadSince, cpuMs, rssBytes, type ThreadCpu } from "./lib/proc.ts";
import { startBenchServer } from "./lib/server.ts";
import { spawnScript } from "./lib/spawn.ts";
import { paced, wallClock } from "./pace.ts";

const ROOM = has("room");
const STREAMS = flag("streams", ROOM ? 1000 : 4000);
const RATE = flag("rate", ROOM ? 20 : 10);
const EVENTS = flag("events", 300);
const ROUNDS = flag("rounds", 2);
const SPEAKERS = flag("speakers", 10);
const verbose = has("verbose");

interface Result {
  server: string;
  streams: number;
  delivered: number;
  deliveriesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  lost: number;
  duplicated: number;
  cpuMsTotal: number;
  cpuUsPerDelivery: number;
  /** The measured phase's CPU by kind of thread (main JavaScript thread, V8 workers, Tokio). */
  cpuByThread: Record<string, ThreadCpu>;
  rssBaselineBytes: number;
  rssBytes: number;
  rssPerStreamBytes: number;
  heapUsedPerStreamBytes: number;
  heapTotalPerStreamBytes: number;
  heapSpaces: Record<string, number>;
  exitMs: number;
  exitCode: number | null;
  shutdownFrames: number;
  endedCleanAfterShutdown: number;
}

/** MYTHOS_BENCH_CPU_PROFILE=<dir>: the floor and the core write V8 CPU profiles there too. */
const PROFILE_DIR = Deno.env.get("MYTHOS_BENCH_CPU_PROFILE");

function spawn(script: string, args: string[], env: Record<string, string>): Deno.ChildProcess {
  // The stream reader is the load generator, not a subject: never profiled.
  const client = script === "sse_load_client.ts";
  const profileDir = client ? undefined : PROFILE_DIR;
  return spawnScript(script, args, { env, verbose, profileDir, server: !client });
}

/** The delivery figures of a round, from the load client's `received` line and the server's CPU. */
function deliveryFigures(
  received: Record<string, unknown>,
  elapsedSeconds: number,
  cpuMsTotal: number,
) {
  const delivered = Number(received.received);
  return {
    streams: STREAMS,
    delivered,
    deliveriesPerSecond: Math.round(delivered / elapsedSeconds),
    p50Ms: Number(received.p50Ms),
    p99Ms: Number(received.p99Ms),
    maxMs: Number(received.maxMs),
    lost: Number(received.lost),
    duplicated: Number(received.duplicated),
    cpuMsTotal,
    cpuUsPerDelivery: Number(((cpuMsTotal * 1000) / delivered).toFixed(3)),
  };
}

/** The real server with `STREAMS` registered players; their cookies are in `cookiesFile`. */
async function startGame() {
  const server = await startBenchServer({
    MYTHOS_NPC_TICK_MS: "3600000",
    MYTHOS_CLOCK_MS_PER_HOUR: "3600000",
    MYTHOS_MAX_CONNECTIONS: String(STREAMS + 200),
  }, verbose);
  const cookies = await registerPlayers(server.url, "Rm", STREAMS);
  const cookiesFile = await Deno.makeTempFile({ prefix: "mythos-bench-cookies-" });
  await Deno.writeTextFile(cookiesFile, JSON.stringify(cookies));
  return { server, cookies, cookiesFile };
}

/** The speakers say the lines through the real command route, paced like the floor's publish. */
async function speak(base: URL, cookies: string[]): Promise<void> {
  const sent: Promise<void>[] = [];
  await paced(EVENTS, RATE, (seq) => {
    const cookie = cookies[seq % Math.min(SPEAKERS, cookies.length)] ?? "";
    sent.push(
      fetch(new URL("/api/commands", base), {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: JSON.stringify({ command: `say ${seq} ${wallClock()}` }),
      }).then(async (response) => {
        await response.body?.cancel();
        if (response.status !== 202) throw new Error(`say ${seq}: ${response.status}`);
      }),
    );
  });
  await Promise.all(sent);
}

async function measure(server: "floor" | "core" | "game"): Promise<Result> {
  if (server === "game") return await measureGame();
  const child = server === "floor"
    ? spawn("floor_server.ts", [], { PORT: "0" })
    : spawn("core_server.ts", [], {
      MYTHOS_PORT: "0",
      MYTHOS_LOG_LEVEL: "info",
      MYTHOS_SHUTDOWN_DEADLINE_MS: "10000",
    });
  const serverLines = new JsonLines(
    child.stdout,
    verbose ? (l) => console.error(`[${server}] ${l}`) : undefined,
  );
  const listening = await serverLines.wait((line) => line.msg === "listening", 30_000, "listening");
  const base = `http://127.0.0.1:${listening.port}`;
  await delay(500);
  const rssBaselineBytes = await rssBytes(child.pid);
  const memoryBaseline = await (await fetch(`${base}/bench/memory`)).json();

  const client = spawn("sse_load_client.ts", [base, String(STREAMS), String(EVENTS)], {});
  const clientLines = new JsonLines(
    client.stdout,
    verbose ? (l) => console.error(`[client] ${l}`) : undefined,
  );
  await clientLines.wait((line) => line.phase === "ready", 120_000, "all streams connected");
  await delay(500);

  const cpuBefore = await cpuMs(child.pid);
  const threadsBefore = await cpuByThread(child.pid);
  const publishStarted = performance.now();
  const published = await fetch(`${base}/bench/publish?count=${EVENTS}&rate=${RATE}`, {
    method: "POST",
  });
  await published.body?.cancel();
  const received = await clientLines.wait(
    (line) => line.phase === "received",
    120_000,
    "every event",
  );
  const elapsedSeconds = (performance.now() - publishStarted) / 1000;
  const cpuAfter = await cpuMs(child.pid);
  const threadsAfter = await cpuByThread(child.pid);
  const rssAfter = await rssBytes(child.pid);
  const memoryAfter = await (await fetch(`${base}/bench/memory`)).json();

  const stopStarted = performance.now();
  child.kill("SIGTERM");
  const status = await child.status;
  const exitMs = performance.now() - stopStarted;
  const ended = await clientLines.wait((line) => line.phase === "ended", 30_000, "streams ended")
    .catch(() => ({ shutdownFrames: 0, endedAfterShutdown: 0 }));
  try {
    client.kill("SIGKILL");
  } catch {
    // Already gone.
  }
  await client.status;
  await Promise.all([serverLines.done, clientLines.done]);

  return {
    server,
    ...deliveryFigures(received, elapsedSeconds, cpuAfter - cpuBefore),
    cpuByThread: cpuByThreadSince(threadsBefore, threadsAfter),
    rssBaselineBytes,
    rssBytes: rssAfter,
    rssPerStreamBytes: Math.round((rssAfter - rssBaselineBytes) / STREAMS),
    heapUsedPerStreamBytes: Math.round((memoryAfter.heapUsed - memoryBaseline.heapUsed) / STREAMS),
    heapTotalPerStreamBytes: Math.round(
      (memoryAfter.heapTotal - memoryBaseline.heapTotal) / STREAMS,
    ),
    heapSpaces: Object.fromEntries(
      Object.entries(memoryAfter).filter(([key]) => key.startsWith("space_")).map((
        [key, value],
      ) => [key.slice(6), value as number]),
    ),
    exitMs: Math.round(exitMs),
    exitCode: status.code,
    shutdownFrames: Number(ended.shutdownFrames),
    endedCleanAfterShutdown: Number(ended.endedAfterShutdown),
  };
}

/** The game's V8 heap in use and committed, from `/admin/status`. */
async function heapOf(server: { status(): Promise<Record<string, unknown>> }) {
  return (await server.status()).memory as { heapUsed: number; heapTotal: number };
}

/** The room mode's subject: the whole game, measured as `measure()` measures the core. */
async function measureGame(): Promise<Result> {
  const { server, cookies, cookiesFile } = await startGame();
  try {
    await delay(500);
    const rssBaselineBytes = await rssBytes(server.child.pid);
    const memoryBaseline = await heapOf(server);
    const client = spawn(
      "sse_load_client.ts",
      [server.url.origin, String(STREAMS), String(EVENTS)],
      {
        BENCH_COOKIES: cookiesFile,
      },
    );
    const clientLines = new JsonLines(
      client.stdout,
      verbose ? (l) => console.error(`[client] ${l}`) : undefined,
    );
    await clientLines.wait((line) => line.phase === "ready", 180_000, "all streams connected");
    // Arrivals in the crowded room are announced at the next flush; let them settle.
    await delay(2000);
    const cpuBefore = await cpuMs(server.child.pid);
    const threadsBefore = await cpuByThread(server.child.pid);
    const rssStreams = await rssBytes(server.child.pid);
    const started = performance.now();
    await speak(server.url, cookies);
    const received = await clientLines.wait(
      (line) => line.phase === "received",
      180_000,
      "every line",
    );
    const elapsedSeconds = (performance.now() - started) / 1000;
    const cpuAfter = await cpuMs(server.child.pid);
    const threadsAfter = await cpuByThread(server.child.pid);
    const rssAfter = await rssBytes(server.child.pid);
    const memoryAfter = await heapOf(server);
    const stopped = await server.stop("SIGTERM");
    const ended = await clientLines.wait((line) => line.phase === "ended", 30_000, "streams ended")
      .catch(() => ({ shutdownFrames: 0, endedAfterShutdown: 0 }));
    try {
      client.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await client.status;
    await clientLines.done;
    return {
      server: "game",
      ...deliveryFigures(received, elapsedSeconds, cpuAfter - cpuBefore),
      cpuByThread: cpuByThreadSince(threadsBefore, threadsAfter),
      rssBaselineBytes,
      // What the connected players hold, measured as the floor's is: after the traffic.
      rssBytes: Math.max(rssAfter, rssStreams),
      rssPerStreamBytes: Math.round((Math.max(rssAfter, rssStreams) - rssBaselineBytes) / STREAMS),
      heapUsedPerStreamBytes: Math.round(
        (memoryAfter.heapUsed - memoryBaseline.heapUsed) / STREAMS,
      ),
      heapTotalPerStreamBytes: Math.round(
        (memoryAfter.heapTotal - memoryBaseline.heapTotal) / STREAMS,
      ),
      heapSpaces: {},
      exitMs: Math.round(stopped.ms),
      exitCode: stopped.code,
      shutdownFrames: Number(ended.shutdownFrames),
      endedCleanAfterShutdown: Number(ended.endedAfterShutdown),
    };
  } finally {
    await server[Symbol.asyncDispose]();
    await Deno.remove(cookiesFile);
  }
}

/**
 * Combines rounds: the least CPU and memory per unit (the figures least disturbed by the other
 * processes on two cores), the worst latency and shutdown, and every lost or duplicated event.
 */
function combine(rounds: Result[]): Result {
  const least = (pick: (result: Result) => number) => Math.min(...rounds.map(pick));
  const most = (pick: (result: Result) => number) => Math.max(...rounds.map(pick));
  const sum = (pick: (result: Result) => number) => rounds.reduce((total, r) => total + pick(r), 0);
  const best = rounds.reduce((a, b) => (a.cpuUsPerDelivery <= b.cpuUsPerDelivery ? a : b));
  return {
    ...best,
    deliveriesPerSecond: least((r) => r.deliveriesPerSecond),
    p50Ms: most((r) => r.p50Ms),
    p99Ms: most((r) => r.p99Ms),
    maxMs: most((r) => r.maxMs),
    lost: sum((r) => r.lost),
    duplicated: sum((r) => r.duplicated),
    cpuUsPerDelivery: least((r) => r.cpuUsPerDelivery),
    rssPerStreamBytes: least((r) => r.rssPerStreamBytes),
    heapUsedPerStreamBytes: least((r) => r.heapUsedPerStreamBytes),
    heapTotalPerStreamBytes: least((r) => r.heapTotalPerStreamBytes),
    exitMs: most((r) => r.exitMs),
    exitCode: rounds.every((r) => r.exitCode === 0)
      ? 0
      : rounds.find((r) => r.exitCode !== 0)?.exitCode ?? null,
    shutdownFrames: least((r) => r.shutdownFrames),
    endedCleanAfterShutdown: least((r) => r.endedCleanAfterShutdown),
  };
}

// Alternate the two servers, so a slow spell on the machine does not land on one of them only.
const floorRounds: Result[] = [];
const coreRounds: Result[] = [];
for (let round = 0; round < ROUNDS; round++) {
  floorRounds.push(await measure("floor"));
  coreRounds.push(await measure(ROOM ? "game" : "core"));
}
const floor = combine(floorRounds);
const core = combine(coreRounds);
const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
// The game holds more per player than the bare core per stream (a session, a character, a
// mailbox): the room mode's memory target is looser.
const RSS_TARGET = ROOM ? 1.3 : 1.15;
const SUBJECT = ROOM ? "game" : "core";
const checks = {
  cpuPerDeliveryRatio: {
    value: ratio(core.cpuUsPerDelivery, floor.cpuUsPerDelivery),
    target: "<= 1.2",
  },
  rssPerStreamRatio: {
    value: ratio(core.rssPerStreamBytes, floor.rssPerStreamBytes),
    target: `<= ${RSS_TARGET}`,
  },
  p99Ms: { value: core.p99Ms, target: "<= 150" },
  lost: { value: core.lost, target: "= 0" },
  duplicated: { value: core.duplicated, target: "= 0" },
  shutdownMs: { value: core.exitMs, target: "<= 1000" },
  cleanShutdownShare: { value: ratio(core.endedCleanAfterShutdown, core.streams), target: "= 1" },
};
const passed = checks.cpuPerDeliveryRatio.value <= 1.2 &&
  checks.rssPerStreamRatio.value <= RSS_TARGET &&
  core.p99Ms <= 150 &&
  core.lost === 0 &&
  core.duplicated === 0 &&
  core.exitMs <= 1000 &&
  core.exitCode === 0 &&
  core.endedCleanAfterShutdown === core.streams;

/**
 * The CPU per delivery spent by the threads `pick` names, user / system, in µs (from the round
 * whose CPU per delivery was least). The main thread runs JavaScript and Deno's HTTP server; the
 * others are V8's workers (concurrent marking, sweeping, compiling) and Tokio's.
 */
function threadShare(result: Result, pick: (name: string) => boolean): string {
  const threads = Object.entries(result.cpuByThread).filter(([name]) => pick(name));
  const perDelivery = (ms: number) => ((ms * 1000) / result.delivered).toFixed(1);
  const user = threads.reduce((total, [, cpu]) => total + cpu.userMs, 0);
  const system = threads.reduce((total, [, cpu]) => total + cpu.systemMs, 0);
  return `${perDelivery(user)} / ${perDelivery(system)}`;
}

const rows: [string, string | number, string | number, string][] = [
  ["deliveries/s", core.deliveriesPerSecond, floor.deliveriesPerSecond, ""],
  ["latency p50 (ms)", core.p50Ms, floor.p50Ms, ""],
  ["latency p99 (ms)", core.p99Ms, floor.p99Ms, "core <= 150"],
  [
    "CPU per delivery (µs)",
    core.cpuUsPerDelivery,
    floor.cpuUsPerDelivery,
    `ratio ${checks.cpuPerDeliveryRatio.value} <= 1.2`,
  ],
  [
    "  of which deno threads (JS, HTTP), user / sys (µs)",
    threadShare(core, (name) => name === "deno"),
    threadShare(floor, (name) => name === "deno"),
    "",
  ],
  [
    "  of which other threads, user / sys (µs)",
    threadShare(core, (name) => name !== "deno"),
    threadShare(floor, (name) => name !== "deno"),
    "",
  ],
  [
    "RSS per stream (KiB)",
    (core.rssPerStreamBytes / 1024).toFixed(1),
    (floor.rssPerStreamBytes / 1024).toFixed(1),
    `ratio ${checks.rssPerStreamRatio.value} <= ${RSS_TARGET}`,
  ],
  [
    "  of which V8 heap committed (KiB)",
    (core.heapTotalPerStreamBytes / 1024).toFixed(1),
    (floor.heapTotalPerStreamBytes / 1024).toFixed(1),
    "",
  ],
  [
    "  of which V8 heap in use (KiB)",
    (core.heapUsedPerStreamBytes / 1024).toFixed(1),
    (floor.heapUsedPerStreamBytes / 1024).toFixed(1),
    "",
  ],
  [
    "lost / duplicated",
    `${core.lost} / ${core.duplicated}`,
    `${floor.lost} / ${floor.duplicated}`,
    "core 0 / 0",
  ],
  ["exit after SIGTERM (ms)", core.exitMs, floor.exitMs, "core <= 1000"],
  [
    "got stream.shutdown, ended clean",
    `${core.endedCleanAfterShutdown}/${core.streams}`,
    "n/a",
    "core all",
  ],
];
console.error(
  `\n${STREAMS} streams, ${EVENTS} events at ${RATE}/s to every stream, ${ROUNDS} rounds each` +
    (ROOM ? ` (room mode: ${SPEAKERS} speakers, one room)\n` : "\n"),
);
console.error(`| figure | ${SUBJECT} | floor | target |\n| --- | --- | --- | --- |`);
for (const [name, a, b, target] of rows) console.error(`| ${name} | ${a} | ${b} | ${target} |`);
console.log(
  JSON.stringify({
    bench: ROOM ? "sse-room" : "sse",
    streams: STREAMS,
    rate: RATE,
    events: EVENTS,
    rounds: ROUNDS,
    passed,
    checks,
    core,
    floor,
    coreRounds,
    floorRounds,
  }),
);
Deno.exit(passed ? 0 : 1);
