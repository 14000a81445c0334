/**
 * How the load benchmarks report: one JSON line per scenario, and whether any missed its target.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import type { TrafficReport } from "./crowd.ts";
import { type LatencySummary, latencySummary } from "./stats.ts";

/** Collects scenario lines; `failed` says whether any missed its target. */
export class ScenarioReport {
  /** Whether a scenario has missed its target. */
  failed = false;

  /** Prints one scenario's figures with whether it passed. */
  report(summary: Record<string, unknown>, passed: boolean): void {
    this.failed ||= !passed;
    console.log(JSON.stringify({ ...summary, passed }));
  }
}

/** A stretch of traffic as the reports show it. */
export interface TrafficSummary {
  /** Commands sent. */
  commands: number;
  /** Commands sent per second. */
  commandsPerSecond: number;
  /** From a command's POST to its sender hearing its event. */
  sender: LatencySummary;
  /** From a command's POST to another player hearing its event. */
  otherPlayer: LatencySummary;
  /** Commands answered with anything but 202, or not answered. */
  errors: number;
  /** Expected deliveries that did not arrive within the generous bound. */
  lost: number;
  /** Expected deliveries that arrived after the nominal settle (within the generous bound). */
  late: number;
  /** Deliveries that arrived more than once. */
  duplicated: number;
  /** Expected deliveries a `stream.resync` told the player it had missed (announced, not lost). */
  missedInResync: number;
  /** Who the lost deliveries were for (only when some were lost). */
  lostTo?: TrafficReport["lostTo"];
}

/** A stretch of traffic as the reports show it. */
export function trafficSummary(traffic: TrafficReport): TrafficSummary {
  return {
    commands: traffic.commands,
    commandsPerSecond: traffic.commandsPerSecond,
    sender: latencySummary(traffic.senderLatencies),
    otherPlayer: latencySummary(traffic.otherLatencies),
    errors: traffic.errors,
    lost: traffic.lost,
    late: traffic.late,
    duplicated: traffic.duplicated,
    missedInResync: traffic.missedInResync,
    ...(traffic.lost > 0 ? { lostTo: traffic.lostTo } : {}),
  };
}
