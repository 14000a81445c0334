/**
 * The admin `shutdown` command's countdown: notices to everyone, then the same ordered shutdown
 * as SIGTERM. It runs as a supervised task and can be cancelled.
 *
 * @module
 */

import { delay } from "@std/async/delay";
import type { Supervisor, TaskHandle } from "../lifecycle/supervisor.ts";

/** The task's name. */
export const COUNTDOWN_TASK = "admin.shutdown-countdown";

/** Seconds before the end at which everyone is told. */
const MARKS = [600, 300, 120, 60, 30, 10, 5, 4, 3, 2, 1];

/** Schedules and cancels admin shutdowns. */
export class ShutdownCountdown {
  readonly #supervisor: Supervisor;
  readonly #announce: (text: string) => void;
  #task: TaskHandle | undefined;

  /**
   * Uses `supervisor` to run the countdown and to shut down, and `announce` to tell everyone in
   * the world how long is left.
   */
  constructor(supervisor: Supervisor, announce: (text: string) => void) {
    this.#supervisor = supervisor;
    this.#announce = announce;
  }

  /** Starts a countdown of `seconds`, or cancels with `undefined`; returns what to tell the admin. */
  schedule(seconds: number | undefined, by: string): string {
    if (seconds === undefined) {
      if (this.#task === undefined) return "No shutdown is scheduled.";
      this.#cancel();
      this.#announce(`${by} has cancelled the shutdown. Carry on.`);
      return "Shutdown cancelled.";
    }
    this.#cancel();
    this.#task = this.#supervisor.spawn(COUNTDOWN_TASK, async (signal) => {
      const endsAt = performance.now() + seconds * 1000;
      this.#announce(`${by} has called a shutdown: the world ends in ${seconds} seconds.`);
      for (const mark of MARKS) {
        const wait = endsAt - mark * 1000 - performance.now();
        if (mark >= seconds || wait < 0) continue;
        await delay(wait, { signal });
        this.#announce(`The world ends in ${mark} second${mark === 1 ? "" : "s"}.`);
      }
      await delay(Math.max(0, endsAt - performance.now()), { signal });
      this.#announce("The stars are right. The server is shutting down.");
      // Shutdown stops this very task, so it is started, not awaited, here.
      this.#supervisor.shutdown({ reason: `admin shutdown by ${by}` }).catch(() => {});
    }, { restart: false });
    return seconds === 0 ? "Shutting down now." : `Shutdown in ${seconds} seconds.`;
  }

  #cancel(): void {
    const task = this.#task;
    this.#task = undefined;
    task?.stop("cancelled").catch(() => {});
  }
}
