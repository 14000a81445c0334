/**
 * A deadline: a signal that aborts after a fixed time, and a way to wait for work against it.
 *
 * @module
 */

/** Aborts its signal `ms` milliseconds after construction; dispose it to clear the timer. */
export class Deadline implements Disposable {
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout>;

  /** Starts the clock. */
  constructor(ms: number) {
    this.#timer = setTimeout(
      () => this.#controller.abort(new DOMException(`Deadline of ${ms} ms passed`, "TimeoutError")),
      ms,
    );
  }

  /** Aborts when the deadline passes. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * Waits for `work` or the deadline, whichever comes first.
   *
   * @returns `true` if `work` settled (fulfilled or rejected) before the deadline.
   */
  race(work: Promise<unknown>): Promise<boolean> {
    return settlesBefore(work, this.signal);
  }

  /** Clears the timer. */
  [Symbol.dispose](): void {
    clearTimeout(this.#timer);
  }
}

/**
 * Waits for `work` to settle or `signal` to abort, whichever comes first, and removes its abort
 * listener either way.
 *
 * @returns `true` if `work` settled first.
 */
export async function settlesBefore(work: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  const aborted = Promise.withResolvers<boolean>();
  const onAbort = () => aborted.resolve(false);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await Promise.race([work.then(() => true, () => true), aborted.promise]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** Resolves once `signal` aborts (at once if it has), leaving no listener behind. */
export async function untilAborted(signal: AbortSignal): Promise<void> {
  await settlesBefore(new Promise<never>(() => {}), signal);
}
