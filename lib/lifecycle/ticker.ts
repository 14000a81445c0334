/**
 * Periodic work for supervised tasks: the only place a repeating wait is written.
 *
 * @module
 */

import { delay } from "@std/async/delay";

/**
 * Calls `fn` every `intervalMs` milliseconds until `signal` aborts, then resolves.
 *
 * The wait between calls takes the signal, so an abort ends it at once and leaves no timer
 * behind. An error thrown by `fn` rejects, so the supervisor sees it and restarts the task.
 */
export async function every(
  intervalMs: number,
  fn: () => void | Promise<void>,
  options: { signal: AbortSignal },
): Promise<void> {
  const { signal } = options;
  while (!signal.aborted) {
    try {
      await delay(intervalMs, { signal });
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    await fn();
  }
}
