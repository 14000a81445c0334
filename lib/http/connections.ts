/**
 * Open connections: how many, what each is doing, and which have waited too long.
 *
 * `Deno.serve` keeps a connection open for as long as the client likes: unfinished request
 * headers, a body sent a byte a minute, an idle keep-alive. Each holds a file descriptor, so a
 * few hundred such clients can exhaust the process. The server accepts connections itself
 * (`serve.ts`), counts them here, and a sweep run by one supervised task closes those that
 * overstay their phase:
 *
 * | phase | limit |
 * | --- | --- |
 * | `headers`: accepted, no complete request yet | `headerTimeoutMs` |
 * | `idle`: a response finished, no next request yet | `idleTimeoutMs` |
 * | `body`: a handler is reading the request body | `bodyTimeoutMs` |
 * | `responding`: a finished response is being written | `idleTimeoutMs` |
 * | `busy`: a handler is working | none (the server's own work) |
 * | `streaming`: an event stream | none here; the stall timeout governs it |
 *
 * @module
 */

import { counter, gauge, type Metric } from "../metrics.ts";

/** Limits on open connections. */
export interface ConnectionLimits {
  /** Open connections at most; one more is answered 503 and closed. */
  maxConnections: number;
  /** Longest wait for a new connection's first complete request headers, in milliseconds. */
  headerTimeoutMs: number;
  /** Longest a request body may take to arrive, in milliseconds. */
  bodyTimeoutMs: number;
  /** Longest a keep-alive connection may sit between requests, in milliseconds. */
  idleTimeoutMs: number;
}

/** What a connection is doing. */
export type ConnectionPhase = "headers" | "idle" | "body" | "busy" | "responding" | "streaming";

/** Why a connection was closed by the sweep. */
type TimeoutKind = "headers" | "idle" | "body" | "responding";

/** One open connection, as the guard tracks it. */
export class TrackedConnection {
  /** Aborting closes the connection at once. */
  readonly controller: AbortController = new AbortController();
  /** Requests whose handler started on this connection. */
  requests = 0;
  /** Current phase. */
  phase: ConnectionPhase = "headers";
  /** When the current phase began (`performance.now()`). */
  since: number;
  readonly #now: () => number;

  /** Starts in the `headers` phase. */
  constructor(now: () => number) {
    this.#now = now;
    this.since = now();
  }

  /** Moves to `phase`, restarting its clock. */
  enter(phase: ConnectionPhase): void {
    this.phase = phase;
    this.since = this.#now();
  }

  /**
   * Marks the request body as being read until the returned value is disposed (then `busy`
   * again). The sweep closes the connection if the body takes longer than the body timeout.
   */
  readingBody(): Disposable {
    this.enter("body");
    return {
      [Symbol.dispose]: () => {
        if (this.phase === "body") this.enter("busy");
      },
    };
  }
}

/** Figures for the status page and metrics. */
export interface ConnectionStats {
  /** Connections open now. */
  open: number;
  /** Open connections by what they are doing. */
  phases: Record<ConnectionPhase, number>;
  /** Most connections open at once since start. */
  peak: number;
  /** The cap. */
  max: number;
  /** Connections refused at the cap since start. */
  refused: number;
  /** Connections closed for overstaying a phase, by phase. */
  timedOut: Record<TimeoutKind, number>;
  /** Accept failures the server recovered from (such as running out of descriptors). */
  acceptErrors: number;
}

/** Counts open connections against the cap and closes those that overstay a phase. */
export class ConnectionGuard {
  /** The limits in force (the cap may be lowered by {@linkcode ConnectionGuard.lowerCap}). */
  readonly limits: ConnectionLimits;
  readonly #open = new Set<TrackedConnection>();
  readonly #now: () => number;
  #peak = 0;
  #refused = 0;
  #acceptErrors = 0;
  readonly #timedOut: Record<TimeoutKind, number> = {
    headers: 0,
    idle: 0,
    body: 0,
    responding: 0,
  };

  /** Creates a guard with no connections. */
  constructor(limits: ConnectionLimits, now: () => number = performance.now.bind(performance)) {
    this.limits = { ...limits };
    this.#now = now;
  }

  /** Connections open now. */
  get size(): number {
    return this.#open.size;
  }

  /** Whether one more connection may be accepted. */
  get hasRoom(): boolean {
    return this.#open.size < this.limits.maxConnections;
  }

  /** Tracks a newly accepted connection. */
  admit(): TrackedConnection {
    const connection = new TrackedConnection(this.#now);
    this.#open.add(connection);
    this.#peak = Math.max(this.#peak, this.#open.size);
    return connection;
  }

  /** Forgets a connection that has closed. */
  release(connection: TrackedConnection): void {
    this.#open.delete(connection);
  }

  /**
   * Lowers the cap to `cap` (never raises it): the process ran out of descriptors below the cap,
   * so the real limit is lower than the one it was derived from.
   *
   * @returns whether the cap changed.
   */
  lowerCap(cap: number): boolean {
    const lowered = Math.max(1, Math.floor(cap));
    if (lowered >= this.limits.maxConnections) return false;
    this.limits.maxConnections = lowered;
    return true;
  }

  /** Counts a connection refused at the cap. */
  refused(): void {
    this.#refused++;
  }

  /** Counts an accept failure the server recovered from. */
  acceptFailed(): void {
    this.#acceptErrors++;
  }

  /** Closes every connection that has overstayed its phase; returns how many. */
  sweep(): number {
    const now = this.#now();
    let closed = 0;
    for (const connection of this.#open) {
      const kind = this.#overdue(connection, now);
      if (kind === undefined || connection.controller.signal.aborted) continue;
      this.#timedOut[kind]++;
      connection.controller.abort();
      closed++;
    }
    return closed;
  }

  /** Closes every open connection at once (a shutdown past its deadline). */
  abortAll(): void {
    for (const connection of this.#open) {
      try {
        connection.controller.abort();
      } catch {
        // Its resource was closed already (the client left as the deadline passed).
      }
    }
  }

  /** How often the sweep should run: a quarter of the shortest limit, within 10 ms–1 s. */
  get sweepIntervalMs(): number {
    const { headerTimeoutMs, bodyTimeoutMs, idleTimeoutMs } = this.limits;
    const shortest = Math.min(headerTimeoutMs, bodyTimeoutMs, idleTimeoutMs);
    return Math.max(10, Math.min(1000, Math.floor(shortest / 4)));
  }

  /** Figures for the status page. */
  stats(): ConnectionStats {
    const phases: Record<ConnectionPhase, number> = {
      headers: 0,
      idle: 0,
      body: 0,
      busy: 0,
      responding: 0,
      streaming: 0,
    };
    for (const connection of this.#open) phases[connection.phase]++;
    return {
      open: this.#open.size,
      phases,
      peak: this.#peak,
      max: this.limits.maxConnections,
      refused: this.#refused,
      timedOut: { ...this.#timedOut },
      acceptErrors: this.#acceptErrors,
    };
  }

  /** The same figures as metric families. */
  metrics(): Metric[] {
    const stats = this.stats();
    return [
      gauge("mythos_connections_open", "Open HTTP connections", stats.open),
      gauge("mythos_connections_max", "Cap on open HTTP connections", stats.max),
      counter(
        "mythos_connections_refused_total",
        "Connections refused with 503 at the cap",
        stats.refused,
      ),
      {
        name: "mythos_connections_timed_out_total",
        help: "Connections closed for overstaying a phase",
        type: "counter",
        samples: Object.entries(stats.timedOut).map(([phase, value]) => ({
          labels: { phase },
          value,
        })),
      },
      counter(
        "mythos_connections_accept_errors_total",
        "Accept failures the server recovered from",
        stats.acceptErrors,
      ),
    ];
  }

  #overdue(connection: TrackedConnection, now: number): TimeoutKind | undefined {
    const waited = now - connection.since;
    const { headerTimeoutMs, bodyTimeoutMs, idleTimeoutMs } = this.limits;
    switch (connection.phase) {
      case "headers":
        return waited > headerTimeoutMs ? "headers" : undefined;
      case "idle":
        return waited > idleTimeoutMs ? "idle" : undefined;
      case "body":
        return waited > bodyTimeoutMs ? "body" : undefined;
      case "responding":
        return waited > idleTimeoutMs ? "responding" : undefined;
      default:
        return undefined;
    }
  }
}
