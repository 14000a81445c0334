/**
 * Serving an app with `Deno.serve`, closed in the last shutdown phase.
 *
 * @module
 */

import { settlesBefore } from "../lifecycle/deadline.ts";
import type { Supervisor } from "../lifecycle/supervisor.ts";

/** A listening HTTP server. */
export interface Served {
  /** Where it listens, such as `http://127.0.0.1:8000`. */
  url: URL;
  /** The address `Deno.serve` reported. */
  addr: Deno.NetAddr;
  /** Resolves once the server has closed gracefully. */
  closed: Promise<void>;
}

/**
 * Starts `Deno.serve` for `handler` and registers its graceful close in the `close` phase
 * (`closed` tells other close hooks when it is done).
 *
 * No `signal` is given to `Deno.serve`: aborting it after `shutdown()` has begun throws inside
 * Deno 2.9, and it is not needed, because event streams have all ended by the close phase.
 */
export async function serve(
  supervisor: Supervisor,
  handler: Deno.ServeHandler,
  options: { hostname: string; port: number },
): Promise<Served> {
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
  }, handler);
  const closed = Promise.withResolvers<void>();
  supervisor.onShutdown("close", "http server", async (signal) => {
    const done = server.shutdown();
    done.then(closed.resolve, closed.resolve);
    if (!(await settlesBefore(done, signal))) {
      throw new Error("HTTP server did not close before the deadline");
    }
  });
  const addr = await listening.promise;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return { url: new URL(`http://${host}:${addr.port}`), addr, closed: closed.promise };
}
