/**
 * The load generator: opens N event streams on loopback and records every event it receives.
 *
 * Prints JSON lines on stdout: `ready` once every stream has its hello, `received` once every
 * event arrived (or nothing came for a while), and `ended` once every stream has ended (for
 * the shutdown measurement).
 *
 * Usage: deno run -A bench/sse_load_client.ts <base-url> <streams> <events-per-stream>
 *
 * With `BENCH_COOKIES` naming a file of a JSON array of cookie headers (one per stream), each
 * stream is a logged-in player of the real server instead of one named by `x-bench-player`.
 *
 * With `BENCH_EXPECTED` (a number), that many deliveries in all are expected instead of every
 * event on every stream: the floor's `/bench/send` gives each event to some of the streams.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { ChunkedSseReader } from "./lib/sse_reader.ts";
import { wallClock } from "./pace.ts";

const [base, streamsArg, eventsArg, quietArg] = Deno.args;
if (base === undefined) throw new Error("usage: sse_load_client.ts <base-url> <streams> <events>");
const streams = Number(streamsArg ?? 100);
const events = Number(eventsArg ?? 100);
const quietMs = Number(quietArg ?? 5000);

const cookiesFile = Deno.env.get("BENCH_COOKIES");
const cookies: string[] = cookiesFile === undefined
  ? []
  : JSON.parse(await Deno.readTextFile(cookiesFile));

const expected = Number(Deno.env.get("BENCH_EXPECTED") ?? streams * events);
const seen = new Uint8Array(streams * events);
const latencies = new Float64Array(streams * events);
let unique = 0;
let duplicated = 0;
let unexpected = 0;
let lastFrameAt = 0;
let helloCount = 0;
let shutdownFrames = 0;
let cleanEnds = 0;
let errorEnds = 0;
let endedAfterShutdown = 0;
const allHello = Promise.withResolvers<void>();
const allEnded = Promise.withResolvers<void>();
let ended = 0;

function onFrame(stream: number, frame: string, state: { shutdown: boolean }): void {
  let event = "";
  let data = "";
  for (const line of frame.split("\n")) {
    if (line.startsWith("event: ")) event = line.slice(7);
    else if (line.startsWith("data: ")) data = line.slice(6);
  }
  if (event === "stream.hello") {
    if (++helloCount === streams) allHello.resolve();
    return;
  }
  if (event === "stream.shutdown") {
    state.shutdown = true;
    shutdownFrames++;
    return;
  }
  if (event !== "room.say") return;
  const now = wallClock();
  lastFrameAt = performance.now();
  const [seqText, sentText] = (JSON.parse(data).text as string).split(" ");
  const seq = Number(seqText);
  if (!(seq >= 0 && seq < events)) {
    unexpected++;
    return;
  }
  const slot = stream * events + seq;
  if (seen[slot] === 1) {
    duplicated++;
    return;
  }
  seen[slot] = 1;
  latencies[unique++] = now - Number(sentText);
}

const target = new URL(base);
/** Reads one event stream over a raw socket until the server ends it. */
async function run(stream: number): Promise<void> {
  const state = { shutdown: false };
  let clean = false;
  let conn: Deno.TcpConn | undefined;
  try {
    conn = await Deno.connect({ hostname: target.hostname, port: Number(target.port) });
    await conn.write(new TextEncoder().encode(
      `GET /api/events HTTP/1.1\r\nhost: ${target.host}\r\naccept: text/event-stream\r\n` +
        (cookies[stream] === undefined
          ? `x-bench-player: p${stream}\r\n\r\n`
          : `cookie: ${cookies[stream]}\r\n\r\n`),
    ));
    const reader = new ChunkedSseReader((frame) => onFrame(stream, frame, state));
    const buffer = new Uint8Array(256 * 1024);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      if (reader.push(buffer.subarray(0, n))) {
        clean = true;
        break;
      }
    }
  } catch {
    clean = false;
  } finally {
    try {
      conn?.close();
    } catch {
      // Already closed.
    }
  }
  if (clean) cleanEnds++;
  else errorEnds++;
  if (clean && state.shutdown) endedAfterShutdown++;
  if (++ended === streams) allEnded.resolve();
}

const runs: Promise<void>[] = [];
for (let i = 0; i < streams; i++) {
  runs.push(run(i));
  // Open in waves so the accept queue never overflows.
  if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 20));
}
await allHello.promise;
console.log(JSON.stringify({ phase: "ready", streams }));

// Wait until every event arrived, or nothing has arrived for a while.
const started = performance.now();
while (unique < expected) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const quietFor = performance.now() - (lastFrameAt || started);
  if (lastFrameAt !== 0 && quietFor > quietMs) break;
  if (lastFrameAt === 0 && quietFor > 120_000) break;
}
const sorted = latencies.subarray(0, unique).sort();
const percentile = (p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
console.log(JSON.stringify({
  phase: "received",
  expected,
  received: unique,
  lost: expected - unique,
  duplicated,
  unexpected,
  p50Ms: Number(percentile(0.5).toFixed(2)),
  p99Ms: Number(percentile(0.99).toFixed(2)),
  maxMs: Number((sorted.at(-1) ?? NaN).toFixed(2)),
}));

await allEnded.promise;
console.log(JSON.stringify({
  phase: "ended",
  streams,
  shutdownFrames,
  cleanEnds,
  errorEnds,
  endedAfterShutdown,
}));
await Promise.all(runs);
