/**
 * The realistic mix beside the floor (`deno task bench:mix`).
 *
 * The game: the real server (`main.ts`) with N players spread over the rooms as `bench:load`
 * spreads them (three in four living in a room, the rest wandering), playing R commands a second
 * for S seconds: say 40 %, whisper 20 %, look 20 %, move 20 % (`Crowd`). Every say and whisper is
 * checked delivered exactly once; the server's own count of frames handed to subscribers gives the
 * deliveries of every kind (says, whispers, looks, arrivals and departures, and what the world
 * does meanwhile: the hour, wandering townsfolk).
 *
 * The floor: the bare `Deno.serve` broadcaster (`floor_server.ts`) with N streams, taking the same
 * number of commands at the same rate, one HTTP request each (`/bench/send`), and delivering the
 * same number of frames in all (each request fanned out to its share of the game's deliveries;
 * frames, not bytes: the floor's are all short lines). So the two differ by what the game does per
 * command and per delivery, not by how many.
 *
 * Reported beside each other, per round (rounds alternate, game first): server CPU per command
 * and per delivery, RSS per player or stream, delivery latency. The game's own targets are the
 * load benchmark's: p99 ≤ 100 ms, nothing lost or duplicated, no errors; the figures against the
 * floor are reported, not judged. The load generator (the bots, the floor's stream reader) runs on
 * every core but the first (`taskset`), as in `bench:load`; the servers on all of them.
 *
 * Usage: deno task bench:mix [--players 1000] [--rate 100] [--seconds 30] [--rounds 2]
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { delay } from "@std/async/delay";
import { flag, has } from "./lib/args.ts";
import { capGenerator, uncap } from "./lib/cpu_share.ts";
import { Crowd } from "./lib/crowd.ts";
import { JsonLines } from "./lib/lines.ts";
import { cpuByThread, cpuByThreadSince, cpuMs, rssBytes, type ThreadCpu } from "./lib/proc.ts";
import { trafficSummary } from "./lib/report.ts";
import { startBenchServer } from "./lib/server.ts";
import { spawnScript } from "./lib/spawn.ts";
import { round } from "./lib/stats.ts";
import { wallClock } from "./pace.ts";

const PLAYERS = flag("players", 1000);
const RATE = flag("rate", 100);
const SECONDS = flag("seconds", 30);
const ROUNDS = flag("rounds", 2);
const verbose = has("verbose");

/** What one round measured of one server. */
interface MixResult {
  server: "game" | "floor";
  /** Commands (requests) sent. */
  commands: number;
  /** Frames delivered to players' streams in all. */
  deliveries: number;
  /** Server CPU over the traffic, in milliseconds. */
  cpuMs: number;
  cpuUsPerCommand: number;
  cpuUsPerDelivery: number;
  /** The measured stretch's CPU by kind of thread. */
  cpuByThread: Record<string, ThreadCpu>;
  /** RSS after the traffic less RSS before the players came, per player (or stream). */
  rssPerPlayerBytes: number;
  /** Latency from a command's request to another player (a stream) having it. */
  p50Ms: number;
  p99Ms: number;
  lost: number;
  duplicated: number;
  errors: number;
}

/** The game with the crowd playing the mix. */
async function measureGame(): Promise<MixResult> {
  await using server = await startBenchServer({
    MYTHOS_MAX_CONNECTIONS: String(PLAYERS + 200),
  }, verbose);
  await uncap(server.child.pid);
  await delay(500);
  const rssBaseline = (await server.usage()).rssBytes;
  const crowd = await Crowd.create(server.url, PLAYERS);
  await crowd.setUp();
  // Arrivals in rooms are announced at the next crowd flush; let the walking settle.
  await delay(2000);
  const before = await server.status();
  const cpuBefore = (await server.usage()).cpuMs;
  const threadsBefore = await cpuByThread(server.child.pid);
  const traffic = await crowd.traffic(RATE, SECONDS);
  const usage = await server.usage();
  const threadsAfter = await cpuByThread(server.child.pid);
  const after = await server.status();
  const deliveries = (after.bus as { delivered: number }).delivered -
    (before.bus as { delivered: number }).delivered;
  const cpu = usage.cpuMs - cpuBefore;
  const summary = trafficSummary(traffic);
  for (const bot of crowd.bots) bot.drop();
  // Stopped, not killed, so a server profiled with MYTHOS_BENCH_CPU_PROFILE writes its profile.
  await server.stop("SIGTERM");
  return {
    server: "game",
    commands: traffic.commands,
    deliveries,
    cpuMs: cpu,
    cpuUsPerCommand: round((cpu * 1000) / traffic.commands, 1),
    cpuUsPerDelivery: round((cpu * 1000) / deliveries, 2),
    cpuByThread: cpuByThreadSince(threadsBefore, threadsAfter),
    rssPerPlayerBytes: Math.round((usage.rssBytes - rssBaseline) / PLAYERS),
    p50Ms: summary.otherPlayer.p50Ms,
    p99Ms: summary.otherPlayer.p99Ms,
    lost: traffic.lost,
    duplicated: traffic.duplicated,
    errors: traffic.errors,
  };
}

/** The floor taking `commands` requests at the game's rate, delivering `deliveries` frames. */
async function measureFloor(commands: number, deliveries: number): Promise<MixResult> {
  const child = spawnScript("floor_server.ts", [], {
    env: { PORT: "0" },
    verbose,
    server: true,
  });
  const serverLines = new JsonLines(child.stdout);
  const listening = await serverLines.wait((line) => line.msg === "listening", 30_000, "listening");
  const base = `http://127.0.0.1:${listening.port}`;
  await uncap(child.pid);
  await delay(500);
  const rssBaseline = await rssBytes(child.pid);
  const client = spawnScript("sse_load_client.ts", [base, String(PLAYERS), String(commands)], {
    env: { BENCH_EXPECTED: String(deliveries) },
    verbose,
  });
  const clientLines = new JsonLines(client.stdout);
  try {
    await clientLines.wait((line) => line.phase === "ready", 120_000, "all streams connected");
    await delay(500);
    const cpuBefore = await cpuMs(child.pid);
    const threadsBefore = await cpuByThread(child.pid);
    const started = performance.now();
    const sent: Promise<boolean>[] = [];
    for (let seq = 0; seq < commands; seq++) {
      const wait = started + (seq * 1000) / RATE - performance.now();
      if (wait > 0) await delay(wait);
      // Each request's share of the deliveries, so that they sum to the game's exactly.
      const fanout = Math.floor(((seq + 1) * deliveries) / commands) -
        Math.floor((seq * deliveries) / commands);
      const url = `${base}/bench/send?seq=${seq}&sent=${wallClock()}&fanout=${fanout}`;
      sent.push(
        fetch(url, { method: "POST" }).then(async (response) => {
          await response.body?.cancel();
          return response.status === 202;
        }, () => false),
      );
    }
    const errors = (await Promise.all(sent)).filter((ok) => !ok).length;
    const received = await clientLines.wait(
      (line) => line.phase === "received",
      120_000,
      "every delivery",
    );
    const cpu = (await cpuMs(child.pid)) - cpuBefore;
    const threadsAfter = await cpuByThread(child.pid);
    const rss = await rssBytes(child.pid);
    return {
      server: "floor",
      commands,
      deliveries: Number(received.received),
      cpuMs: cpu,
      cpuUsPerCommand: round((cpu * 1000) / commands, 1),
      cpuUsPerDelivery: round((cpu * 1000) / Number(received.received), 2),
      cpuByThread: cpuByThreadSince(threadsBefore, threadsAfter),
      rssPerPlayerBytes: Math.round((rss - rssBaseline) / PLAYERS),
      p50Ms: Number(received.p50Ms),
      p99Ms: Number(received.p99Ms),
      lost: Number(received.lost),
      duplicated: Number(received.duplicated),
      errors,
    };
  } finally {
    child.kill("SIGTERM");
    await child.status;
    try {
      client.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await client.status;
    await Promise.all([serverLines.done, clientLines.done]);
  }
}

const share = await capGenerator();
console.error(`cores: server ${share.server}, load generator ${share.generator}`);
const rounds: { game: MixResult; floor: MixResult; cpuRatio: number }[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const game = await measureGame();
  console.error(`round ${i + 1} game: ${JSON.stringify(game)}`);
  const floor = await measureFloor(game.commands, game.deliveries);
  console.error(`round ${i + 1} floor: ${JSON.stringify(floor)}`);
  rounds.push({ game, floor, cpuRatio: round(game.cpuMs / floor.cpuMs, 2) });
}

const rows: [string, (result: MixResult) => string | number][] = [
  ["commands", (r) => r.commands],
  ["deliveries", (r) => r.deliveries],
  ["deliveries per command", (r) => round(r.deliveries / r.commands, 1)],
  ["CPU per command (µs)", (r) => r.cpuUsPerCommand],
  ["CPU per delivery (µs)", (r) => r.cpuUsPerDelivery],
  ["RSS per player / stream (KiB)", (r) => round(r.rssPerPlayerBytes / 1024, 1)],
  ["latency p50 / p99 (ms)", (r) => `${r.p50Ms} / ${r.p99Ms}`],
  ["lost / duplicated / errors", (r) => `${r.lost} / ${r.duplicated} / ${r.errors}`],
];
console.error(
  `\n${PLAYERS} players, ${RATE} commands/s for ${SECONDS} s (say 40 %, whisper 20 %, look 20 %, ` +
    `move 20 %), ${ROUNDS} rounds\n`,
);
console.error(
  `| figure | ${rounds.map((_, i) => `round ${i + 1} game | floor`).join(" | ")} |\n| --- |` +
    rounds.map(() => " --- | --- |").join(""),
);
for (const [name, pick] of rows) {
  console.error(
    `| ${name} | ${rounds.map((r) => `${pick(r.game)} | ${pick(r.floor)}`).join(" | ")} |`,
  );
}
console.error(`| CPU game / floor | ${rounds.map((r) => `${r.cpuRatio} |  |`).join(" ")}`);
const passed = rounds.every(({ game }) =>
  game.p99Ms <= 100 && game.lost === 0 && game.duplicated === 0 && game.errors === 0
);
console.log(
  JSON.stringify({
    bench: "mix",
    players: PLAYERS,
    rate: RATE,
    seconds: SECONDS,
    cores: share,
    rounds,
    passed,
  }),
);
Deno.exit(passed ? 0 : 1);
