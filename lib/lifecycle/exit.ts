/**
 * Ending the process after shutdown.
 *
 * @module
 */

import type { Logger } from "../log.ts";

/**
 * Sets the exit code and lets the process end on its own once nothing is left running. If
 * something still holds the event loop open after `graceMs`, that is a leak: it is logged and
 * the process exits anyway, so an admin's restart never hangs.
 */
export function exitWhenIdle(code: number, logger: Logger, graceMs = 2000): void {
  Deno.exitCode = code;
  const timer = setTimeout(() => {
    logger.warn("process did not exit on its own after shutdown; forcing exit", { code });
    Deno.exit(code);
  }, graceMs);
  // The watchdog itself must not keep the process alive.
  Deno.unrefTimer(timer);
}
