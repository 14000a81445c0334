/**
 * The world lease (docs/cluster-events.md, "One world at a time"): exactly one node runs the
 * simulation, the one holding `mythos:world:lease` in Redis. Taking the lease increments
 * `mythos:world:fence`, the fencing token: every entry the world appends to the event stream,
 * every answer it sends and every world write to PostgreSQL carries it, and Redis and PostgreSQL
 * refuse one whose token is not the newest. So a world that was paused (SIGSTOP, a long GC, a cut
 * network) past its lease and wakes up cannot write anything, even before it notices.
 *
 * The holder renews the lease as a supervised task and gives up — stops the node — when a renewal
 * fails or cannot be confirmed before the lease would lapse, so it has stopped simulating before
 * a standby can take over. A planned stop releases the lease after the world's persist phase, so a
 * standby takes it at its next look instead of waiting for it to lapse.
 *
 * @module
 */

import { delay } from "@std/async/delay";
import { errorFields, type Logger, silentLogger } from "../log.ts";
import type { RedisClient } from "./event_log.ts";
import { FENCE_KEY, FencedOutError } from "./fence.ts";

/** The lease key: `<token>:<node id>` while held, with a time to live. */
export const LEASE_KEY = "mythos:world:lease";

// Takes the lease when nobody holds it: the next token, then the key with its time to live.
const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token .. ':' .. ARGV[1], 'PX', ARGV[2])
return token`;

// Extends the lease if this holder still has it.
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

// Gives the lease up if this holder still has it.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Options for {@linkcode WorldLease}. */
export interface WorldLeaseOptions {
  /** This node's id. */
  node: string;
  /** How long the lease lasts without a renewal (`MYTHOS_WORLD_LEASE_MS`), in milliseconds. */
  leaseMs: number;
  /** Where the lease's life is logged. */
  logger?: Logger;
}

/** Who holds the lease, as `/admin/status` shows it. */
export interface LeaseHolder {
  /** The holder's node id. */
  node: string;
  /** Its fencing token. */
  token: number;
}

/**
 * One node's side of the world lease: stand by until it is free, take it, keep it, give it up.
 */
export class WorldLease {
  readonly #redis: RedisClient;
  readonly #options: WorldLeaseOptions;
  readonly #logger: Logger;
  #token: number | undefined;
  #lost = false;

  /** Competes through `redis` (a client that does not block). */
  constructor(redis: RedisClient, options: WorldLeaseOptions) {
    this.#redis = redis;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** The fencing token while this node holds (or held) the lease. */
  get token(): number | undefined {
    return this.#token;
  }

  /** Whether this node holds the lease and has not lost it. */
  get held(): boolean {
    return this.#token !== undefined && !this.#lost;
  }

  /** How often a standby looks at the lease, in milliseconds. */
  get pollMs(): number {
    return Math.max(50, Math.min(250, Math.floor(this.#options.leaseMs / 10)));
  }

  /** Who holds the lease now, if anyone. */
  async holder(): Promise<LeaseHolder | undefined> {
    const value = await this.#redis.sendCommand(["GET", LEASE_KEY]);
    return typeof value === "string" ? parseLeaseHolder(value) : undefined;
  }

  /** Takes the lease if nobody holds it; returns the token, or `undefined` when it is held. */
  async tryAcquire(): Promise<number | undefined> {
    const token = await this.#redis.sendCommand([
      "EVAL",
      ACQUIRE,
      "2",
      LEASE_KEY,
      FENCE_KEY,
      this.#options.node,
      String(this.#options.leaseMs),
    ]);
    if (!Number.isSafeInteger(Number(token)) || Number(token) <= 0) return undefined;
    this.#token = Number(token);
    this.#lost = false;
    this.#logger.info("took the world lease", {
      token: this.#token,
      leaseMs: this.#options.leaseMs,
    });
    return this.#token;
  }

  /**
   * Stands by until the lease is free, then takes it and returns the token. Redis being away is
   * waited out. Rejects with the signal's reason when `signal` aborts first.
   */
  async acquire(signal: AbortSignal): Promise<number> {
    let complained = false;
    while (true) {
      signal.throwIfAborted();
      try {
        const token = await this.tryAcquire();
        if (token !== undefined) return token;
        complained = false;
      } catch (error) {
        if (!complained) {
          this.#logger.warn("cannot look at the world lease; trying again", {
            error: errorFields(error),
          });
        }
        complained = true;
      }
      await delay(this.pollMs, { signal });
    }
  }

  /**
   * Keeps the lease until `signal` aborts, renewing it three times a lease. Throws
   * {@linkcode FencedOutError} when it is lost — another node holds it, or no renewal was confirmed
   * before it would lapse (Redis away, or this process paused) — so the caller stops acting as
   * the world before a standby can take over. Run it as a critical task that does not restart.
   */
  async hold(signal: AbortSignal): Promise<void> {
    const token = this.#token;
    if (token === undefined) throw new Error("hold() needs the lease: acquire it first");
    const { leaseMs } = this.#options;
    const renewEvery = Math.max(1, Math.floor(leaseMs / 3));
    // The lease is surely ours until this moment: measured from before the last renewal was sent,
    // so whatever Redis's clock, it lapses there no sooner than here.
    let surelyUntil = performance.now() + leaseMs;
    while (!signal.aborted) {
      try {
        await delay(renewEvery, { signal });
      } catch {
        return;
      }
      const sentAt = performance.now();
      // Give up a little before the lease could lapse, so the world has stopped by then.
      const margin = Math.min(500, Math.floor(leaseMs / 5));
      const renewed = await this.#renewWithin(token, surelyUntil - margin - sentAt, signal);
      if (signal.aborted) return;
      if (renewed === "renewed") {
        surelyUntil = sentAt + leaseMs;
        continue;
      }
      if (renewed === "failed" && performance.now() < surelyUntil - margin) continue;
      this.#lost = true;
      throw new FencedOutError(
        renewed === "taken"
          ? "the world lease was taken by another node"
          : "the world lease could not be renewed before it would lapse",
      );
    }
  }

  /**
   * Hands the lease over after `work` (a planned stop's final save): keeps renewing it while the
   * work runs — the holding task has stopped by then, and the save must not be fenced out halfway
   * — then releases it, so a standby takes over at its next look instead of waiting for it to
   * lapse. Resolves or rejects as `work` does.
   */
  async handOverAfter<T>(work: Promise<T>): Promise<T> {
    const token = this.#token;
    if (token === undefined || this.#lost) return await work;
    const finished = new AbortController();
    const renewing = (async () => {
      const renewEvery = Math.max(1, Math.floor(this.#options.leaseMs / 3));
      while (!finished.signal.aborted) {
        try {
          await delay(renewEvery, { signal: finished.signal });
        } catch {
          return;
        }
        await this.#renewWithin(token, renewEvery, finished.signal);
      }
    })();
    try {
      return await work;
    } finally {
      finished.abort();
      await renewing;
      await this.release().catch((error) =>
        this.#logger.warn("could not release the world lease; it will lapse", {
          error: errorFields(error),
        })
      );
    }
  }

  /**
   * Gives the lease up if this node still holds it (a planned stop, after the world has saved),
   * so a standby takes it at once.
   */
  async release(): Promise<void> {
    const token = this.#token;
    if (token === undefined || this.#lost) return;
    this.#lost = true;
    const released = await this.#redis.sendCommand([
      "EVAL",
      RELEASE,
      "1",
      LEASE_KEY,
      `${token}:${this.#options.node}`,
    ]);
    this.#logger.info("released the world lease", { token, released: Number(released) === 1 });
  }

  async #renewWithin(
    token: number,
    withinMs: number,
    signal: AbortSignal,
  ): Promise<"renewed" | "taken" | "failed"> {
    if (withinMs <= 0) return "failed";
    const timeout = new AbortController();
    const stop = () => timeout.abort();
    signal.addEventListener("abort", stop, { once: true });
    const renewal = this.#redis.sendCommand([
      "EVAL",
      RENEW,
      "1",
      LEASE_KEY,
      `${token}:${this.#options.node}`,
      String(this.#options.leaseMs),
    ]).then(
      (answer) => (Number(answer) === 1 ? "renewed" as const : "taken" as const),
      (error) => {
        this.#logger.warn("renewing the world lease failed", { error: errorFields(error) });
        return "failed" as const;
      },
    );
    try {
      return await Promise.race([
        renewal,
        delay(withinMs, { signal: timeout.signal }).then(
          () => "failed" as const,
          () => "failed" as const,
        ),
      ]);
    } finally {
      timeout.abort();
      signal.removeEventListener("abort", stop);
      // A renewal given up on still settles on its own (it never rejects): when Redis answers, or
      // when the node, stopping for the lost lease, closes its clients.
    }
  }
}

/** Parses a lease value `<token>:<node>`. */
export function parseLeaseHolder(value: string): LeaseHolder | undefined {
  const colon = value.indexOf(":");
  const token = Number(value.slice(0, colon));
  return colon > 0 && Number.isSafeInteger(token)
    ? { token, node: value.slice(colon + 1) }
    : undefined;
}
