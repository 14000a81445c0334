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
import type { Cursor, Mailbox } from "./mailbox.ts";

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
/** Shared until a subscription first parks a `next()`: most never do (the hub takes frames). */
const NO_WAITERS: readonly PromiseWithResolvers<IteratorResult<Frame>>[] = Object.freeze([]);

interface Ending {
  frame: Frame | undefined;
  drainUntil: Cursor | undefined;
}

/** One subscriber's view of its mailbox. Created by `EventBus.subscribe()`. */
export class Subscription implements AsyncIterableIterator<Frame>, AsyncDisposable, Disposable {
  /** The recipient's key. */
  readonly key: string;
  /** Who opened it (such as a login session), so it can be ended with them. */
  readonly owner: string | undefined;
  /** Whether the subscription resumed from a `Last-Event-ID` (missed frames are replayed). */
  readonly resumed: boolean;
  #mailbox: Mailbox | undefined;
  readonly #cursor: Cursor;
  #head: Frame[] | undefined;
  #ending: Ending | undefined;
  #ping: Frame | undefined;
  #closed = false;
  #waiters = NO_WAITERS as PromiseWithResolvers<IteratorResult<Frame>>[];
  #signal: AbortSignal | undefined;
  /**
   * Called whenever something may have become available to {@linkcode Subscription.take}
   * (a frame, a ping, the end). A push-style reader sets it instead of parking in `next()`.
   */
  onReadable: (() => void) | undefined = undefined;
  readonly #counters: DeliveryCounters;
  readonly #overflowFrame: Frame;

  /**
   * @param cursor Where in the mailbox delivery starts (the subscription owns it from here on).
   * @param head Frames to deliver before any mailbox frame (a `stream.resync`).
   * @param overflowFrame The frame that ends the subscription if it falls behind.
   */
  constructor(
    mailbox: Mailbox,
    options: {
      cursor: Cursor;
      resumed: boolean;
      head: Frame[];
      signal: AbortSignal | undefined;
      counters: DeliveryCounters;
      overflowFrame: Frame;
      owner?: string;
    },
  ) {
    this.key = mailbox.key;
    this.owner = options.owner;
    this.resumed = options.resumed;
    this.#mailbox = mailbox;
    this.#cursor = options.cursor;
    this.#head = options.head.length > 0 ? options.head : undefined;
    this.#counters = options.counters;
    this.#overflowFrame = options.overflowFrame;
    this.#signal = options.signal;
    mailbox.attach(this);
    this.#counters.subscribers++;
    if (this.#signal?.aborted) {
      this.#close();
    } else {
      // The subscription is its own listener object: no closure per subscription.
      this.#signal?.addEventListener("abort", this, { once: true });
    }
  }

  /**
   * Where the subscription is in its mailbox (the mailbox moves it past frames not for it).
   * @internal
   */
  get cursor(): Cursor {
    return this.#cursor;
  }

  /** Whether the subscription has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Whether {@linkcode Subscription.take} would return a frame now, or the end has come. */
  get ready(): boolean {
    if (this.#closed || this.#head !== undefined || this.#ending !== undefined) return true;
    if (this.#ping !== undefined) return true;
    return this.#mailbox?.hasNext(this.#cursor) ?? false;
  }

  /** Frames published to this subscriber and not yet taken. */
  get pendingFrames(): number {
    return this.#mailbox?.pending(this.#cursor, this.#ending?.drainUntil).frames ?? 0;
  }

  /** Bytes of the frames published to this subscriber and not yet taken. */
  get pendingBytes(): number {
    return this.#mailbox?.pending(this.#cursor, this.#ending?.drainUntil).bytes ?? 0;
  }

  /** Resolves with the next frame, waiting for one if need be; `done` once ended. */
  next(): Promise<IteratorResult<Frame>> {
    // While a next() is parked nothing is available (#wake hands frames out as they come), so
    // a later call simply queues behind it.
    if (this.#waiters.length === 0) {
      const frame = this.#takeFrame();
      if (frame !== undefined) return Promise.resolve({ done: false, value: frame });
      if (this.#closed) return Promise.resolve(DONE);
    }
    const waiter = Promise.withResolvers<IteratorResult<Frame>>();
    if (this.#waiters === NO_WAITERS) this.#waiters = [];
    this.#waiters.push(waiter);
    return waiter.promise;
  }

  /**
   * Takes the next frame if one is available now, without waiting: `undefined` when there is
   * none (check {@linkcode Subscription.closed} to tell "not yet" from "never").
   */
  take(): Frame | undefined {
    return this.#waiters.length === 0 ? this.#takeFrame() : undefined;
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

  /** Ends the subscription when its signal aborts (the `EventListener` interface). */
  handleEvent(): void {
    this.#close();
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
    const drainUntil = options.drain ? this.#mailbox?.drainPoint() : undefined;
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
   * Called by the mailbox after a frame is added for this recipient.
   * @internal
   */
  notify(): void {
    // Frames this subscriber never read were evicted: it cannot continue without a gap.
    if (this.#mailbox?.isBehind(this.#cursor)) this.fellBehind();
    else this.#wake();
  }

  /**
   * Ends the subscription as fallen too far behind (frames it had not read are gone): its last
   * frame is `stream.resync`, or the final frame it was already ending with.
   * @internal
   */
  fellBehind(): void {
    if (this.#closed) return;
    this.#counters.resynced++;
    const frame = this.#ending?.frame ?? this.#overflowFrame;
    this.#ending = undefined;
    this.end(frame);
  }

  #takeFrame(): Frame | undefined {
    const head = this.#head;
    if (head !== undefined) {
      const queued = head.shift();
      // Emptied, it must go: `ready` would otherwise say a frame waits, and the event stream
      // would be pulled again and again for nothing (twice per frame delivered).
      if (head.length === 0) this.#head = undefined;
      if (queued !== undefined) return queued;
    }
    if (this.#closed) return undefined;
    const frame = this.#mailbox?.next(this.#cursor, this.#ending?.drainUntil);
    if (frame !== undefined) {
      this.#counters.delivered++;
      return frame;
    }
    if (this.#ending !== undefined) {
      const { frame } = this.#ending;
      this.#finish();
      return frame;
    }
    const ping = this.#ping;
    this.#ping = undefined;
    return ping;
  }

  #wake(): void {
    if (this.#waiters.length === 0) {
      this.onReadable?.();
      return;
    }
    while (this.#waiters.length > 0) {
      const frame = this.#takeFrame();
      if (frame !== undefined) {
        this.#waiters.shift()?.resolve({ done: false, value: frame });
      } else if (this.#closed) {
        for (const waiter of this.#waiters.splice(0)) waiter.resolve(DONE);
      } else {
        return;
      }
    }
  }

  #detach(): void {
    const mailbox = this.#mailbox;
    if (mailbox === undefined) return;
    this.#mailbox = undefined;
    mailbox.detach(this);
    this.#counters.subscribers--;
  }

  /** Marks the subscription ended and lets go of everything it holds. */
  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ending = undefined;
    this.#ping = undefined;
    this.#head = undefined;
    this.#detach();
    this.#signal?.removeEventListener("abort", this);
    this.#signal = undefined;
  }

  /** Ends at once: parked `next()` calls resolve `done`. */
  #close(): void {
    this.#finish();
    this.#wake();
  }
}
