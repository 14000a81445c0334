/**
 * A mailbox: what one recipient (a player) is sent, shared by all of their subscriptions.
 *
 * A recipient's frames are those in its own log (addressed to it alone, or to a list of players),
 * merged by id with the bus's shared broadcast log from the moment the mailbox opened and with the
 * stretch of each topic's shared log (a room's) from when it joined the topic to when it left. A
 * frame is stored once however many receive it. Together they are the `Last-Event-ID` replay
 * window and every subscription's buffer: a subscription is a {@linkcode Cursor} into them, so a
 * slow reader costs no memory of its own. When a frame is evicted before a cursor has passed it,
 * that subscription has fallen too far behind.
 *
 * @module
 */

import type { Frame } from "./frame.ts";
import { FrameLog, type HistoryLimits } from "./frame_log.ts";
import type { Subscription } from "./subscription.ts";

export type { HistoryLimits } from "./frame_log.ts";

/**
 * A mailbox's stretch of a topic's shared log: the frames published to the topic while the
 * recipient was in it.
 */
export interface Membership {
  /** The topic (a room). */
  readonly topic: string;
  /** The topic's log, shared by everyone in it. */
  readonly log: FrameLog;
  /** Sequence number in `log` of the first frame published after joining. */
  readonly from: number;
  /** Sequence number in `log` after the last frame published before leaving (while in it: none). */
  until: number | undefined;
  /** The topic's newest id when the recipient left: the stretch's frames are no newer. */
  untilId: number | undefined;
}

/** A cursor's place in one topic stretch. */
export interface TopicPosition {
  /** The stretch. */
  readonly membership: Membership;
  /** Next sequence number in its log. */
  at: number;
}

/** A position in a mailbox: the next sequence number in each of the logs it merges. */
export interface Cursor {
  /** Next sequence number in the mailbox's own log. */
  own: number;
  /** Next sequence number in the shared broadcast log. */
  all: number;
  /**
   * Where it is in each topic stretch it has not finished (a stretch not listed holds nothing
   * more for it). A reader caught up in one room has one entry, however many rooms it walked
   * through: every frame it is handed looks at these alone.
   */
  topics: TopicPosition[];
}

/** `cursor`'s entry for `membership`, if it has one. */
function positionIn(cursor: Cursor, membership: Membership): TopicPosition | undefined {
  for (const position of cursor.topics) if (position.membership === membership) return position;
  return undefined;
}

/**
 * Topics left that a mailbox keeps for replay and slow readers; leaving one more drops the
 * oldest (a reconnect from before it resyncs). A player walks through a room in a few commands,
 * so this covers more than a reconnect's worth of walking.
 */
const PAST_TOPICS_KEPT = 8;

/** What one recipient is sent. Created by the event bus. */
export class Mailbox {
  /** The recipient's key (a player id). */
  readonly key: string;
  // Most mailboxes have one subscription and a topic or two: small arrays cost less per player
  // than sets, and players are many.
  #memberships: Membership[] = [];
  #subscriptions: Subscription[] = [];
  readonly #own: FrameLog;
  readonly #broadcast: FrameLog;
  /** Where in the broadcast log this mailbox began: earlier broadcasts were not sent to it. */
  readonly #broadcastFrom: number;
  /** The newest id of a topic stretch no longer kept: a resume from before it resyncs. */
  #forgottenUpTo: number;
  /**
   * The newest id sent to this recipient through a shared log, whether or not that log still
   * keeps it (a room's log may evict a frame before the recipient's own would have).
   */
  #sharedLastId: number;

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
    this.#forgottenUpTo = floorId;
    this.#sharedLastId = floorId;
  }

  /** Topics (rooms) the recipient belongs to. */
  get topics(): readonly string[] {
    const topics: string[] = [];
    for (const membership of this.#memberships) {
      if (membership.until === undefined) topics.push(membership.topic);
    }
    return topics;
  }

  /** Live subscriptions reading this mailbox. */
  get subscriptions(): readonly Subscription[] {
    return this.#subscriptions;
  }

  /** Bytes of the mailbox's own log (broadcasts and topics are counted once, by the bus). */
  get bytes(): number {
    return this.#own.bytes;
  }

  /** The id of the newest frame sent to this recipient (or the floor when none was). */
  get lastId(): number {
    return Math.max(this.#own.lastId, this.#sharedLastId);
  }

  /** Joins `topic`, whose shared log is `log`; returns whether it was new. */
  addTopic(topic: string, log: FrameLog): boolean {
    if (this.#current(topic) !== undefined) return false;
    const membership: Membership = {
      topic,
      log,
      from: log.end,
      until: undefined,
      untilId: undefined,
    };
    this.#memberships.push(membership);
    for (const subscription of this.#subscriptions) {
      subscription.cursor.topics.push({ membership, at: membership.from });
    }
    return true;
  }

  /**
   * Leaves `topic`; returns whether it was there. Its stretch is kept for replay and for readers
   * that have not reached its end, up to {@linkcode PAST_TOPICS_KEPT} stretches.
   */
  removeTopic(topic: string): boolean {
    const membership = this.#current(topic);
    if (membership === undefined) return false;
    membership.until = membership.log.end;
    membership.untilId = membership.log.lastId;
    this.#dropPast();
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
    this.#wake();
  }

  /** Wakes the subscriptions: the frame with id `id` was added to the broadcast log or a topic's. */
  notify(id: number): void {
    this.#sharedLastId = id;
    this.#wake();
  }

  #wake(): void {
    // A subscription may detach while being notified (it fell behind), so walk a stable list.
    const subscriptions = this.#subscriptions;
    if (subscriptions.length === 1) subscriptions[0]?.notify();
    else for (const subscription of [...subscriptions]) subscription.notify();
  }

  /** A cursor after everything sent so far: live frames only. */
  cursorAtEnd(): Cursor {
    const topics: TopicPosition[] = [];
    for (const membership of this.#memberships) {
      if (membership.until === undefined) topics.push({ membership, at: membership.log.end });
    }
    return { own: this.#own.end, all: this.#broadcast.end, topics };
  }

  /**
   * The point up to which a draining subscription delivers: everything sent so far, in every
   * stretch kept (a stretch begun later is not listed: nothing of it is drained).
   */
  drainPoint(): Cursor {
    const topics: TopicPosition[] = [];
    for (const membership of this.#memberships) {
      topics.push({ membership, at: this.#end(membership) });
    }
    return { own: this.#own.end, all: this.#broadcast.end, topics };
  }

  /**
   * Where a client that last saw `lastEventId` resumes, or `undefined` when frames it missed are
   * no longer kept (or the id is newer than anything sent to this recipient).
   */
  resumeCursor(lastEventId: number): Cursor | undefined {
    const broadcast = this.#broadcast;
    if (lastEventId > this.lastId || lastEventId < this.#own.lostUpTo) return undefined;
    if (lastEventId < this.#forgottenUpTo) return undefined;
    const broadcastEvicted = broadcast.start > this.#broadcastFrom;
    if (broadcastEvicted && lastEventId < broadcast.lostUpTo) return undefined;
    const topics: TopicPosition[] = [];
    for (const membership of this.#memberships) {
      const { log, from } = membership;
      // Frames of the stretch were evicted: resumable only from after the newest of them.
      const lost = this.#lostOf(membership);
      if (lost !== undefined && lastEventId < lost) return undefined;
      const at = Math.min(Math.max(from, log.firstAfter(lastEventId)), this.#end(membership));
      if (membership.until === undefined || at < membership.until) topics.push({ membership, at });
    }
    return {
      own: this.#own.firstAfter(lastEventId),
      all: Math.max(this.#broadcastFrom, broadcast.firstAfter(lastEventId)),
      topics,
    };
  }

  /** Whether frames at or after `cursor` have been evicted: the reader fell too far behind. */
  isBehind(cursor: Cursor): boolean {
    if (cursor.own < this.#own.start || cursor.all < this.#broadcast.start) return true;
    for (const { membership, at } of cursor.topics) {
      if (at < membership.log.start && at < this.#end(membership)) return true;
    }
    return false;
  }

  /**
   * Takes the next frame for this recipient at `cursor` (advancing it), stopping at `until`:
   * the oldest of the logs' next frames, skipping shared frames that excepted this recipient.
   */
  next(cursor: Cursor, until?: Cursor): Frame | undefined {
    const own = cursor.own < (until?.own ?? this.#own.end) ? this.#own.at(cursor.own) : undefined;
    let best = own;
    let source: TopicPosition | "own" | "all" | undefined = own === undefined ? undefined : "own";
    const allEnd = until?.all ?? this.#broadcast.end;
    while (cursor.all < allEnd) {
      const broadcast = this.#broadcast.at(cursor.all);
      if (broadcast?.except !== this.key) {
        if (
          broadcast !== undefined && (best === undefined || (broadcast.id ?? 0) < (best.id ?? 0))
        ) {
          best = broadcast;
          source = "all";
        }
        break;
      }
      cursor.all++;
    }
    let finished = false;
    for (const position of cursor.topics) {
      const { membership } = position;
      const end = this.#limit(membership, until);
      while (position.at < end) {
        const frame = membership.log.at(position.at);
        // An evicted frame (the reader fell behind) stops the stretch here, as it does the others.
        if (frame === undefined) break;
        if (frame.except !== this.key) {
          if (best === undefined || (frame.id ?? 0) < (best.id ?? 0)) {
            best = frame;
            source = position;
          }
          break;
        }
        position.at++;
      }
      if (membership.until !== undefined && position.at >= membership.until) finished = true;
    }
    if (source === "own") cursor.own++;
    else if (source === "all") cursor.all++;
    else if (source !== undefined) {
      source.at++;
      const left = source.membership.until;
      if (left !== undefined && source.at >= left) finished = true;
    }
    // A stretch of a room left and read to its end holds nothing more for this reader.
    if (finished) {
      cursor.topics = cursor.topics.filter(({ membership, at }) =>
        membership.until === undefined || at < membership.until
      );
    }
    return best;
  }

  /** Whether a frame for this recipient is waiting at `cursor` (before `until`). */
  hasNext(cursor: Cursor, until?: Cursor): boolean {
    if (cursor.own < (until?.own ?? this.#own.end)) return true;
    const allEnd = until?.all ?? this.#broadcast.end;
    for (let seq = cursor.all; seq < allEnd; seq++) {
      if (this.#broadcast.at(seq)?.except !== this.key) return true;
    }
    for (const { membership, at } of cursor.topics) {
      const end = this.#limit(membership, until);
      for (let seq = at; seq < end; seq++) {
        if (membership.log.at(seq)?.except !== this.key) return true;
      }
    }
    return false;
  }

  /** Frames and bytes from `cursor` to `until` (or the end). */
  pending(cursor: Cursor, until?: Cursor): { frames: number; bytes: number } {
    let frames = 0;
    let bytes = 0;
    const count = (log: FrameLog, from: number, end: number) => {
      for (let seq = from; seq < end; seq++) {
        const frame = log.at(seq);
        if (frame === undefined || frame.except === this.key) continue;
        frames++;
        bytes += frame.bytes.byteLength;
      }
    };
    count(this.#own, cursor.own, until?.own ?? this.#own.end);
    count(this.#broadcast, cursor.all, until?.all ?? this.#broadcast.end);
    for (const { membership, at } of cursor.topics) {
      count(membership.log, at, this.#limit(membership, until));
    }
    return { frames, bytes };
  }

  /** The membership of `topic` the recipient is in now, if any. */
  #current(topic: string): Membership | undefined {
    return this.#memberships.find((m) => m.topic === topic && m.until === undefined);
  }

  /** Sequence number after the stretch's last frame (so far, while still in the topic). */
  #end(membership: Membership): number {
    return membership.until ?? membership.log.end;
  }

  /** Where reading the stretch stops: its end, or `until`'s position in it when earlier. */
  #limit(membership: Membership, until: Cursor | undefined): number {
    const end = this.#end(membership);
    if (until === undefined) return end;
    // A stretch begun after the drain point holds nothing to drain.
    return Math.min(end, positionIn(until, membership)?.at ?? membership.from);
  }

  /** The id of the newest frame for this recipient in `log` from `start` to `end`, if any. */
  #lastIdIn(log: FrameLog, start: number, end: number): number | undefined {
    for (let seq = end - 1; seq >= start; seq--) {
      const frame = log.at(seq);
      if (frame !== undefined && frame.except !== this.key) return frame.id;
    }
    return undefined;
  }

  /** The id of the newest frame of a stretch (still kept) for this recipient, if any. */
  #lastIdOf(membership: Membership): number | undefined {
    const { log, from } = membership;
    return this.#lastIdIn(log, Math.max(from, log.start), this.#end(membership));
  }

  /**
   * Up to which id frames of a stretch were evicted from its log (so a resume from before it
   * cannot be served), or `undefined` when none was.
   */
  #lostOf(membership: Membership): number | undefined {
    const { log, from } = membership;
    // Nothing of the stretch was evicted (or it held nothing: entered and left between frames).
    if (log.start <= from || membership.until === from) return undefined;
    // Frames evicted after the recipient left were not in its stretch.
    return Math.min(log.lostUpTo, membership.untilId ?? Infinity);
  }

  /**
   * A shared frame at `seq` of the broadcast log (`membership` undefined) or of a topic's log
   * skips this recipient: readers caught up to it step over it at once, so a long run of frames
   * not for them (their own arrivals and words) never makes them look fallen behind.
   */
  passOver(membership: Membership | undefined, seq: number): void {
    for (const subscription of this.#subscriptions) {
      const cursor = subscription.cursor;
      if (membership === undefined) {
        if (cursor.all === seq) cursor.all = seq + 1;
      } else {
        const position = positionIn(cursor, membership);
        if (position?.at === seq) position.at = seq + 1;
      }
    }
  }

  /** The current stretch of `topic`, if the recipient is in it. */
  membership(topic: string): Membership | undefined {
    return this.#current(topic);
  }

  /**
   * Drops the stretches of topics left that need not be kept: those with nothing for this
   * recipient, those wholly evicted from their log, and the oldest beyond
   * {@linkcode PAST_TOPICS_KEPT}. A subscription that has not read a dropped stretch to its end
   * fell too far behind; a resume from before its end resyncs.
   */
  #dropPast(): void {
    let past = 0;
    for (const membership of this.#memberships) if (membership.until !== undefined) past++;
    const kept: Membership[] = [];
    for (const membership of this.#memberships) {
      const until = membership.until;
      if (until === undefined) {
        kept.push(membership);
        continue;
      }
      const lastId = this.#lastIdOf(membership);
      const lost = this.#lostOf(membership);
      const empty = lastId === undefined && lost === undefined;
      const evicted = membership.log.start >= until;
      if (!empty && !evicted && past <= PAST_TOPICS_KEPT) {
        kept.push(membership);
        continue;
      }
      past--;
      this.#forgottenUpTo = Math.max(this.#forgottenUpTo, lastId ?? 0, lost ?? 0);
      for (const subscription of [...this.#subscriptions]) {
        const cursor = subscription.cursor;
        const position = positionIn(cursor, membership);
        if (position === undefined) continue;
        cursor.topics = cursor.topics.filter((other) => other !== position);
        const { at } = position;
        const unread = at < membership.log.start ||
          this.#lastIdIn(membership.log, at, until) !== undefined;
        if (at < until && unread) subscription.fellBehind();
      }
    }
    this.#memberships = kept;
  }
}
