/**
 * One event stream: the source of a `text/event-stream` response body, fed from a subscription.
 *
 * The body has a high-water mark of zero: it holds no chunk of its own. `pull()` runs when Deno
 * has written the previous chunk and reads again; that read is the demand. If a frame is waiting
 * it is handed over at once; if not, the demand stays open and the next frame published is
 * handed over from `onReadable`, with no promise in between. A client that reads slowly therefore
 * leaves frames in its mailbox (bounded) rather than in a queue here.
 *
 * @module
 */

import type { Subscription } from "../bus/subscription.ts";

/** Why a stream ended. */
export type StreamEndReason = "completed" | "disconnected" | "stalled" | "forced";

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
  /** Since when (by the hub's clock) the body has had no demand and made no progress. */
  blockedSince: number | undefined = undefined;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #hello: Uint8Array | undefined;
  /** A read is waiting for a chunk. */
  #demand = false;
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

  /** Whether the body is waiting for a chunk (its last one has been written). */
  get hasDemand(): boolean {
    return this.#demand;
  }

  /** Sends `stream.hello` and starts listening to the subscription. */
  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#controller = controller;
    if (this.#hello !== undefined) controller.enqueue(this.#hello);
    this.#hello = undefined;
    this.subscription.onReadable = () => this.flush();
  }

  /** Deno wants the next chunk. */
  pull(): void {
    this.#demand = true;
    this.flush();
  }

  /** The client went away. */
  cancel(): void {
    this.#end("disconnected");
  }

  /** Hands a frame to a waiting read; closes the body once the subscription has ended. */
  flush(): void {
    const controller = this.#controller;
    if (controller === undefined || !this.#demand) return;
    try {
      const frame = this.subscription.take();
      if (frame !== undefined) {
        this.#demand = false;
        controller.enqueue(frame.bytes);
        this.written++;
      } else if (this.subscription.closed) {
        this.#end("completed");
        controller.close();
      }
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

  #end(reason: StreamEndReason): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#controller = undefined;
    this.subscription.onReadable = undefined;
    this.subscription[Symbol.dispose]();
    this.#onEnd(this, reason);
  }
}
