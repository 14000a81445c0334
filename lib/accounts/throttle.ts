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
  /** Failed logins for one name from one address before each further try must wait. */
  failuresPerName: number;
  /** Clock in milliseconds. */
  now?: () => number;
}

/** The first wait after the free failures; it doubles with each further failure. */
export const FIRST_DELAY_MS = 1000;

/** The longest wait between tries of one name from one address. */
export const MAX_DELAY_MS = 15 * 60_000;

/** Failures of one name from one address, forgotten this long after the last. */
const FAILURE_MEMORY_MS = 15 * 60_000;

interface Failures {
  count: number;
  lastAt: number;
}

/**
 * Attempts per address, and failed logins per name *and address*.
 *
 * Guessing one name's password from one address is slowed by delays that double with each
 * failure past the free ones, up to 15 minutes. The delays belong to the pair: wrong passwords
 * for Bob from a stranger's address never stop Bob logging in from his own, so no one can lock a
 * player out. Guessing from many addresses is bounded by the per-address limit on each of them.
 */
export class LoginThrottle {
  readonly #addresses: AttemptLimiter;
  readonly #failures = new Map<string, Failures>();
  readonly #free: number;
  readonly #now: () => number;

  /** Creates an empty throttle. */
  constructor(options: LoginThrottleOptions) {
    this.#now = options.now ?? Date.now;
    this.#addresses = new AttemptLimiter({
      limit: options.perAddressPerMinute,
      windowMs: 60_000,
      now: this.#now,
    });
    this.#free = options.failuresPerName;
  }

  /**
   * Counts an attempt from `address` for `name` and says how long to wait, if it must: 0 means
   * go ahead.
   */
  attempt(address: string, name: string | undefined): number {
    const wait = Math.max(
      this.#addresses.retryAfterMs(address),
      name === undefined ? 0 : this.#delay(address, name),
    );
    if (wait === 0) this.#addresses.record(address);
    return wait;
  }

  /** Counts a failed login for `name` from `address`. */
  failed(address: string, name: string): void {
    const key = pairKey(address, name);
    const failures = this.#live(key) ?? { count: 0, lastAt: 0 };
    failures.count++;
    failures.lastAt = this.#now();
    this.#failures.set(key, failures);
  }

  /** Clears the failures of `name` from `address` after a successful login. */
  succeeded(address: string, name: string): void {
    this.#failures.delete(pairKey(address, name));
  }

  /** Drops expired entries. */
  sweep(): void {
    this.#addresses.sweep();
    for (const key of [...this.#failures.keys()]) this.#live(key);
  }

  /** Entries tracked, for the status page. */
  get size(): number {
    return this.#addresses.size + this.#failures.size;
  }

  #delay(address: string, name: string): number {
    const failures = this.#live(pairKey(address, name));
    if (failures === undefined || failures.count < this.#free) return 0;
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (failures.count - this.#free));
    return Math.max(0, failures.lastAt + delay - this.#now());
  }

  #live(key: string): Failures | undefined {
    const failures = this.#failures.get(key);
    if (failures !== undefined && this.#now() - failures.lastAt >= FAILURE_MEMORY_MS) {
      this.#failures.delete(key);
      return undefined;
    }
    return failures;
  }
}

function pairKey(address: string, name: string): string {
  return `${name.toLowerCase()}\u0000${address}`;
}
