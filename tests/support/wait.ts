/**
 * Waiting on a condition with a deadline, the suite's one way to synchronize.
 *
 * @module
 */

import { delay } from "@std/async/delay";

/** Options for {@linkcode waitFor}. */
export interface WaitOptions {
  /** Give up after this many milliseconds; default 5000. */
  timeout?: number;
  /** Longest pause between checks in milliseconds; checks start at 1 ms apart; default 20. */
  interval?: number;
  /** Says what was awaited, for the error message. */
  message?: string;
}

/**
 * Resolves with the first truthy value of `condition`, checked now and then at growing intervals
 * until `timeout`, and throws if the deadline passes first.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: WaitOptions = {},
): Promise<NonNullable<T>> {
  const timeout = options.timeout ?? 5000;
  const maxInterval = options.interval ?? 20;
  let interval = 1;
  const started = performance.now();
  while (true) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (performance.now() - started > timeout) {
      throw new Error(
        `Timed out after ${timeout} ms waiting for ${options.message ?? "condition"}`,
      );
    }
    await delay(interval);
    interval = Math.min(maxInterval, interval * 2);
  }
}

/** Resolves with `promise`, or rejects if it has not settled within `timeout` milliseconds. */
export async function withTimeout<T>(
  promise: Promise<T>,
  timeout: number,
  message = "operation",
): Promise<T> {
  const controller = new AbortController();
  try {
    return await Promise.race([
      promise,
      delay(timeout, { signal: controller.signal }).then(() => {
        throw new Error(`Timed out after ${timeout} ms waiting for ${message}`);
      }),
    ]);
  } finally {
    controller.abort();
  }
}
