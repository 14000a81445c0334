/**
 * A mailbox: the bounded history of frames addressed to one recipient (a player), shared by all
 * of that recipient's subscriptions.
 *
 * The history is both the `Last-Event-ID` replay window and every subscription's buffer: a
 * subscription is a cursor into it, so a slow reader costs no memory of its own. When the oldest
 * frame is evicted past a cursor, that subscription has fallen too far behind and is ended with
 * `stream.resync`.
 *
 * @module
 */

import type { Frame } from "./frame.ts";
import type { Subscription } from "./subscription.ts";

/** Bounds on one mailbox's history. */
export interface HistoryLimits {
  /** Most frames kept. */
  frames: number;
  /** Most bytes kept (the newest frame is always kept). */
  bytes: number;
}

/** The history of frames addressed to one recipient. Created by the event bus. */
export class Mailbox {
  /** The recipient's key (a player id). */
  readonly key: string;
  /** Topics (rooms) the recipient belongs to. */
  readonly topics: Set<string> = new Set();
  /** Live subscriptions reading this mailbox. */
  readonly subscriptions: Set<Subscription> = new Set();
  readonly #limits: HistoryLimits;
  #frames: (Frame | undefined)[] = [];
  #head = 0;
  #start = 0;
  #bytes = 0;
  #lostUpTo: number;
  #lastId: number;

  /**
   * @param floorId The newest id this recipient can be assumed to have seen in full (ids up to it
   * are not replayable); a resumed client whose `Last-Event-ID` equals it has missed nothing.
   */
  constructor(key: string, limits: HistoryLimits, floorId: number) {
    this.key = key;
    this.#limits = limits;
    this.#lostUpTo = floorId;
    this.#lastId = floorId;
  }

  /** Sequence number of the oldest frame kept. */
  get start(): number {
    return this.#start;
  }

  /** Sequence number the next frame will get. */
  get end(): number {
    return this.#start + this.#frames.length - this.#head;
  }

  /** Bytes of history kept. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The id of the newest frame addressed here (or the floor when none was). */
  get lastId(): number {
    return this.#lastId;
  }

  /** The frame with sequence number `seq`, if still kept. */
  frameAt(seq: number): Frame | undefined {
    if (seq < this.#start) return undefined;
    return this.#frames[this.#head + seq - this.#start];
  }

  /** Appends a frame, evicts what no longer fits, and wakes the subscriptions. */
  push(frame: Frame): void {
    this.#frames.push(frame);
    this.#bytes += frame.bytes.byteLength;
    if (frame.id !== undefined) this.#lastId = frame.id;
    while (
      this.end - this.#start > this.#limits.frames ||
      (this.#bytes > this.#limits.bytes && this.end - this.#start > 1)
    ) {
      this.#evict();
    }
    for (const subscription of this.subscriptions) subscription.notify(this.#start);
  }

  /**
   * Where a client that last saw `lastEventId` resumes: the sequence number of the first frame
   * it missed, or `undefined` when frames it missed are no longer kept (or the id was never
   * given out to this recipient).
   */
  resumePoint(lastEventId: number): number | undefined {
    if (lastEventId < this.#lostUpTo || lastEventId > this.#lastId) return undefined;
    let low = this.#start;
    let high = this.end;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.frameAt(mid)?.id ?? 0) <= lastEventId) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Bytes of the frames from `seq` to the end. */
  bytesFrom(seq: number): number {
    let total = 0;
    for (let i = Math.max(seq, this.#start); i < this.end; i++) {
      total += this.frameAt(i)?.bytes.byteLength ?? 0;
    }
    return total;
  }

  #evict(): void {
    const frame = this.#frames[this.#head];
    if (frame === undefined) return;
    this.#frames[this.#head] = undefined;
    this.#head++;
    this.#start++;
    this.#bytes -= frame.bytes.byteLength;
    if (frame.id !== undefined) this.#lostUpTo = frame.id;
    // Compact once the dead prefix is both large and most of the array.
    if (this.#head >= 256 && this.#head * 2 >= this.#frames.length) {
      this.#frames = this.#frames.slice(this.#head);
      this.#head = 0;
    }
  }
}
