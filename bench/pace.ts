/**
 * A paced loop shared by both benchmark servers, so they publish on the same schedule.
 *
 * @module
 */

import { delay } from "@std/async/delay";
import { getHeapSpaceStatistics } from "node:v8";

/** Calls `fn(i)` for i in [0, count) at `ratePerSecond`, catching up if it falls behind. */
export async function paced(
  count: number,
  ratePerSecond: number,
  fn: (i: number) => void,
): Promise<void> {
  const interval = 1000 / ratePerSecond;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = started + i * interval - performance.now();
    if (wait > 0) await delay(wait);
    fn(i);
  }
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

/** `Deno.memoryUsage()` plus the committed size of each V8 heap space, in bytes. */
export function memory(): Record<string, number> {
  const spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((space) => [`space_${space.space_name}`, space.space_size]),
  );
  return { ...Deno.memoryUsage(), ...spaces };
}
