/**
 * The SSE hub: turns subscriptions into streaming responses and keeps track of every open stream.
 *
 * Each response body is an {@linkcode EventStream} fed from its subscription only while it has
 * demand, so a slow client leaves frames in its mailbox (bounded), not in a queue of its own.
 * One ticker pings idle streams and ends stalled ones; no stream owns a timer.
 * A gone client is noticed through the body's `cancel()` (Deno calls it when the connection
 * closes), never through `request.signal`, which also aborts after a normal end.
 *
 * @module
 */

import { streamFrame } from "../bus/frame.ts";
import type { Subscription } from "../bus/subscription.ts";
import { Deadline } from "../lifecycle/deadline.ts";
import { every } from "../lifecycle/ticker.ts";
import { DEFAULTS } from "../config.ts";
import { errorFields, type Logger, silentLogger } from "../log.ts";
import { EventStream, type StreamEndReason } from "./event_stream.ts";
import { encodeFrame } from "../sse_format.ts";

export type { StreamEndReason } from "./event_stream.ts";

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

const PING = streamFrame({ type: "stream.ping", data: {} });

/** Headers of every event stream. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-store",
  "x-accel-buffering": "no",
};

/** Tracks open event streams: heartbeats, stall detection, and ending them all at shutdown. */
export class SseHub {
  readonly #streams = new Set<EventStream>();
  readonly #onEnd = new Map<EventStream, (reason: StreamEndReason) => void>();
  readonly #endHandler = (stream: EventStream, reason: StreamEndReason) =>
    this.#ended(stream, reason);
  readonly #heartbeatMs: number;
  readonly #stallTimeoutMs: number;
  readonly #helloRetryMs: number;
  readonly #shutdownRetry: { min: number; max: number };
  readonly #drainMs: number;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #endCounts: Record<StreamEndReason, number> = {
    completed: 0,
    disconnected: 0,
    stalled: 0,
    forced: 0,
  };
  #opened = 0;
  #pings = 0;
  #closing = false;
  /** Resolved when the last stream ends while shutdown waits for them. */
  #drained: PromiseWithResolvers<void> | undefined;

  /** Creates a hub with no streams. */
  constructor(options: SseHubOptions = {}) {
    this.#heartbeatMs = options.heartbeatMs ?? DEFAULTS.heartbeatMs;
    this.#stallTimeoutMs = options.stallTimeoutMs ?? DEFAULTS.stallTimeoutMs;
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

  /**
   * Builds the streaming response for a subscription. The first frame is `stream.hello` with a
   * `retry:` hint; the stream ends when the subscription does.
   *
   * @throws {Error} once shutdown has begun.
   */
  open(subscription: Subscription, options: StreamOptions): Response {
    if (this.#closing) throw new Error("The server is shutting down");
    const hello = encodeFrame({
      retry: this.#helloRetryMs,
      event: "stream.hello",
      data: JSON.stringify({
        player: options.player,
        resumed: subscription.resumed,
        heartbeatMs: this.#heartbeatMs,
      }),
    });
    const stream = new EventStream(subscription, hello, this.#now(), this.#endHandler);
    if (options.onEnd !== undefined) this.#onEnd.set(stream, options.onEnd);
    this.#streams.add(stream);
    this.#opened++;
    const body = new ReadableStream<Uint8Array>(stream, { highWaterMark: 1 });
    return new Response(body, { headers: SSE_HEADERS });
  }

  /**
   * One heartbeat: pings streams that have been quiet for about a heartbeat, and ends streams
   * that have had no demand and made no progress for the stall timeout. Progress is counted per
   * chunk and judged here, once per tick, so delivery itself reads no clock.
   */
  tick(): void {
    const now = this.#now();
    const quietEnough = this.#heartbeatMs - this.tickMs / 2;
    for (const stream of this.#streams) {
      const progressed = stream.written !== stream.writtenAtTick;
      stream.writtenAtTick = stream.written;
      if (progressed) stream.activeAt = now;
      const demand = stream.hasDemand;
      if (demand || progressed) {
        stream.blockedSince = undefined;
      } else {
        stream.blockedSince ??= now;
        if (now - stream.blockedSince >= this.#stallTimeoutMs) {
          this.#logger.warn("event stream stalled; ending it", {
            key: stream.key,
            blockedMs: Math.round(now - stream.blockedSince),
          });
          stream.abort("stalled");
          continue;
        }
      }
      if (demand && now - stream.activeAt >= quietEnough) {
        this.#pings++;
        stream.subscription.ping(PING);
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
    if (streams.some((stream) => !stream.ended)) {
      this.#drained = Promise.withResolvers<void>();
      using drain = new Deadline(this.#drainMs);
      await drain.race(this.#drained.promise);
      this.#drained = undefined;
    }
    let streamsForced = 0;
    for (const stream of streams) {
      if (stream.ended) continue;
      stream.abort("forced");
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
      ended: { ...this.#endCounts },
      pings: this.#pings,
    };
  }

  #ended(stream: EventStream, reason: StreamEndReason): void {
    this.#streams.delete(stream);
    this.#endCounts[reason]++;
    if (this.#streams.size === 0) this.#drained?.resolve();
    const onEnd = this.#onEnd.get(stream);
    if (onEnd === undefined) return;
    this.#onEnd.delete(stream);
    try {
      onEnd(reason);
    } catch (error) {
      this.#logger.error("stream end callback failed", {
        key: stream.key,
        error: errorFields(error),
      });
    }
  }
}
