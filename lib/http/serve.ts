/**
 * Serving an app over HTTP with a cap on open connections and time limits on slow clients;
 * closed in the last shutdown phase.
 *
 * `Deno.serve` accepts every connection and keeps it for as long as the client likes, and when
 * the process runs out of file descriptors its listener fails with an error that ends the
 * process. So the server accepts connections itself (`Deno.listen`), refuses those beyond the cap
 * with a 503, and hands each accepted one to Deno's HTTP server for that connection
 * (`serveHttpOnConnection`, the function `Deno.serve` and `node:http` are built on, reached
 * through `Deno[Deno.internal]` because Deno exposes no public form of it). Each connection gets
 * its own abort signal, which the {@linkcode ConnectionGuard}'s sweep trips when the client
 * overstays a phase.
 *
 * The accept loop is a critical task: if it fails for a reason other than a passing shortage
 * (out of descriptors, a connection aborted before it was accepted), the server shuts down in
 * order, saving everyone, and exits non-zero with the cause in the log.
 *
 * @module
 */

import { delay } from "@std/async/delay";
import { DEFAULTS } from "../config.ts";
import { settlesBefore } from "../lifecycle/deadline.ts";
import type { Supervisor } from "../lifecycle/supervisor.ts";
import { every } from "../lifecycle/ticker.ts";
import { errorFields, type Logger, silentLogger } from "../log.ts";
import { ConnectionGuard, type ConnectionLimits, type TrackedConnection } from "./connections.ts";

/** A listening HTTP server. */
export interface Served {
  /** Where it listens, such as `http://127.0.0.1:8000`. */
  url: URL;
  /** The address it listens on. */
  addr: Deno.NetAddr;
  /** Open connections and their limits. */
  connections: ConnectionGuard;
  /** Resolves once the server has closed gracefully. */
  closed: Promise<void>;
}

/** What a request handler is told besides the request. */
export interface RequestInfo extends Deno.ServeHandlerInfo<Deno.NetAddr> {
  /** The connection the request came on. */
  connection: TrackedConnection;
}

/** Handles one request. */
export type RequestHandler = (request: Request, info: RequestInfo) => Response | Promise<Response>;

/** Options for {@linkcode serve}. */
export interface ServeOptions {
  /** Address to listen on. */
  hostname: string;
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Cap and time limits; default: a cap of 1,000 and the settings' default time limits. */
  limits?: Partial<ConnectionLimits>;
  /** Where accept trouble is logged. */
  logger?: Logger;
  /** Opens the listening socket; default `Deno.listen` (tests wrap it to make accepting fail). */
  listen?: (
    options: { hostname: string; port: number },
  ) => Deno.Listener<Deno.TcpConn, Deno.NetAddr>;
}

/** Name of the accept loop's task. */
export const ACCEPT_TASK = "http.accept";

/** Name of the task that closes connections overstaying a phase. */
export const SWEEP_TASK = "http.connections";

const DEFAULT_LIMITS: ConnectionLimits = {
  maxConnections: 1000,
  headerTimeoutMs: DEFAULTS.headerTimeoutMs,
  bodyTimeoutMs: DEFAULTS.bodyTimeoutMs,
  idleTimeoutMs: DEFAULTS.idleTimeoutMs,
};

/** Seconds a refused client is told to wait. */
const REFUSED_RETRY_AFTER_SECONDS = 5;

/** Pause after an accept failure such as running out of descriptors, in milliseconds. */
const ACCEPT_BACKOFF_MS = 100;

/** The answer to a connection beyond the cap, written before closing it. */
const REFUSAL = (() => {
  const body = JSON.stringify({
    error: { code: "unavailable", message: "The server is full; please try again shortly" },
  });
  return new TextEncoder().encode(
    "HTTP/1.1 503 Service Unavailable\r\n" +
      `retry-after: ${REFUSED_RETRY_AFTER_SECONDS}\r\n` +
      "content-type: application/json\r\n" +
      "cache-control: no-store\r\n" +
      "connection: close\r\n" +
      `content-length: ${new TextEncoder().encode(body).byteLength}\r\n\r\n` + body,
  );
})();

/** Deno's HTTP server for one accepted connection. */
type ServeOnConnection = (
  connection: Deno.Conn,
  signal: AbortSignal,
  handler: (request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => Promise<Response>,
  onError: (error: unknown) => Response,
  onListen: () => void,
) => Deno.HttpServer<Deno.NetAddr>;

function serveOnConnection(): ServeOnConnection {
  const internal = (Deno as unknown as Record<symbol, Record<string, unknown> | undefined>)[
    (Deno as unknown as { internal: symbol }).internal
  ];
  const fn = internal?.serveHttpOnConnection;
  if (typeof fn !== "function") {
    throw new Error(
      `This Deno (${Deno.version.deno}) has no serveHttpOnConnection; run the pinned Deno 2.9`,
    );
  }
  return fn as ServeOnConnection;
}

/** Accept errors that pass: the process is out of descriptors or memory for a moment, or a
 * client gave up before its connection was accepted (aborted, reset, or gone before its address
 * could be read: a load balancer's health check closing at once gives ENOTCONN). */
const PASSING_ACCEPT_ERROR = /os error (23|24|103|104|105|107|12)\b/;

/** The process (24) or the system (23) is out of file descriptors. */
const OUT_OF_DESCRIPTORS = /os error (23|24)\b/;

/** Descriptors left free below the point where the process ran out, once it has. */
const LEARNED_RESERVE = 32;

/**
 * One descriptor held back so that, when the process runs out, the server can still accept the
 * waiting connection to answer it 503 instead of leaving it in the backlog (the trick nginx and
 * libev use).
 */
class SpareDescriptor {
  #file: Deno.FsFile | undefined;

  constructor() {
    this.#take();
  }

  /** Frees the spare for a moment; returns whether there was one. */
  release(): boolean {
    if (this.#file === undefined) return false;
    this.#file.close();
    this.#file = undefined;
    return true;
  }

  /** Takes the spare again, if a descriptor is free. */
  restore(): void {
    if (this.#file === undefined) this.#take();
  }

  #take(): void {
    try {
      this.#file = Deno.openSync("/dev/null");
    } catch {
      this.#file = undefined;
    }
  }
}

/**
 * Listens on `options.hostname:port`, serving `handler` on each accepted connection; spawns the
 * accept loop (critical) and the sweep of slow connections, and registers the graceful close in
 * the `close` phase (`closed` tells other close hooks when it is done).
 *
 * @throws {Deno.errors.AddrInUse} when the port is taken (and other listen errors).
 */
export function serve(
  supervisor: Supervisor,
  handler: RequestHandler,
  options: ServeOptions,
): Served {
  const serveOn = serveOnConnection();
  const logger = options.logger ?? silentLogger;
  const guard = new ConnectionGuard({ ...DEFAULT_LIMITS, ...options.limits });
  const listen = options.listen ?? ((at) => Deno.listen(at));
  const listener = listen({ hostname: options.hostname, port: options.port });
  const servers = new Map<Deno.HttpServer, Promise<void>>();
  let listening = true;
  const stopListening = () => {
    if (!listening) return;
    listening = false;
    listener.close();
  };

  const onError = (error: unknown): Response => {
    logger.error("request handler failed", { error: errorFields(error) });
    return new Response(null, { status: 500 });
  };

  const serveConnection = (connection: Deno.Conn) => {
    const tracked = guard.admit();
    let inFlight = 0;
    const handle = async (request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => {
      inFlight++;
      tracked.requests++;
      tracked.enter("busy");
      const settled = () => {
        inFlight--;
        if (inFlight === 0) tracked.enter("idle");
      };
      let response: Response;
      try {
        response = await handler(request, {
          remoteAddr: info.remoteAddr,
          completed: info.completed,
          connection: tracked,
        });
      } catch (error) {
        settled();
        throw error;
      }
      const type = response.headers.get("content-type") ?? "";
      if (type.startsWith("text/event-stream")) tracked.enter("streaming");
      else if (tracked.phase !== "streaming") tracked.enter("responding");
      info.completed.then(settled, settled);
      return response;
    };
    const server = serveOn(connection, tracked.controller.signal, handle, onError, () => {});
    // A connection whose client vanished mid-response finishes its loop with the response's
    // resource still open: shutting its server down once it has finished releases it.
    servers.set(
      server,
      server.finished.catch((error) => {
        logger.debug("connection ended with an error", { error: errorFields(error) });
      }).then(() => server.shutdown()).catch(() => {}).finally(() => {
        guard.release(tracked);
        servers.delete(server);
      }),
    );
  };

  const refuse = async (connection: Deno.Conn) => {
    guard.refused();
    try {
      // A few hundred bytes fit in a new socket's send buffer: this does not wait on the client.
      await connection.write(REFUSAL);
    } catch {
      // The client is already gone.
    } finally {
      connection.close();
    }
  };

  /** Out of descriptors: learn a lower cap, and answer the waiting client with the spare. */
  const outOfDescriptors = async (error: unknown, spare: SpareDescriptor) => {
    if (guard.lowerCap(guard.size - LEARNED_RESERVE)) {
      logger.warn("out of file descriptors below the connection cap; lowering the cap", {
        error: errorFields(error),
        open: guard.size,
        maxConnections: guard.limits.maxConnections,
        advice: "raise the open-file limit (ulimit -n) or set MYTHOS_MAX_CONNECTIONS",
      });
    }
    if (!spare.release()) return false;
    try {
      await refuse(await listener.accept());
      return true;
    } catch {
      return false;
    } finally {
      spare.restore();
    }
  };

  let lastAcceptWarning = -Infinity;
  supervisor.spawn(ACCEPT_TASK, async (signal) => {
    signal.addEventListener("abort", stopListening, { once: true });
    const spare = new SpareDescriptor();
    try {
      while (!signal.aborted) {
        let connection: Deno.Conn;
        try {
          connection = await listener.accept();
        } catch (error) {
          if (signal.aborted || !listening || error instanceof Deno.errors.BadResource) return;
          if (!PASSING_ACCEPT_ERROR.test(String(error))) throw error;
          guard.acceptFailed();
          if (OUT_OF_DESCRIPTORS.test(String(error)) && await outOfDescriptors(error, spare)) {
            continue;
          }
          if (performance.now() - lastAcceptWarning > 5000) {
            lastAcceptWarning = performance.now();
            logger.warn("accepting a connection failed; retrying", {
              error: errorFields(error),
              open: guard.size,
              maxConnections: guard.limits.maxConnections,
            });
          }
          await delay(ACCEPT_BACKOFF_MS, { signal }).catch(() => {});
          continue;
        }
        if (guard.hasRoom) serveConnection(connection);
        else await refuse(connection);
      }
    } finally {
      spare.release();
      signal.removeEventListener("abort", stopListening);
    }
  }, { critical: true, restart: false });

  supervisor.spawn(SWEEP_TASK, (signal) =>
    every(guard.sweepIntervalMs, () => {
      guard.sweep();
    }, { signal }));

  const closed = Promise.withResolvers<void>();
  supervisor.onShutdown("close", "http server", async (signal) => {
    stopListening();
    const done = Promise.all(
      [...servers].map(([server, ended]) => server.shutdown().then(() => ended, () => ended)),
    );
    try {
      if (!(await settlesBefore(done, signal))) {
        guard.abortAll();
        throw new Error("HTTP server did not close before the deadline");
      }
    } finally {
      closed.resolve();
    }
  });
  const addr = listener.addr as Deno.NetAddr;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return {
    url: new URL(`http://${host}:${addr.port}`),
    addr,
    connections: guard,
    closed: closed.promise,
  };
}
