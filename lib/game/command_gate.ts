/**
 * The gate every command passes: a rate limit per account, and one queue per player so a
 * player's commands run one at a time, in order.
 *
 * The rate limit belongs to the account, not to a stay in the world: leaving and entering again
 * must not refill it. A bucket is forgotten only once it has refilled to its burst, when it is
 * no different from a new one ({@linkcode CommandGate.sweep}).
 *
 * @module
 */

import { TokenBucket } from "./rate_limit.ts";

/** Options for {@linkcode CommandGate}. */
export interface CommandGateOptions {
  /** Commands per second per account. */
  ratePerSecond: number;
  /** Commands an account may send in a burst. */
  burst: number;
  /** Clock in milliseconds; tests may replace it. */
  now?: () => number;
}

/** Rate limits and orders commands per account. */
export class CommandGate {
  readonly #options: CommandGateOptions;
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #queues = new Map<string, Promise<void>>();

  /** Creates a gate with no buckets. */
  constructor(options: CommandGateOptions) {
    this.#options = options;
  }

  /** Accounts with a bucket that has not refilled yet. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Takes a token for `accountId`: 0 means go ahead, else the milliseconds to wait. */
  admit(accountId: string): number {
    let bucket = this.#buckets.get(accountId);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.#options.ratePerSecond, this.#options.burst, this.#options.now);
      this.#buckets.set(accountId, bucket);
    }
    return bucket.take();
  }

  /**
   * Runs `work` after every earlier command of `accountId` has finished; resolves when it has
   * run. A failure of `work` rejects this call only, never the commands queued after it.
   */
  async run(accountId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.#queues.get(accountId) ?? Promise.resolve();
    const run = previous.then(work);
    const settled = run.catch(() => {});
    this.#queues.set(accountId, settled);
    try {
      await run;
    } finally {
      if (this.#queues.get(accountId) === settled) this.#queues.delete(accountId);
    }
  }

  /** Forgets buckets that have refilled (run now and then so memory stays flat). */
  sweep(): void {
    for (const [accountId, bucket] of this.#buckets) {
      if (bucket.full) this.#buckets.delete(accountId);
    }
  }
}
