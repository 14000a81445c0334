/**
 * A bounded log of frames in publish order, addressed by sequence number.
 *
 * Each player's mailbox has one for the frames addressed to them; the bus has one shared log for
 * frames addressed to everyone, so a broadcast is stored once however many players receive it.
 *
 * @module
 */

import type { Frame } from "./frame.ts";
import { Ring } from "./ring.ts";

/** Bounds on a log. */
export interface HistoryLimits {
  /** Most frames kept. */
  frames: number;
  /** Most bytes kept (the newest frame is always kept). */
  bytes: number;
  /**
   * Longest a frame is kept, in milliseconds: the history exists to cover a reconnect within
   * the linkdead grace, not to keep a busy room's whole evening.
   */
  ageMs: number;
}

/** Frames in publish order, evicting the oldest to stay within its limits. */
export class FrameLog {
  readonly #limits: HistoryLimits;
  readonly #frames = new Ring<Frame>();
  #bytes = 0;
  #lostUpTo: number;
  #lastId: number;

  /** @param floorId Ids up to this one count as already gone (not replayable). */
  constructor(limits: HistoryLimits, floorId: number) {
    this.#limits = limits;
    this.#lostUpTo = floorId;
    this.#lastId = floorId;
  }

  /** Sequence number of the oldest frame kept. */
  get start(): number {
    return this.#frames.start;
  }

  /** Sequence number the next frame will get. */
  get end(): number {
    return this.#frames.end;
  }

  /** Bytes kept. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The highest id evicted (or the floor): frames up to it cannot be replayed. */
  get lostUpTo(): number {
    return this.#lostUpTo;
  }

  /** The id of the newest frame appended (or the floor). */
  get lastId(): number {
    return this.#lastId;
  }

  /** The frame with sequence number `seq`, if kept. */
  at(seq: number): Frame | undefined {
    return this.#frames.at(seq);
  }

  /**
   * Appends a frame, first evicting the oldest ones it would not fit beside and those older than
   * the age bound (measured from the new frame's publish time).
   */
  push(frame: Frame): void {
    const frames = this.#frames;
    const size = frame.bytes.byteLength;
    const oldestKept = frame.at === undefined ? -Infinity : frame.at - this.#limits.ageMs;
    while (frames.size > 0) {
      const oldest = frames.at(frames.start);
      const full = frames.size >= this.#limits.frames || this.#bytes + size > this.#limits.bytes;
      if (!full && !((oldest?.at ?? Infinity) < oldestKept)) break;
      frames.shift();
      if (oldest === undefined) continue;
      this.#bytes -= oldest.bytes.byteLength;
      if (oldest.id !== undefined) this.#lostUpTo = oldest.id;
    }
    frames.push(frame);
    this.#bytes += size;
    if (frame.id !== undefined) this.#lastId = frame.id;
  }

  /** Sequence number of the first kept frame with an id above `id` (or `end`). */
  firstAfter(id: number): number {
    let low = this.start;
    let high = this.end;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.at(mid)?.id ?? 0) <= id) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
