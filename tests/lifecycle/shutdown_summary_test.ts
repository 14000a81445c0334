import { assertEquals } from "@std/assert";
import { shutdownSummary } from "../../lib/lifecycle/shutdown_summary.ts";
import type { ShutdownReport } from "../../lib/lifecycle/supervisor.ts";

const clean: ShutdownReport = {
  reason: "SIGTERM",
  exitCode: 0,
  totalMs: 13.2,
  deadlineMs: 10_000,
  deadlineHit: false,
  phases: { accept: 0.6, streams: 0.2, tasks: 4.2, persist: 5, close: 2.7 },
  tasksStopped: [{ name: "world.clock", ms: 1.5 }, { name: "sse.heartbeat", ms: 1.6 }],
  overrun: [],
  errors: [],
  counts: { streamsClosed: 1, streamsForced: 0, playersSaved: 3 },
};

Deno.test("a clean shutdown reads as one sentence", () => {
  assertEquals(
    shutdownSummary(clean),
    "Stopped (SIGTERM) in 13 ms: 3 players saved, 1 stream closed, 2 tasks stopped.\nAll is well.",
  );
});

Deno.test("a shutdown that missed its deadline says what was unfinished and what failed", () => {
  assertEquals(
    shutdownSummary({
      ...clean,
      exitCode: 1,
      totalMs: 10_004,
      deadlineHit: true,
      overrun: ["task:world.npcs"],
      errors: ["persist:players: the database went away"],
      counts: { streamsClosed: 2, streamsForced: 2, playersSaved: 0 },
    }),
    [
      "Stopped (SIGTERM) in 10.0 s: 0 players saved, 2 streams closed (2 cut off), 2 tasks stopped.",
      "The 10.0 s deadline passed with task:world.npcs unfinished.",
      "Failed: persist:players: the database went away",
      "Exit code 1.",
    ].join("\n"),
  );
});
