/**
 * The SSE hub: turns subscriptions into streaming responses and keeps track of every open stream.
 *
 * Each response body is a `ReadableStream` *pulled* from its subscription, so a client that reads
 * slowly leaves frames in its mailbox (bounded) instead of in a queue of its own. One ticker pings
 * idle streams and ends stalled ones; no stream owns a timer. A gone client is noticed through
 * the body's `cancel()` (Deno calls it when the connection closes), never through
 * `request.signal`, which also aborts after a normal end.
 *
 * @module
 */

import type { Frame } from "../bus/frame.ts";
import { streamFrame } from "../bus/frame.ts";
import type { Subscription } from "../bus/subscription.ts";
import { Deadline } from "../lifecycle/deadline.ts";
import { every } from "../lifecycle/ticker.ts";
import { type Logger, silentLogger } from "../log.ts";

/** Why a stream ended. */
export type StreamEndReason = "completed" | "disconnected" | "stalled" | "forced";

/** Options for {@linkcode SseHub}. */
export interface SseHubOptions {
  /** Idle streams get a `stream.ping` this often (milliseconds); default 15000. */
  heartbeatMs?: number;
  /** A stream that cannot write for this long is ended (milliseconds); default 30000. */
  stallTimeoutMs?: number;
  /** The `retry:` hint sent with `stream.hello` (milliseconds); default 2000. */
  helloRetryMs?: number;
  /** `stream.shutdown` tells clients to come back after a random delay in this range. */
  shutdownRetryMs?: { min: number; max: number };
  /** How long shutdown waits for streams to drain before closing them hard; default 1000. */
  drainMs?: number;
  /** Where stream trouble is logged. */
  logger?: Logger;
  /** Clock in milliseconds; tests may replace it. */
  now?: () => number;
  /** Random number in [0, 1) for the jitter; tests may replace it. */
  random?: () => number;
}

/** Options for one stream. */
export interface StreamOptions {
  /** The player name `stream.hello` carries. */
  player: string;
  /** Called once when the stream ends, with why. */
  onEnd?: (reason: StreamEndReason) => void;
}

/** Hub figures for `/admin/status` and `/metrics`. */
export interface HubStats {
  /** Streams open now. */
  open: number;
  /** Streams opened since start. */
  opened: number;
  /** Streams ended since start, by reason. */
  ended: Record<StreamEndReason, number>;
  /** `stream.ping` frames queued. */
  pings: number;
}

/** An open stream, as the hub tracks it. */
interface OpenStream {
  readonly key: string;
  readonly subscription: Subscription;
  readonly done: PromiseWithResolvers<void>;
  readonly onEnd: ((reason: StreamEndReason) => void) | undefined;
  controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  /** True while the body waits on the subscription: the last chunk has been written. */
  waiting: boolean;
  lastWriteAt: number;
  ended: boolean;
}

const PING = streamFrame({ type: "stream.ping", data: {} });

/** Headers of every event stream. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-store",
  "x-accel-buffering": "no",
};

/** Tracks open event streams: heartbeats, stall detection, and ending them all at shutdown. */
export class SseHub {
  readonly #streams = new Set<OpenStream>();
  readonly #byKey = new Map<string, Set<OpenStream>>();
  readonly #heartbeatMs: number;
  readonly #stallTimeoutMs: number;
  readonly #helloRetryMs: number;
  readonly #shutdownRetry: { min: number; max: number };
  readonly #drainMs: number;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #ended: Record<StreamEndReason, number> = {
    completed: 0,
    disconnected: 0,
    stalled: 0,
    forced: 0,
  };
  #opened = 0;
  #pings = 0;
  #closing = false;

  /** Creates a hub with no streams. */
  constructor(options: SseHubOptions = {}) {
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
    this.#helloRetryMs = options.helloRetryMs ?? 2000;
    this.#shutdownRetry = options.shutdownRetryMs ?? { min: 1000, max: 5000 };
    this.#drainMs = options.drainMs ?? 1000;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? (() => performance.now());
    this.#random = options.random ?? Math.random;
  }

  /** How often {@linkcode SseHub.run} ticks: often enough for both pings and stall checks. */
  get tickMs(): number {
    return Math.max(1, Math.min(this.#heartbeatMs, Math.floor(this.#stallTimeoutMs / 3)));
  }

  /** Whether shutdown has begun ending streams; no new stream is accepted then. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Streams open for `key`, oldest first. */
  streamsOf(key: string): number {
    return this.#byKey.get(key)?.size ?? 0;
  }

  /**
   * Ends the oldest stream of `key` with `frame` (after which the client should not reconnect
   * on its own, as with `stream.superseded`).
   */
  endOldest(key: string, frame: Frame): void {
    const [oldest] = this.#byKey.get(key) ?? [];
    oldest?.subscription.end(frame);
  }

  /**
   * Builds the streaming response for a subscription. The first frame is `stream.hello` with a
   * `retry:` hint; the stream ends when the subscription does.
   *
   * @throws {Error} once shutdown has begun.
   */
  open(subscription: Subscription, options: StreamOptions): Response {
    if (this.#closing) throw new Error("The server is shutting down");
    const stream: OpenStream = {
      key: subscription.key,
      subscription,
      done: Promise.withResolvers<void>(),
      onEnd: options.onEnd,
      controller: undefined,
      waiting: false,
      lastWriteAt: this.#now(),
      ended: false,
    };
    const hello = streamFrame(
      { type: "stream.hello", data: { player: options.player, resumed: subscription.resumed } },
      this.#helloRetryMs,
    );
    this.#streams.add(stream);
    const siblings = this.#byKey.get(stream.key) ?? new Set();
    siblings.add(stream);
    this.#byKey.set(stream.key, siblings);
    this.#opened++;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        stream.controller = controller;
        controller.enqueue(hello.bytes);
      },
      pull: async (controller) => {
        stream.waiting = true;
        const result = await subscription.next();
        stream.waiting = false;
        if (stream.ended) return;
        if (result.done) {
          this.#finish(stream, "completed");
          controller.close();
          return;
        }
        controller.enqueue(result.value.bytes);
        stream.lastWriteAt = this.#now();
      },
      cancel: () => this.#finish(stream, "disconnected"),
    }, { highWaterMark: 0 });
    return new Response(body, { headers: SSE_HEADERS });
  }

  /**
   * One heartbeat: pings streams that have been quiet for about a heartbeat, and ends streams
   * that have not been able to write for the stall timeout.
   */
  tick(): void {
    const now = this.#now();
    const quietEnough = this.#heartbeatMs - this.tickMs / 2;
    for (const stream of this.#streams) {
      const idle = now - stream.lastWriteAt;
      if (!stream.waiting && idle >= this.#stallTimeoutMs) {
        this.#logger.warn("event stream stalled; ending it", { key: stream.key, idleMs: idle });
        this.#abort(stream, "stalled");
      } else if (stream.waiting && idle >= quietEnough) {
        stream.subscription.ping(PING);
        this.#pings++;
      }
    }
  }

  /** The heartbeat loop, run as one supervised task until `signal` aborts. */
  run(signal: AbortSignal): Promise<void> {
    return every(this.tickMs, () => this.tick(), { signal });
  }

  /**
   * Ends every stream for shutdown: each gets the frames already published to it, then
   * `stream.shutdown` with a jittered `retry:`, then a clean end. Streams that have not drained
   * within the drain time are closed hard. No stream is accepted afterwards.
   */
  async closeAll(reason = "server restarting"): Promise<{
    streamsClosed: number;
    streamsForced: number;
  }> {
    this.#closing = true;
    const streams = [...this.#streams];
    const { min, max } = this.#shutdownRetry;
    for (const stream of streams) {
      const retryMs = Math.round(min + this.#random() * (max - min));
      stream.subscription.end(
        streamFrame({ type: "stream.shutdown", data: { reason, retryMs } }, retryMs),
        { drain: true },
      );
    }
    using drain = new Deadline(this.#drainMs);
    await drain.race(Promise.all(streams.map((stream) => stream.done.promise)));
    let streamsForced = 0;
    for (const stream of streams) {
      if (stream.ended) continue;
      this.#abort(stream, "forced");
      streamsForced++;
    }
    if (streamsForced > 0) {
      this.#logger.warn("event streams did not drain in time; closed them", { streamsForced });
    }
    return { streamsClosed: streams.length - streamsForced, streamsForced };
  }

  /** Current figures. */
  stats(): HubStats {
    return {
      open: this.#streams.size,
      opened: this.#opened,
      ended: { ...this.#ended },
      pings: this.#pings,
    };
  }

  /** Ends a stream whose client cannot take more: the connection is closed. */
  #abort(stream: OpenStream, reason: StreamEndReason): void {
    const controller = stream.controller;
    this.#finish(stream, reason);
    try {
      controller?.error(new Error(`Event stream ${reason}`));
    } catch {
      // Already closed or errored: nothing left to end.
    }
  }

  #finish(stream: OpenStream, reason: StreamEndReason): void {
    if (stream.ended) return;
    stream.ended = true;
    stream.controller = undefined;
    stream.subscription[Symbol.dispose]();
    this.#streams.delete(stream);
    const siblings = this.#byKey.get(stream.key);
    siblings?.delete(stream);
    if (siblings?.size === 0) this.#byKey.delete(stream.key);
    this.#ended[reason]++;
    stream.done.resolve();
    try {
      stream.onEnd?.(reason);
    } catch (error) {
      this.#logger.error("stream end callback failed", { key: stream.key, error });
    }
  }
}
