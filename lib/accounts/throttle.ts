/**
 * Login throttling: attempts per address and failures per name, in sliding windows.
 *
 * @module
 */

/** Options for {@linkcode AttemptLimiter}. */
export interface LimiterOptions {
  /** Attempts allowed within the window. */
  limit: number;
  /** The window, in milliseconds. */
  windowMs: number;
  /** Clock in milliseconds; tests may replace it. */
  now?: () => number;
}

/** Counts attempts per key in a sliding window. */
export class AttemptLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #attempts = new Map<string, number[]>();

  /** Creates an empty limiter. */
  constructor(options: LimiterOptions) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
  }

  /** Keys being tracked. */
  get size(): number {
    return this.#attempts.size;
  }

  /** Milliseconds until `key` may try again, or 0 if it may now. */
  retryAfterMs(key: string): number {
    const times = this.#live(key);
    if (times.length < this.#limit) return 0;
    return Math.max(1, (times[0] ?? 0) + this.#windowMs - this.#now());
  }

  /** Counts one attempt for `key`. */
  record(key: string): void {
    const times = this.#live(key);
    times.push(this.#now());
    if (times.length > this.#limit) times.shift();
    this.#attempts.set(key, times);
  }

  /** Forgets `key` (after a successful login, say). */
  reset(key: string): void {
    this.#attempts.delete(key);
  }

  /** Drops keys whose attempts have all left the window; run now and then so memory stays flat. */
  sweep(): void {
    for (const key of [...this.#attempts.keys()]) {
      if (this.#live(key).length === 0) this.#attempts.delete(key);
    }
  }

  #live(key: string): number[] {
    const times = this.#attempts.get(key) ?? [];
    const cutoff = this.#now() - this.#windowMs;
    while (times.length > 0 && (times[0] ?? 0) <= cutoff) times.shift();
    return times;
  }
}

/** Options for {@linkcode LoginThrottle}. */
export interface LoginThrottleOptions {
  /** Login and registration attempts allowed per address per minute. */
  perAddressPerMinute: number;
  /** Failed logins allowed per name per 15 minutes. */
  failuresPerName: number;
  /** Clock in milliseconds. */
  now?: () => number;
}

/** Attempts per address and failed logins per name. */
export class LoginThrottle {
  readonly #addresses: AttemptLimiter;
  readonly #names: AttemptLimiter;

  /** Creates the two limiters. */
  constructor(options: LoginThrottleOptions) {
    this.#addresses = new AttemptLimiter({
      limit: options.perAddressPerMinute,
      windowMs: 60_000,
      now: options.now,
    });
    this.#names = new AttemptLimiter({
      limit: options.failuresPerName,
      windowMs: 15 * 60_000,
      now: options.now,
    });
  }

  /**
   * Counts an attempt from `address` for `name` and says how long to wait, if it must: 0 means
   * go ahead.
   */
  attempt(address: string, name: string | undefined): number {
    const wait = Math.max(
      this.#addresses.retryAfterMs(address),
      name === undefined ? 0 : this.#names.retryAfterMs(name.toLowerCase()),
    );
    if (wait === 0) this.#addresses.record(address);
    return wait;
  }

  /** Counts a failed login for `name`. */
  failed(name: string): void {
    this.#names.record(name.toLowerCase());
  }

  /** Clears the failures of `name` after a successful login. */
  succeeded(name: string): void {
    this.#names.reset(name.toLowerCase());
  }

  /** Drops expired entries. */
  sweep(): void {
    this.#addresses.sweep();
    this.#names.sweep();
  }

  /** Entries tracked, for the status page. */
  get size(): number {
    return this.#addresses.size + this.#names.size;
  }
}
