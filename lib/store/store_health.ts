/**
 * Whether the store can be reached right now, checked by one supervised task.
 *
 * While a database is down the server stays up: readiness goes false (a load balancer sends
 * players elsewhere), API requests are answered 503 with `Retry-After`, open event streams keep
 * their heartbeats, and saves wait to be retried. When the database answers again, all of that
 * undoes itself.
 *
 * @module
 */

import type { Supervisor } from "../lifecycle/supervisor.ts";
import { every } from "../lifecycle/ticker.ts";
import { errorFields, type Logger } from "../log.ts";
import { type Store, StoreUnavailableError } from "./store.ts";

/** Name of the task that checks the store. */
export const STORE_HEALTH_TASK = "store.health";

/** Tracks whether the store answers. */
export class StoreHealth {
  readonly #store: Store;
  readonly #logger: Logger;
  #available = true;
  #since = Date.now();

  /** Starts out assuming the store answers (it just opened). */
  constructor(store: Store, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
  }

  /** Whether the last check reached the store. */
  get available(): boolean {
    return this.#available;
  }

  /** Figures for the status page. */
  status(): { kind: string; available: boolean; sinceMs: number } {
    return {
      kind: this.#store.kind,
      available: this.#available,
      sinceMs: Date.now() - this.#since,
    };
  }

  /** Pings the store once and records the answer. */
  async check(): Promise<boolean> {
    try {
      await this.#store.ping();
      this.#set(true, undefined);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      this.#set(false, error);
    }
    return this.#available;
  }

  /** Records a failure seen elsewhere (a save that could not reach the store). */
  reportUnavailable(error: StoreUnavailableError): void {
    this.#set(false, error);
  }

  /** Runs the check every `intervalMs` as a supervised task. */
  start(supervisor: Supervisor, intervalMs = 1000): void {
    supervisor.spawn(STORE_HEALTH_TASK, (signal) =>
      every(intervalMs, async () => {
        await this.check();
      }, { signal }));
  }

  #set(available: boolean, error: unknown): void {
    if (available === this.#available) return;
    this.#available = available;
    this.#since = Date.now();
    if (available) {
      this.#logger.info("the store answers again", { store: this.#store.kind });
    } else {
      this.#logger.warn("the store cannot be reached; readiness is off until it answers", {
        store: this.#store.kind,
        error: errorFields(error),
      });
    }
  }
}
