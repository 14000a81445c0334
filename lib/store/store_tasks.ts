/**
 * The store's background work: expired sessions are deleted now and then (Deno KV does it by
 * itself; PostgreSQL needs asking).
 *
 * @module
 */

import type { Supervisor } from "../lifecycle/supervisor.ts";
import { every } from "../lifecycle/ticker.ts";
import { errorFields, type Logger } from "../log.ts";
import { type Store, StoreUnavailableError } from "./store.ts";

/** Name of the sweep task. */
export const STORE_SWEEP_TASK = "store.sweep";

/** How often expired sessions are deleted. */
const SWEEP_MS = 10 * 60_000;

/** Spawns the sweep of expired sessions. A store that is down is tried again next time. */
export function startStoreTasks(supervisor: Supervisor, store: Store, logger: Logger): void {
  supervisor.spawn(STORE_SWEEP_TASK, (signal) =>
    every(SWEEP_MS, async () => {
      try {
        const deleted = await store.sweepExpired();
        if (deleted > 0) logger.debug("expired sessions deleted", { deleted });
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        logger.warn("sweeping expired sessions failed; the store is unavailable", {
          error: errorFields(error),
        });
      }
    }, { signal }));
}
