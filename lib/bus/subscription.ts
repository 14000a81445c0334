/**
 * A subscription: one subscriber's async iterator over its mailbox.
 *
 * It ends when its signal aborts, when `return()` is called (also while a `next()` is parked),
 * when the bus closes or the mailbox is released, or when it falls too far behind. Ending removes
 * every listener it added and detaches it from its mailbox at once.
 *
 * @module
 */

import type { Frame } from "./frame.ts";
import type { Mailbox } from "./mailbox.ts";

/** Figures shared by every subscription of one bus. */
export interface DeliveryCounters {
  /** Game frames handed to subscribers. */
  delivered: number;
  /** Subscriptions told to resync (fell behind, or could not resume). */
  resynced: number;
  /** Live subscriptions. */
  subscribers: number;
}

/** How a subscription ends. */
export interface EndOptions {
  /** Deliver the frames already published to the mailbox before the final frame. */
  drain?: boolean;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

interface Ending {
  frame: Frame | undefined;
  drainUntil: number | undefined;
}

/** One subscriber's view of its mailbox. Created by `EventBus.subscribe()`. */
export class Subscription implements AsyncIterableIterator<Frame>, AsyncDisposable, Disposable {
  /** The recipient's key. */
  readonly key: string;
  /** Whether the subscription resumed from a `Last-Event-ID` (missed frames are replayed). */
  readonly resumed: boolean;
  #mailbox: Mailbox | undefined;
  #cursor: number;
  #head: Frame[];
  #ending: Ending | undefined;
  #ping: Frame | undefined;
  #closed = false;
  #waiters: PromiseWithResolvers<IteratorResult<Frame>>[] = [];
  #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.#close();
  readonly #counters: DeliveryCounters;
  readonly #overflowFrame: Frame;

  /**
   * @param cursor The sequence number of the first mailbox frame to deliver.
   * @param head Frames to deliver before any mailbox frame (a `stream.resync`).
   * @param overflowFrame The frame that ends the subscription if it falls behind.
   */
  constructor(
    mailbox: Mailbox,
    options: {
      cursor: number;
      resumed: boolean;
      head: Frame[];
      signal: AbortSignal | undefined;
      counters: DeliveryCounters;
      overflowFrame: Frame;
    },
  ) {
    this.key = mailbox.key;
    this.resumed = options.resumed;
    this.#mailbox = mailbox;
    this.#cursor = options.cursor;
    this.#head = options.head;
    this.#counters = options.counters;
    this.#overflowFrame = options.overflowFrame;
    this.#signal = options.signal;
    mailbox.subscriptions.add(this);
    this.#counters.subscribers++;
    if (this.#signal?.aborted) {
      this.#close();
    } else {
      this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  /** Whether the subscription has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Frames published to this subscriber and not yet taken. */
  get pendingFrames(): number {
    const mailbox = this.#mailbox;
    if (mailbox === undefined) return 0;
    return Math.max(0, (this.#ending?.drainUntil ?? mailbox.end) - this.#cursor);
  }

  /** Bytes of the frames published to this subscriber and not yet taken. */
  get pendingBytes(): number {
    return this.#mailbox?.bytesFrom(this.#cursor) ?? 0;
  }

  /** Resolves with the next frame, waiting for one if need be; `done` once ended. */
  next(): Promise<IteratorResult<Frame>> {
    // While a next() is parked nothing is available (#wake hands frames out as they come), so
    // a later call simply queues behind it.
    if (this.#waiters.length === 0) {
      const result = this.#take();
      if (result !== undefined) return Promise.resolve(result);
    }
    const waiter = Promise.withResolvers<IteratorResult<Frame>>();
    this.#waiters.push(waiter);
    return waiter.promise;
  }

  /** Ends the subscription at once; a parked `next()` resolves `done`. */
  return(): Promise<IteratorResult<Frame>> {
    this.#close();
    return Promise.resolve(DONE);
  }

  /** This subscription is its own iterator. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Ends the subscription (`await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  /** Ends the subscription (`using`). */
  [Symbol.dispose](): void {
    this.#close();
  }

  /**
   * Ends the subscription with an optional final frame. With `drain`, frames already published
   * are delivered first; later ones are not. The first end wins.
   */
  end(frame?: Frame, options: EndOptions = {}): void {
    if (this.#closed || this.#ending !== undefined) return;
    const drainUntil = options.drain ? this.#mailbox?.end : undefined;
    this.#ending = { frame, drainUntil };
    if (drainUntil === undefined) this.#detach();
    this.#wake();
  }

  /** Queues a keep-alive frame, delivered only if nothing else is waiting. */
  ping(frame: Frame): void {
    if (this.#closed || this.#ending !== undefined) return;
    this.#ping = frame;
    this.#wake();
  }

  /**
   * Called by the mailbox after a frame is added; `start` is its oldest kept sequence number.
   * @internal
   */
  notify(start: number): void {
    if (this.#cursor < start) {
      // Frames this subscriber never read were evicted: it cannot continue without a gap.
      this.#counters.resynced++;
      const frame = this.#ending?.frame ?? this.#overflowFrame;
      this.#ending = undefined;
      this.end(frame);
      return;
    }
    if (this.#waiters.length > 0) this.#wake();
  }

  #take(): IteratorResult<Frame> | undefined {
    const queued = this.#head.shift();
    if (queued !== undefined) return { done: false, value: queued };
    if (this.#closed) return DONE;
    const mailbox = this.#mailbox;
    if (mailbox !== undefined) {
      const limit = this.#ending?.drainUntil ?? mailbox.end;
      if (this.#cursor < limit) {
        const frame = mailbox.frameAt(this.#cursor++);
        if (frame !== undefined) {
          this.#counters.delivered++;
          return { done: false, value: frame };
        }
      }
    }
    if (this.#ending !== undefined) {
      const { frame } = this.#ending;
      this.#finish();
      return frame === undefined ? DONE : { done: false, value: frame };
    }
    const ping = this.#ping;
    if (ping !== undefined) {
      this.#ping = undefined;
      return { done: false, value: ping };
    }
    return undefined;
  }

  #wake(): void {
    while (this.#waiters.length > 0) {
      const result = this.#take();
      if (result === undefined) return;
      this.#waiters.shift()?.resolve(result);
    }
  }

  #detach(): void {
    const mailbox = this.#mailbox;
    if (mailbox === undefined) return;
    this.#mailbox = undefined;
    mailbox.subscriptions.delete(this);
    this.#counters.subscribers--;
  }

  /** Marks the subscription ended and lets go of everything it holds. */
  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ending = undefined;
    this.#ping = undefined;
    this.#head.length = 0;
    this.#detach();
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#signal = undefined;
  }

  /** Ends at once: parked `next()` calls resolve `done`. */
  #close(): void {
    this.#finish();
    this.#wake();
  }
}
