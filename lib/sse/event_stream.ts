/**
 * One event stream: the source of a `text/event-stream` response body, fed from a subscription.
 *
 * The body holds at most one chunk (a high-water mark of one) besides the one Deno is writing,
 * and frames are handed over only while it has room (`desiredSize > 0`); the rest wait in the
 * player's mailbox, which is bounded. So a client that reads slowly costs no memory here, and
 * backpressure reaches the mailbox cursor.
 *
 * Frames arrive through the subscription's `onReadable`, synchronously, with no promise per
 * frame. `pull()` matters only when frames are waiting: while nothing is, the promise it returns
 * stays pending, so Deno does not call it again for every chunk written (each call costs an
 * allocation inside Deno's streams); as soon as frames wait for room, that promise is settled and
 * Deno pulls each time it takes a chunk, until they have drained.
 *
 * @module
 */

import type { Subscription } from "../bus/subscription.ts";

/** Why a stream ended. */
export type StreamEndReason = "completed" | "disconnected" | "stalled" | "forced";

/** Returned by `pull()` while frames wait: pull again as soon as there is room. */
const PULL_AGAIN: Promise<void> = Promise.resolve();

/** Called once when a stream ends. */
export type StreamEndHandler = (stream: EventStream, reason: StreamEndReason) => void;

/** The body source of one event stream. Created by the SSE hub. */
export class EventStream implements UnderlyingDefaultSource<Uint8Array> {
  /** The recipient's key. */
  readonly key: string;
  /** Where frames come from. */
  readonly subscription: Subscription;
  /** Chunks handed to the body so far. */
  written = 0;
  /** `written` when the hub last looked: unchanged means no progress since. */
  writtenAtTick = 0;
  /** When (by the hub's clock) a chunk was last handed over. */
  activeAt: number;
  /** Since when (by the hub's clock) the body has had no room and made no progress. */
  blockedSince: number | undefined = undefined;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #hello: Uint8Array | undefined;
  /** Settles the pending `pull()` promise: Deno may pull again. */
  #resumePull: (() => void) | undefined;
  #ended = false;
  readonly #onEnd: StreamEndHandler;

  /**
   * @param hello The first chunk (`stream.hello`).
   * @param now The hub's clock reading at creation.
   */
  constructor(subscription: Subscription, hello: Uint8Array, now: number, onEnd: StreamEndHandler) {
    this.key = subscription.key;
    this.subscription = subscription;
    this.activeAt = now;
    this.#hello = hello;
    this.#onEnd = onEnd;
  }

  /** Whether the stream has ended. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Whether the body has room for a chunk (everything handed over so far is being written). */
  get hasDemand(): boolean {
    return (this.#controller?.desiredSize ?? 0) > 0;
  }

  /** Sends `stream.hello` and starts listening to the subscription. */
  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#controller = controller;
    if (this.#hello !== undefined) controller.enqueue(this.#hello);
    this.#hello = undefined;
    this.subscription.onReadable = () => this.flush();
  }

  /** Deno has taken a chunk and has room for another. */
  pull(): Promise<void> {
    this.flush();
    if (this.#ended || this.subscription.ready) return PULL_AGAIN;
    const parked = Promise.withResolvers<void>();
    this.#resumePull = parked.resolve;
    return parked.promise;
  }

  /** The client went away. */
  cancel(): void {
    this.#end("disconnected");
  }

  /**
   * Hands frames to the body while it has room; closes it once the subscription has ended. When
   * frames are left waiting for room, lets Deno pull again.
   */
  flush(): void {
    const controller = this.#controller;
    if (controller === undefined) return;
    try {
      while ((controller.desiredSize ?? 0) > 0) {
        const frame = this.subscription.take();
        if (frame === undefined) {
          if (this.subscription.closed) {
            this.#end("completed");
            controller.close();
          }
          return;
        }
        controller.enqueue(frame.bytes);
        this.written++;
      }
      if (this.#resumePull !== undefined && this.subscription.ready) this.#wakePull();
    } catch {
      // The body was closed under us (the client went between two checks).
      this.#end("disconnected");
    }
  }

  /** Ends a stream whose client cannot take more: erroring the body closes the connection. */
  abort(reason: "stalled" | "forced"): void {
    const controller = this.#controller;
    this.#end(reason);
    try {
      controller?.error(new Error(`Event stream ${reason}`));
    } catch {
      // Already closed or errored.
    }
  }

  #wakePull(): void {
    const resume = this.#resumePull;
    this.#resumePull = undefined;
    resume?.();
  }

  #end(reason: StreamEndReason): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#controller = undefined;
    this.#wakePull();
    this.subscription.onReadable = undefined;
    this.subscription[Symbol.dispose]();
    this.#onEnd(this, reason);
  }
}
