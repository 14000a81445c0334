/**
 * The event bus: the game publishes events to one player, a topic (a room) or everyone; each
 * recipient's mailbox keeps a bounded history; subscribers read their mailbox through a
 * {@linkcode Subscription}.
 *
 * Publishing is synchronous and never waits for a subscriber: it assigns the id, encodes the frame
 * once, and appends it to each recipient's mailbox, so its cost grows with the recipients, not
 * with everyone connected. Ids are assigned here and nowhere else.
 *
 * @module
 */

import type { GameEvent } from "./events.ts";
import { type Frame, gameFrame, streamFrame } from "./frame.ts";
import { type HistoryLimits, Mailbox } from "./mailbox.ts";
import { type DeliveryCounters, Subscription } from "./subscription.ts";

/** Who receives a published event. */
export type Address =
  | { to: "all"; except?: string }
  | { to: "player"; key: string }
  | { to: "players"; keys: Iterable<string> }
  | { to: "topic"; topic: string; except?: string };

/** Options for {@linkcode EventBus}. */
export interface EventBusOptions {
  /** Frames and bytes kept per recipient for replay; also each subscriber's buffer bound. */
  history?: Partial<HistoryLimits>;
  /**
   * The first event id. The default, the current time in microseconds, keeps ids growing across
   * restarts, so an id from before a restart is never mistaken for a newer one.
   */
  firstId?: number;
}

/** Options for {@linkcode EventBus.subscribe}. */
export interface SubscribeOptions {
  /** The `Last-Event-ID` the client sent, as received (any junk is handled). */
  lastEventId?: string | null;
  /** Ends the subscription when it aborts; its listener is removed when the subscription ends. */
  signal?: AbortSignal;
}

/** Options for {@linkcode EventBus.open}. */
export interface OpenOptions {
  /**
   * The newest id the recipient is known to have seen in full (saved at the last shutdown), so a
   * client resuming from exactly it after a restart has missed nothing.
   */
  floorId?: number;
}

/** Bus figures for `/admin/status` and `/metrics`. */
export interface BusStats {
  /** Events published (to at least one recipient). */
  published: number;
  /** Frames handed to subscribers. */
  delivered: number;
  /** Subscribers told to resync. */
  resynced: number;
  /** Live subscriptions. */
  subscribers: number;
  /** Open mailboxes (players in the world). */
  mailboxes: number;
  /** Frames published to subscribers and not yet read by them. */
  bufferedFrames: number;
  /** Bytes of those frames. */
  bufferedBytes: number;
  /** Bytes of replay history kept across all mailboxes (frames shared between them counted once per mailbox). */
  historyBytes: number;
  /** The newest event id given out. */
  lastId: number;
}

const DEFAULT_HISTORY: HistoryLimits = { frames: 1024, bytes: 1024 * 1024 };

/** A junk `Last-Event-ID` is anything but a plain decimal number. */
const EVENT_ID = /^\d{1,16}$/;

function resync(reason: string): Frame {
  return streamFrame({ type: "stream.resync", data: { reason } });
}

const RESYNC_BEHIND = resync("fell too far behind");
const RESYNC_EXPIRED = resync("missed events are no longer kept");
const RESYNC_UNKNOWN = resync("unrecognised Last-Event-ID");

/** Routes game events to mailboxes and hands out subscriptions. */
export class EventBus {
  readonly #mailboxes = new Map<string, Mailbox>();
  readonly #topics = new Map<string, Set<Mailbox>>();
  readonly #limits: HistoryLimits;
  readonly #counters: DeliveryCounters = { delivered: 0, resynced: 0, subscribers: 0 };
  #published = 0;
  #lastId: number;
  #closed = false;

  /** Creates an empty bus. */
  constructor(options: EventBusOptions = {}) {
    this.#limits = { ...DEFAULT_HISTORY, ...options.history };
    this.#lastId = (options.firstId ?? Date.now() * 1000) - 1;
  }

  /** The newest id given out. */
  get lastId(): number {
    return this.#lastId;
  }

  /** Whether {@linkcode EventBus.close} has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Opens the mailbox for `key` if it is not open; returns whether it was newly opened. */
  open(key: string, options: OpenOptions = {}): boolean {
    if (this.#closed) throw new Error("The event bus is closed");
    if (this.#mailboxes.has(key)) return false;
    const floor = Math.min(options.floorId ?? this.#lastId, this.#lastId);
    this.#mailboxes.set(key, new Mailbox(key, this.#limits, floor));
    return true;
  }

  /** Whether `key` has an open mailbox. */
  has(key: string): boolean {
    return this.#mailboxes.has(key);
  }

  /** The newest id addressed to `key` (its replay floor for the next run), if open. */
  lastIdOf(key: string): number | undefined {
    return this.#mailboxes.get(key)?.lastId;
  }

  /**
   * Closes the mailbox for `key`: its subscriptions end (after `finalFrame`, if given), its
   * history is dropped and it leaves every topic.
   */
  release(key: string, finalFrame?: Frame): void {
    const mailbox = this.#mailboxes.get(key);
    if (mailbox === undefined) return;
    this.#mailboxes.delete(key);
    for (const topic of mailbox.topics) this.#leave(mailbox, topic);
    for (const subscription of [...mailbox.subscriptions]) subscription.end(finalFrame);
  }

  /** Adds `key` to `topic` (a room); events to the topic reach it from now on. */
  join(key: string, topic: string): void {
    const mailbox = this.#require(key);
    mailbox.topics.add(topic);
    const members = this.#topics.get(topic) ?? new Set();
    members.add(mailbox);
    this.#topics.set(topic, members);
  }

  /** Removes `key` from `topic`. */
  leave(key: string, topic: string): void {
    const mailbox = this.#mailboxes.get(key);
    if (mailbox !== undefined) this.#leave(mailbox, topic);
  }

  /** The keys in `topic`. */
  members(topic: string): string[] {
    return [...(this.#topics.get(topic) ?? [])].map((mailbox) => mailbox.key);
  }

  /**
   * Publishes an event. Never waits and never throws for a slow or gone subscriber.
   *
   * @returns the event's id, or `undefined` when nobody was addressed (no id is spent).
   */
  publish(event: GameEvent, address: Address): number | undefined {
    if (this.#closed) return undefined;
    const recipients = this.#recipients(address);
    if (recipients.length === 0) return undefined;
    const id = ++this.#lastId;
    const frame = gameFrame(id, event);
    this.#published++;
    for (const mailbox of recipients) mailbox.push(frame);
    return id;
  }

  /**
   * Subscribes to `key`'s mailbox. With a `lastEventId` inside the history window the missed
   * frames are replayed first, then live ones follow with no gap and no duplicate; with one
   * outside it, or junk, the first frame is `stream.resync` and live frames follow.
   *
   * @throws {Error} if `key` has no open mailbox.
   */
  subscribe(key: string, options: SubscribeOptions = {}): Subscription {
    const mailbox = this.#require(key);
    const raw = options.lastEventId?.trim() ?? "";
    let cursor = mailbox.end;
    let resumed = false;
    const head: Frame[] = [];
    if (raw !== "") {
      const point = EVENT_ID.test(raw) ? mailbox.resumePoint(Number(raw)) : undefined;
      if (point !== undefined) {
        cursor = point;
        resumed = true;
      } else {
        head.push(EVENT_ID.test(raw) ? RESYNC_EXPIRED : RESYNC_UNKNOWN);
        this.#counters.resynced++;
      }
    }
    return new Subscription(mailbox, {
      cursor,
      resumed,
      head,
      signal: options.signal,
      counters: this.#counters,
      overflowFrame: RESYNC_BEHIND,
    });
  }

  /** Current figures. Walks the subscriptions, so call it per scrape, not per event. */
  stats(): BusStats {
    let bufferedFrames = 0;
    let bufferedBytes = 0;
    let historyBytes = 0;
    for (const mailbox of this.#mailboxes.values()) {
      historyBytes += mailbox.bytes;
      for (const subscription of mailbox.subscriptions) {
        bufferedFrames += subscription.pendingFrames;
        bufferedBytes += subscription.pendingBytes;
      }
    }
    return {
      published: this.#published,
      delivered: this.#counters.delivered,
      resynced: this.#counters.resynced,
      subscribers: this.#counters.subscribers,
      mailboxes: this.#mailboxes.size,
      bufferedFrames,
      bufferedBytes,
      historyBytes,
      lastId: this.#lastId,
    };
  }

  /** Ends every subscription and drops every mailbox; later publishes are ignored. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const mailbox of this.#mailboxes.values()) {
      for (const subscription of [...mailbox.subscriptions]) subscription.end();
    }
    this.#mailboxes.clear();
    this.#topics.clear();
  }

  #require(key: string): Mailbox {
    const mailbox = this.#mailboxes.get(key);
    if (mailbox === undefined) throw new Error(`No open mailbox for ${key}`);
    return mailbox;
  }

  #leave(mailbox: Mailbox, topic: string): void {
    mailbox.topics.delete(topic);
    const members = this.#topics.get(topic);
    if (members === undefined) return;
    members.delete(mailbox);
    if (members.size === 0) this.#topics.delete(topic);
  }

  #recipients(address: Address): Mailbox[] {
    switch (address.to) {
      case "all":
        return [...this.#mailboxes.values()].filter((mailbox) => mailbox.key !== address.except);
      case "player": {
        const mailbox = this.#mailboxes.get(address.key);
        return mailbox === undefined ? [] : [mailbox];
      }
      case "players": {
        const found = new Set<Mailbox>();
        for (const key of address.keys) {
          const mailbox = this.#mailboxes.get(key);
          if (mailbox !== undefined) found.add(mailbox);
        }
        return [...found];
      }
      case "topic": {
        const members = this.#topics.get(address.topic);
        if (members === undefined) return [];
        return [...members].filter((mailbox) => mailbox.key !== address.except);
      }
    }
  }
}
