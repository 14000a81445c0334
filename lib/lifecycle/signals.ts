/**
 * SIGINT and SIGTERM handling: the first starts graceful shutdown, a second forces exit 130.
 *
 * @module
 */

import { errorFields, type Logger, silentLogger } from "../log.ts";
import type { Supervisor } from "./supervisor.ts";

/** Exit code for a forced exit after a second signal (128 + SIGINT). */
export const FORCED_EXIT_CODE = 130;

/** Options for {@linkcode handleShutdownSignals}. */
export interface ShutdownSignalOptions {
  /** Signals to listen for; default SIGINT and SIGTERM. */
  signals?: Deno.Signal[];
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
  let received = 0;
  const listeners = signals.map((signal) => {
    const listener = () => {
      try {
        received++;
        if (received === 1) {
          logger.info("signal received; shutting down", { signal });
          supervisor.shutdown({ reason: signal }).catch((error) =>
            logger.error("shutdown failed", { error: errorFields(error) })
          );
        } else {
          logger.warn("second signal received; exiting now", {
            signal,
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
