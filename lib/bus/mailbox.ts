/**
 * A mailbox: what one recipient (a player) is sent, shared by all of their subscriptions.
 *
 * A recipient's frames are those in its own log (addressed to it alone, or to a topic it was in)
 * merged by id with the bus's shared broadcast log from the moment the mailbox opened. Together
 * they are the `Last-Event-ID` replay window and every subscription's buffer: a subscription is a
 * {@linkcode Cursor} into them, so a slow reader costs no memory of its own. When a frame is
 * evicted before a cursor has passed it, that subscription has fallen too far behind.
 *
 * @module
 */

import type { Frame } from "./frame.ts";
import { FrameLog, type HistoryLimits } from "./frame_log.ts";
import type { Subscription } from "./subscription.ts";

export type { HistoryLimits } from "./frame_log.ts";

/** A position in a mailbox: the next sequence number in its own log and in the broadcast log. */
export interface Cursor {
  /** Next sequence number in the mailbox's own log. */
  own: number;
  /** Next sequence number in the shared broadcast log. */
  all: number;
}

/** What one recipient is sent. Created by the event bus. */
export class Mailbox {
  /** The recipient's key (a player id). */
  readonly key: string;
  // Most mailboxes have one subscription and a topic or two: small arrays cost less per player
  // than sets, and players are many.
  #topics: string[] | undefined;
  #subscriptions: Subscription[] = [];
  readonly #own: FrameLog;
  readonly #broadcast: FrameLog;
  /** Where in the broadcast log this mailbox began: earlier broadcasts were not sent to it. */
  readonly #broadcastFrom: number;

  /**
   * @param broadcast The bus's shared log of frames addressed to everyone.
   * @param floorId The newest id this recipient can be assumed to have seen in full; a client
   * resuming from exactly it has missed nothing.
   */
  constructor(key: string, limits: HistoryLimits, broadcast: FrameLog, floorId: number) {
    this.key = key;
    this.#own = new FrameLog(limits, floorId);
    this.#broadcast = broadcast;
    this.#broadcastFrom = broadcast.end;
  }

  /** Topics (rooms) the recipient belongs to. */
  get topics(): readonly string[] {
    return this.#topics ?? [];
  }

  /** Live subscriptions reading this mailbox. */
  get subscriptions(): readonly Subscription[] {
    return this.#subscriptions;
  }

  /** Bytes of the mailbox's own log (broadcasts are counted once, by the bus). */
  get bytes(): number {
    return this.#own.bytes;
  }

  /** The id of the newest frame sent to this recipient (or the floor when none was). */
  get lastId(): number {
    let last = this.#own.lastId;
    const broadcast = this.#broadcast;
    for (
      let seq = broadcast.end - 1;
      seq >= Math.max(broadcast.start, this.#broadcastFrom);
      seq--
    ) {
      const frame = broadcast.at(seq);
      if (frame?.except === this.key) continue;
      if (frame?.id !== undefined && frame.id > last) last = frame.id;
      break;
    }
    return last;
  }

  /** Adds `topic`; returns whether it was new. */
  addTopic(topic: string): boolean {
    this.#topics ??= [];
    if (this.#topics.includes(topic)) return false;
    this.#topics.push(topic);
    return true;
  }

  /** Removes `topic`; returns whether it was there. */
  removeTopic(topic: string): boolean {
    const index = this.#topics?.indexOf(topic) ?? -1;
    if (index === -1) return false;
    this.#topics?.splice(index, 1);
    return true;
  }

  /** Registers a subscription to be woken by new frames. */
  attach(subscription: Subscription): void {
    this.#subscriptions.push(subscription);
  }

  /** Unregisters a subscription. */
  detach(subscription: Subscription): void {
    const index = this.#subscriptions.indexOf(subscription);
    if (index !== -1) this.#subscriptions.splice(index, 1);
  }

  /** Appends a frame addressed to this recipient and wakes the subscriptions. */
  push(frame: Frame): void {
    this.#own.push(frame);
    this.notify();
  }

  /** Wakes the subscriptions: a frame was added here or to the broadcast log. */
  notify(): void {
    // A subscription may detach while being notified (it fell behind), so walk a stable list.
    const subscriptions = this.#subscriptions;
    if (subscriptions.length === 1) subscriptions[0]?.notify();
    else for (const subscription of [...subscriptions]) subscription.notify();
  }

  /** A cursor after everything sent so far: live frames only. */
  cursorAtEnd(): Cursor {
    return { own: this.#own.end, all: this.#broadcast.end };
  }

  /**
   * Where a client that last saw `lastEventId` resumes, or `undefined` when frames it missed are
   * no longer kept (or the id is newer than anything sent to this recipient).
   */
  resumeCursor(lastEventId: number): Cursor | undefined {
    const broadcast = this.#broadcast;
    if (lastEventId > this.lastId || lastEventId < this.#own.lostUpTo) return undefined;
    const broadcastEvicted = broadcast.start > this.#broadcastFrom;
    if (broadcastEvicted && lastEventId < broadcast.lostUpTo) return undefined;
    return {
      own: this.#own.firstAfter(lastEventId),
      all: Math.max(this.#broadcastFrom, broadcast.firstAfter(lastEventId)),
    };
  }

  /** Whether frames at or after `cursor` have been evicted: the reader fell too far behind. */
  isBehind(cursor: Cursor): boolean {
    return cursor.own < this.#own.start || cursor.all < this.#broadcast.start;
  }

  /**
   * Takes the next frame for this recipient at `cursor` (advancing it), stopping at `until`:
   * the older of the two logs' next frames, skipping broadcasts that excepted this recipient.
   */
  next(cursor: Cursor, until?: Cursor): Frame | undefined {
    const own = cursor.own < (until?.own ?? this.#own.end) ? this.#own.at(cursor.own) : undefined;
    const allEnd = until?.all ?? this.#broadcast.end;
    let broadcast: Frame | undefined;
    while (cursor.all < allEnd) {
      broadcast = this.#broadcast.at(cursor.all);
      if (broadcast?.except !== this.key) break;
      broadcast = undefined;
      cursor.all++;
    }
    if (broadcast === undefined && own === undefined) return undefined;
    if (broadcast === undefined || (own !== undefined && (own.id ?? 0) < (broadcast.id ?? 0))) {
      cursor.own++;
      return own;
    }
    cursor.all++;
    return broadcast;
  }

  /** Whether a frame for this recipient is waiting at `cursor` (before `until`). */
  hasNext(cursor: Cursor, until?: Cursor): boolean {
    if (cursor.own < (until?.own ?? this.#own.end)) return true;
    const allEnd = until?.all ?? this.#broadcast.end;
    for (let seq = cursor.all; seq < allEnd; seq++) {
      if (this.#broadcast.at(seq)?.except !== this.key) return true;
    }
    return false;
  }

  /** Frames and bytes from `cursor` to `until` (or the end). */
  pending(cursor: Cursor, until?: Cursor): { frames: number; bytes: number } {
    let frames = 0;
    let bytes = 0;
    const ownEnd = until?.own ?? this.#own.end;
    for (let seq = cursor.own; seq < ownEnd; seq++) {
      frames++;
      bytes += this.#own.at(seq)?.bytes.byteLength ?? 0;
    }
    const allEnd = until?.all ?? this.#broadcast.end;
    for (let seq = cursor.all; seq < allEnd; seq++) {
      const frame = this.#broadcast.at(seq);
      if (frame === undefined || frame.except === this.key) continue;
      frames++;
      bytes += frame.bytes.byteLength;
    }
    return { frames, bytes };
  }
}
