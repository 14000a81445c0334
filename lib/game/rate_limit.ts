/**
 * A token bucket: a steady rate of commands with room for a short burst.
 *
 * @module
 */

/** Tokens refill continuously at `ratePerSecond`, up to `burst`. */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;

  /** Starts full. */
  constructor(
    ratePerSecond: number,
    burst: number,
    now: () => number = performance.now.bind(performance),
  ) {
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#updatedAt = now();
  }

  /** Whether the bucket has refilled to its burst (it is then the same as a new one). */
  get full(): boolean {
    const elapsed = this.#now() - this.#updatedAt;
    return this.#tokens + (elapsed * this.#rate) / 1000 >= this.#burst;
  }

  /** Takes a token if there is one: returns 0, or the milliseconds until one will be there. */
  take(): number {
    const now = this.#now();
    this.#tokens = Math.min(
      this.#burst,
      this.#tokens + ((now - this.#updatedAt) * this.#rate) / 1000,
    );
    this.#updatedAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) * 1000) / this.#rate);
  }
}
