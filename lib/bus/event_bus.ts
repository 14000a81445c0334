/**
 * The event bus: the game publishes events to one player, a topic (a room) or everyone; each
 * recipient's mailbox keeps a bounded history; subscribers read their mailbox through a
 * {@linkcode Subscription}.
 *
 * Publishing is synchronous and never waits for a subscriber: it assigns the id, encodes the frame
 * once, and stores it once — in the broadcast log, in the topic's log, or in the addressed
 * players' mailboxes — then wakes the recipients' readers, so its cost grows with the recipients,
 * not with everyone connected. Ids are assigned here and nowhere else.
 *
 * @module
 */

import { DEFAULTS } from "../config.ts";
import type { GameEvent } from "./events.ts";
import { type Frame, gameFrame, streamFrame } from "./frame.ts";
import { FrameLog, type HistoryLimits } from "./frame_log.ts";
import { Mailbox } from "./mailbox.ts";
import { type BusOperation, recordAddress, recordFrame, replayFrame } from "./operations.ts";
import { type DeliveryCounters, Subscription } from "./subscription.ts";

/** Who receives a published event. */
export type Address =
  | { to: "all"; except?: string }
  | { to: "player"; key: string }
  | { to: "players"; keys: Iterable<string> }
  | { to: "topic"; topic: string; except?: string };

/** Options for {@linkcode EventBus}. */
export interface EventBusOptions {
  /** Frames, bytes and age kept per recipient for replay; also each subscriber's buffer bound. */
  history?: Partial<HistoryLimits>;
  /** Clock in milliseconds for the age bound; default `performance.now()`. */
  now?: () => number;
  /**
   * The first event id. The default, the current time in microseconds, keeps ids growing across
   * restarts, so an id from before a restart is never mistaken for a newer one.
   */
  firstId?: number;
  /**
   * Told of every operation as the bus performs it, in order (mailboxes opened and released,
   * topics joined and left, events published with their ids), so another bus can replay them
   * with {@linkcode EventBus.apply}.
   */
  onOperation?: (operation: BusOperation) => void;
}

/** Options for {@linkcode EventBus.subscribe}. */
export interface SubscribeOptions {
  /** The `Last-Event-ID` the client sent, as received (any junk is handled). */
  lastEventId?: string | null;
  /** Ends the subscription when it aborts; its listener is removed when the subscription ends. */
  signal?: AbortSignal;
  /**
   * Frames for this subscription alone, delivered first when it does not resume (a new stream,
   * or one told to resync): the current state, so the client need not ask for it.
   */
  greeting?: () => Frame[];
  /**
   * The newest event id the greeting already reflects (an edge's greeting comes from the world
   * node, made at that id): frames after it follow the greeting, so none is lost or shown twice.
   * Default: the greeting reflects everything published so far.
   */
  greetingAfter?: number;
  /** Who opens it (such as a login session), for {@linkcode EventBus.endOthers}. */
  owner?: string;
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
  /** Bytes of replay history kept: every mailbox's own log plus the broadcast and topic logs, once each. */
  historyBytes: number;
  /** The newest event id given out. */
  lastId: number;
}

const DEFAULT_HISTORY: HistoryLimits = {
  frames: DEFAULTS.historyFrames,
  bytes: DEFAULTS.historyBytes,
  ageMs: DEFAULTS.historyMs,
};

/** A junk `Last-Event-ID` is anything but a plain decimal number. */
const EVENT_ID = /^\d{1,16}$/;

function resync(reason: string): Frame {
  return streamFrame({ type: "stream.resync", data: { reason } });
}

const RESYNC_BEHIND = resync("fell too far behind");
const RESYNC_EXPIRED = resync("missed events are no longer kept");
const RESYNC_UNKNOWN = resync("unrecognised Last-Event-ID");

/** A topic (a room): who is in it and the frames published to it, stored once for them all. */
interface Topic {
  readonly members: Set<Mailbox>;
  readonly log: FrameLog;
}

/** Routes game events to mailboxes and hands out subscriptions. */
export class EventBus {
  readonly #mailboxes = new Map<string, Mailbox>();
  readonly #topics = new Map<string, Topic>();
  readonly #limits: HistoryLimits;
  readonly #now: () => number;
  /** Frames addressed to everyone, stored once. */
  readonly #broadcast: FrameLog;
  readonly #counters: DeliveryCounters = { delivered: 0, resynced: 0, subscribers: 0 };
  #published = 0;
  #lastId: number;
  #closed = false;
  #onOperation: ((operation: BusOperation) => void) | undefined;

  /** Creates an empty bus. */
  constructor(options: EventBusOptions = {}) {
    this.#onOperation = options.onOperation;
    this.#limits = { ...DEFAULT_HISTORY, ...options.history };
    this.#now = options.now ?? (() => performance.now());
    this.#lastId = (options.firstId ?? Date.now() * 1000) - 1;
    this.#broadcast = new FrameLog(this.#limits, this.#lastId);
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
    this.#mailboxes.set(key, new Mailbox(key, this.#limits, this.#broadcast, floor));
    this.#onOperation?.({ op: "open", after: this.#lastId, key, floorId: floor });
    return true;
  }

  /** Whether `key` has an open mailbox. */
  has(key: string): boolean {
    return this.#mailboxes.has(key);
  }

  /** The keys of every open mailbox. */
  keys(): string[] {
    return [...this.#mailboxes.keys()];
  }

  /** The topics `key`'s mailbox is in (none when it is not open). */
  topicsOf(key: string): readonly string[] {
    return this.#mailboxes.get(key)?.topics ?? [];
  }

  /**
   * Starts recording this bus's own operations through `onOperation`, from its newest id on: a
   * standby world's bus, which has followed the record with {@linkcode EventBus.apply}, takes
   * over as the world's. Operations applied before are not recorded again.
   *
   * `nextId` is the lowest id its next event may have (after whatever the record holds).
   *
   * @throws {Error} when the bus records already.
   */
  startRecording(onOperation: (operation: BusOperation) => void, nextId = 0): void {
    if (this.#onOperation !== undefined) throw new Error("The event bus records already");
    this.#onOperation = onOperation;
    this.#lastId = Math.max(this.#lastId, nextId - 1);
  }

  /** Live subscriptions of `key` (its open streams). */
  subscriberCount(key: string): number {
    return this.#mailboxes.get(key)?.subscriptions.length ?? 0;
  }

  /** Ends `key`'s oldest subscription with `finalFrame` (a fifth tab supersedes the first). */
  endOldest(key: string, finalFrame: Frame): void {
    this.#mailboxes.get(key)?.subscriptions[0]?.end(finalFrame);
  }

  /** Ends, after `finalFrame`, every subscription to `key` not opened by `keepOwner`. */
  endOthers(key: string, keepOwner: string | undefined, finalFrame: Frame): void {
    const subscriptions = this.#mailboxes.get(key)?.subscriptions ?? [];
    for (const subscription of [...subscriptions]) {
      if (subscription.owner !== keepOwner || keepOwner === undefined) {
        subscription.end(finalFrame);
      }
    }
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
    for (const topic of [...mailbox.topics]) this.#leave(mailbox, topic);
    for (const subscription of [...mailbox.subscriptions]) subscription.end(finalFrame);
    this.#onOperation?.({
      op: "release",
      after: this.#lastId,
      key,
      ...(finalFrame === undefined ? {} : { final: recordFrame(finalFrame) }),
    });
  }

  /** Adds `key` to `topic` (a room); events to the topic reach it from now on. */
  joinTopic(key: string, topic: string): void {
    const mailbox = this.#require(key);
    let shared = this.#topics.get(topic);
    if (shared === undefined) {
      // An empty topic keeps no log: a room's history starts again when someone enters it.
      shared = { members: new Set(), log: new FrameLog(this.#limits, this.#lastId) };
      this.#topics.set(topic, shared);
    }
    mailbox.addTopic(topic, shared.log);
    shared.members.add(mailbox);
    this.#onOperation?.({ op: "join", after: this.#lastId, key, topic });
  }

  /** Removes `key` from `topic`. */
  leaveTopic(key: string, topic: string): void {
    const mailbox = this.#mailboxes.get(key);
    if (mailbox === undefined) return;
    this.#leave(mailbox, topic);
    this.#onOperation?.({ op: "leave", after: this.#lastId, key, topic });
  }

  /** The keys in `topic`. */
  members(topic: string): string[] {
    return [...(this.#topics.get(topic)?.members ?? [])].map((mailbox) => mailbox.key);
  }

  /**
   * Publishes an event. Never waits and never throws for a slow or gone subscriber.
   *
   * @returns the event's id, or `undefined` when nobody was addressed (no id is spent).
   */
  publish(event: GameEvent, address: Address): number | undefined {
    if (this.#onOperation === undefined) return this.#publish(event, address, this.#lastId + 1);
    // Recorded first: a `players` address may be an iterator that can be read only once.
    const recorded = recordAddress(address);
    const id = this.#publish(event, recorded, this.#lastId + 1);
    if (id !== undefined) this.#onOperation({ op: "publish", id, event, address: recorded });
    return id;
  }

  /**
   * Replays an operation another bus performed ({@linkcode EventBusOptions.onOperation}), so
   * this bus holds the same mailboxes, topics and histories. A publish keeps the id it was given
   * there; one at or below this bus's newest id was applied already and is skipped, so reading an
   * overlapping stretch of the record twice changes nothing.
   */
  apply(operation: BusOperation): void {
    if (this.#closed) return;
    switch (operation.op) {
      case "open":
        this.open(operation.key, { floorId: operation.floorId });
        break;
      case "join":
        if (this.#mailboxes.has(operation.key)) this.joinTopic(operation.key, operation.topic);
        break;
      case "leave":
        this.leaveTopic(operation.key, operation.topic);
        break;
      case "release":
        this.release(
          operation.key,
          operation.final === undefined ? undefined : replayFrame(operation.final),
        );
        break;
      case "publish":
        if (operation.id > this.#lastId) {
          this.#publish(operation.event, operation.address, operation.id);
        }
        break;
      case "snapshot":
        this.#restore(operation);
        break;
    }
  }

  /**
   * Records a snapshot of every open mailbox and its topics through `onOperation`, for buses that
   * start following the record late. Run now and then (more often than history is trimmed).
   */
  recordSnapshot(): void {
    if (this.#onOperation === undefined || this.#closed) return;
    const mailboxes = [...this.#mailboxes.values()].map((mailbox) => ({
      key: mailbox.key,
      topics: [...mailbox.topics],
    }));
    this.#onOperation({ op: "snapshot", after: this.#lastId, mailboxes });
  }

  /**
   * Makes this bus's mailboxes and topics those of a snapshot. A bus that has followed the record
   * all along already matches it and nothing changes; a bus that starts here opens the mailboxes
   * with the snapshot's id as their floor (a resume from before it gets `stream.resync`).
   */
  #restore(snapshot: Extract<BusOperation, { op: "snapshot" }>): void {
    this.#lastId = Math.max(this.#lastId, snapshot.after);
    const wanted = new Map(snapshot.mailboxes.map((state) => [state.key, state]));
    for (const key of [...this.#mailboxes.keys()]) if (!wanted.has(key)) this.release(key);
    for (const state of snapshot.mailboxes) {
      this.open(state.key, { floorId: snapshot.after });
      const mailbox = this.#require(state.key);
      for (const topic of [...mailbox.topics]) {
        if (!state.topics.includes(topic)) this.#leave(mailbox, topic);
      }
      for (const topic of state.topics) {
        if (!mailbox.topics.includes(topic)) this.joinTopic(state.key, topic);
      }
    }
  }

  #publish(event: GameEvent, address: Address, id: number): number | undefined {
    if (this.#closed) return undefined;
    // The frame is made at the first recipient, so an event nobody receives spends no id.
    let frame: Frame | undefined;
    const makeFrame = (except?: string) => {
      this.#lastId = id;
      return gameFrame(id, event, this.#now(), except);
    };
    const deliver = (mailbox: Mailbox) => {
      frame ??= makeFrame();
      mailbox.push(frame);
    };
    switch (address.to) {
      case "all": {
        // Stored once in the broadcast log; each mailbox only wakes its readers.
        if (this.#mailboxes.size === 0) break;
        if (this.#mailboxes.size === 1 && this.#mailboxes.has(address.except ?? "")) break;
        frame = makeFrame(address.except);
        this.#broadcast.push(frame);
        for (const mailbox of this.#mailboxes.values()) {
          if (mailbox.key !== address.except) mailbox.notify(id);
          else mailbox.passOver(undefined, this.#broadcast.end - 1);
        }
        break;
      }
      case "player": {
        const mailbox = this.#mailboxes.get(address.key);
        if (mailbox !== undefined) deliver(mailbox);
        break;
      }
      case "players": {
        const seen = new Set<string>();
        for (const key of address.keys) {
          const mailbox = this.#mailboxes.get(key);
          if (mailbox === undefined || seen.has(key)) continue;
          seen.add(key);
          deliver(mailbox);
        }
        break;
      }
      case "topic": {
        // Stored once in the topic's log; each member's mailbox only wakes its readers.
        const topic = this.#topics.get(address.topic);
        if (topic === undefined) break;
        const skipped = address.except === undefined
          ? undefined
          : this.#mailboxes.get(address.except);
        const skips = skipped !== undefined && topic.members.has(skipped);
        if (topic.members.size === (skips ? 1 : 0)) break;
        frame = makeFrame(address.except);
        topic.log.push(frame);
        for (const mailbox of topic.members) {
          if (mailbox !== skipped) mailbox.notify(id);
        }
        if (skips) skipped.passOver(skipped.membership(address.topic), topic.log.end - 1);
        break;
      }
    }
    if (frame === undefined) return undefined;
    this.#published++;
    return frame.id;
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
    let cursor = mailbox.cursorAtEnd();
    let resumed = false;
    const head: Frame[] = [];
    if (raw !== "") {
      const point = EVENT_ID.test(raw) ? mailbox.resumeCursor(Number(raw)) : undefined;
      if (point !== undefined) {
        cursor = point;
        resumed = true;
      } else {
        head.push(EVENT_ID.test(raw) ? RESYNC_EXPIRED : RESYNC_UNKNOWN);
        this.#counters.resynced++;
      }
    }
    if (!resumed && options.greeting !== undefined) {
      head.push(...options.greeting());
      if (options.greetingAfter !== undefined) {
        cursor = mailbox.resumeCursor(Math.min(options.greetingAfter, mailbox.lastId)) ?? cursor;
      }
    }
    return new Subscription(mailbox, {
      cursor,
      resumed,
      head,
      signal: options.signal,
      counters: this.#counters,
      overflowFrame: RESYNC_BEHIND,
      owner: options.owner,
    });
  }

  /** Current figures. Walks the subscriptions, so call it per scrape, not per event. */
  stats(): BusStats {
    let bufferedFrames = 0;
    let bufferedBytes = 0;
    let historyBytes = this.#broadcast.bytes;
    for (const topic of this.#topics.values()) historyBytes += topic.log.bytes;
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
    mailbox.removeTopic(topic);
    const shared = this.#topics.get(topic);
    if (shared === undefined) return;
    shared.members.delete(mailbox);
    if (shared.members.size === 0) this.#topics.delete(topic);
  }
}
