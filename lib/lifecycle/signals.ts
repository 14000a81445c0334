/**
 * SIGINT and SIGTERM handling: the first starts graceful shutdown, a second (a separate request,
 * not the same one delivered twice) forces exit 130.
 *
 * @module
 */

import { errorFields, type Logger, silentLogger } from "../log.ts";
import type { Supervisor } from "./supervisor.ts";

/** Exit code for a forced exit after a second signal (128 + SIGINT). */
export const FORCED_EXIT_CODE = 130;

/**
 * Deliveries this close together count as one. A stop request often arrives twice: `deno task`
 * forwards SIGTERM to the server, and a process-group signal (a terminal's Ctrl-C, systemd's
 * `KillMode=control-group`, `timeout`) reaches it directly as well. The two arrive together, but
 * the listener hears each when the event loop gets to it, which on a busy machine, with shutdown
 * already under way, can be much later than 1 ms. A person who means to force the exit presses
 * again after more than a second.
 */
export const DUPLICATE_WINDOW_MS = 1000;

/** What a signal delivery means. */
export type SignalAction = "shutdown" | "duplicate" | "force";

/** Decides what each delivery means: the first starts shutdown, a later distinct one forces. */
export class SignalCounter {
  readonly #windowMs: number;
  readonly #now: () => number;
  #firstAt: number | undefined;

  /** @param windowMs Deliveries within this many milliseconds of the first count as one. */
  constructor(windowMs = DUPLICATE_WINDOW_MS, now: () => number = () => performance.now()) {
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** Milliseconds since the first delivery (0 before any). */
  get sinceFirstMs(): number {
    return this.#firstAt === undefined ? 0 : Math.round(this.#now() - this.#firstAt);
  }

  /** Counts one delivery. */
  deliver(): SignalAction {
    const now = this.#now();
    if (this.#firstAt === undefined) {
      this.#firstAt = now;
      return "shutdown";
    }
    return now - this.#firstAt < this.#windowMs ? "duplicate" : "force";
  }
}

/** Options for {@linkcode handleShutdownSignals}. */
export interface ShutdownSignalOptions {
  /** Signals to listen for; default SIGINT and SIGTERM. */
  signals?: Deno.Signal[];
  /** Deliveries within this many milliseconds of the first count as one; default 1000. */
  duplicateWindowMs?: number;
  /** Ends the process on a second signal; default `Deno.exit`. */
  exit?: (code: number) => void;
  /** Where signal handling is logged. */
  logger?: Logger;
}

/**
 * Listens for shutdown signals until the returned handle is disposed.
 *
 * `Deno.addSignalListener` does not keep the process alive and calls the listener on every
 * delivery, so the listener counts deliveries itself. It never throws: a throwing signal listener
 * would surface as an unhandled error.
 */
export function handleShutdownSignals(
  supervisor: Supervisor,
  options: ShutdownSignalOptions = {},
): Disposable {
  const signals = options.signals ?? ["SIGINT", "SIGTERM"];
  const exit = options.exit ?? ((code: number) => Deno.exit(code));
  const logger = options.logger ?? silentLogger;
  const counter = new SignalCounter(options.duplicateWindowMs);
  const listeners = signals.map((signal) => {
    const listener = () => {
      try {
        const action = counter.deliver();
        if (action === "shutdown") {
          logger.info("signal received; shutting down", { signal });
          supervisor.shutdown({ reason: signal }).catch((error) =>
            logger.error("shutdown failed", { error: errorFields(error) })
          );
        } else if (action === "duplicate") {
          logger.debug("same stop request delivered again; ignored", {
            signal,
            sinceFirstMs: counter.sinceFirstMs,
          });
        } else {
          logger.warn("second signal received; exiting now", {
            signal,
            sinceFirstMs: counter.sinceFirstMs,
            exitCode: FORCED_EXIT_CODE,
          });
          exit(FORCED_EXIT_CODE);
        }
      } catch (error) {
        logger.error("signal handling failed", { signal, error: errorFields(error) });
      }
    };
    Deno.addSignalListener(signal, listener);
    return { signal, listener };
  });
  return {
    [Symbol.dispose]: () => {
      for (const { signal, listener } of listeners) Deno.removeSignalListener(signal, listener);
    },
  };
}
