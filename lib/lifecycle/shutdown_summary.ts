/**
 * A shutdown report as a sentence or two for a person at a terminal; the JSON line stays for
 * machines.
 *
 * @module
 */

import type { ShutdownReport } from "./supervisor.ts";

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * "Stopped (SIGTERM) in 13 ms: 2 players saved, 2 streams closed, 9 tasks stopped." — and what
 * went wrong, if anything did.
 */
export function shutdownSummary(report: ShutdownReport): string {
  const { counts } = report;
  const done = [
    plural(counts.playersSaved ?? 0, "player") + " saved",
    plural(counts.streamsClosed ?? 0, "stream") + " closed" +
    ((counts.streamsForced ?? 0) > 0 ? ` (${counts.streamsForced} cut off)` : ""),
    plural(report.tasksStopped.length, "task") + " stopped",
  ];
  const lines = [`Stopped (${report.reason}) in ${seconds(report.totalMs)}: ${done.join(", ")}.`];
  if (report.deadlineHit) {
    lines.push(
      `The ${seconds(report.deadlineMs)} deadline passed with ${
        report.overrun.join(", ") || "work"
      } unfinished.`,
    );
  }
  for (const error of report.errors) lines.push(`Failed: ${error}`);
  lines.push(report.exitCode === 0 ? "All is well." : `Exit code ${report.exitCode}.`);
  return lines.join("\n");
}
