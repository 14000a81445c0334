/**
 * The event bus's operations carried through one Redis stream (docs/cluster-events.md): the
 * world node's bus records each operation into the stream, and every edge applies the stream to
 * its own bus, so each edge holds the same mailboxes and histories and a player can resume at any
 * of them with `Last-Event-ID`.
 *
 * A published event's stream entry id is `<event id>-0`, so the SSE `id:` and the stream id are
 * the same number, and Redis refuses an entry that is not newer than the last. Other operations
 * are numbered after the event before them: `<event id>-1`, `-2`, ... History is trimmed by age:
 * the writer remembers when it wrote which id, and trims (`MINID ~`) below an id it wrote before
 * the history began. (Event ids start from the clock but count events, so they say nothing of an
 * entry's age.)
 *
 * Besides the operations, the world appends a note after each batch of requests it answers
 * ({@linkcode AnsweredNote}); edges skip notes, a standby world keeps them for a takeover.
 *
 * @module
 */

import { delay } from "@std/async/delay";
import type { createClient } from "redis";
import type { EventBus } from "../bus/event_bus.ts";
import { type BusOperation, decodeOperation, encodeOperation } from "../bus/operations.ts";
import { errorFields, type Logger, silentLogger } from "../log.ts";
import type { PlayerRecord } from "../store/store.ts";
import { FENCE_CHECK, FENCE_KEY, FencedOutError, isFencedOut } from "./fence.ts";

/** A connected node-redis client. */
export type RedisClient = ReturnType<typeof createClient>;

/** The stream the operations go through. */
export const EVENT_STREAM = "mythos:events";

/** How Redis refuses an entry id that is not newer than the stream's last. */
const STALE_ID = /equal or smaller than the target stream top item/i;

/**
 * Appends a batch of entries in one round trip, if the writer's fencing token is the newest.
 * KEYS: the fence, the stream. ARGV: the token (or empty), `1` when the batch is being retried,
 * the id to trim below (or empty), then each entry as its id, its field count and its fields.
 * On a retry, entries Redis already has (refused as not newer than the last) are skipped.
 */
const APPEND_BATCH = `${FENCE_CHECK}
local i = 4
while i <= #ARGV do
  local count = tonumber(ARGV[i + 1])
  local args = {'XADD', KEYS[2], ARGV[i]}
  for j = 1, count do args[#args + 1] = ARGV[i + 1 + j] end
  local written = redis.pcall(unpack(args))
  if type(written) == 'table' and written.err then
    if not (ARGV[2] == '1' and string.find(written.err, 'equal or smaller', 1, true)) then
      return written
    end
  end
  i = i + 2 + count
end
if ARGV[3] ~= '' then redis.call('XTRIM', KEYS[2], 'MINID', '~', ARGV[3]) end
return 'OK'`;

/** The field of a stream entry that holds an {@linkcode AnsweredNote} (not a bus operation). */
const ANSWERED_FIELD = "answered";

/**
 * Requests a world answered in one batch, and the players they changed as the world then had
 * them: written after the batch's events and before the answers go out, so a world that takes
 * over after a crash in between neither runs them again nor loses what they did.
 */
export interface AnsweredNote {
  /** Idempotency key and answer (JSON) of each request. */
  answers: [string, string][];
  /** The records of the players changed (and not yet saved) when the batch had run. */
  players: PlayerRecord[];
}

/**
 * An entry waiting to be written: a bus operation (encoded when it is written, off the bus's
 * synchronous path) or a note's fields.
 */
type QueuedEntry = { id: string; operation: BusOperation } | { id: string; fields: string[] };

/** Entries written per round trip at most. */
const WRITE_BATCH = 500;

/** Entries read per round trip at most. */
const READ_BATCH = 1000;

/** How long one blocking read waits before looking at its signal again, in milliseconds. */
const READ_BLOCK_MS = 250;

/** Options for {@linkcode EventLogWriter}. */
export interface EventLogWriterOptions {
  /** The stream; default {@linkcode EVENT_STREAM}. */
  key?: string;
  /** Entries older than this are trimmed, in milliseconds. */
  historyMs: number;
  /** Where trouble is logged. */
  logger?: Logger;
  /** Clock in epoch milliseconds; tests may replace it. */
  now?: () => number;
  /** The world lease's fencing token: Redis refuses the entries once a newer world holds it. */
  fenceToken?: number;
  /**
   * The stream's newest entry, when this writer continues a stream an earlier world wrote (a
   * takeover): operations numbered after the same event go on from its number.
   */
  continueAfter?: string;
}

/**
 * Records a bus's operations into the stream, in order. {@linkcode EventLogWriter.record} is
 * called synchronously by the bus; {@linkcode EventLogWriter.run}, a supervised task, writes
 * what is queued; {@linkcode EventLogWriter.flushed} resolves once everything recorded so far is
 * in Redis (a command's 202 can wait for its events).
 */
export class EventLogWriter {
  readonly #redis: RedisClient;
  readonly #key: string;
  readonly #historyMs: number;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #fenceToken: string;
  #queue: QueuedEntry[] = [];
  #position = "0-0";
  #recorded = 0;
  #written = 0;
  #waiters: { upTo: number; resolve: () => void; reject: (error: unknown) => void }[] = [];
  /** Why the writer stopped for good (fenced out, or a stale id), if it did. */
  #failure: unknown;
  /** Ids and when they were written (every entry below an id was written by then), oldest
   * first, for trimming by age. */
  #marks: { at: number; id: string }[] = [];
  #wake: (() => void) | undefined;
  /** Holds on writing ({@linkcode EventLogWriter.hold}) not yet released. */
  #holds = 0;
  /** Whether the batch being written was tried before (stale ids are then its own). */
  #retried = false;
  /** The event id the last entry was numbered after, and how many entries followed it. */
  #after = -1;
  #sinceEvent = 0;

  /** Writes through `redis`. */
  constructor(redis: RedisClient, options: EventLogWriterOptions) {
    this.#redis = redis;
    this.#key = options.key ?? EVENT_STREAM;
    this.#historyMs = options.historyMs;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#fenceToken = options.fenceToken === undefined ? "" : String(options.fenceToken);
    if (options.continueAfter !== undefined) {
      const [event = 0, sequence = 0] = options.continueAfter.split("-").map(Number);
      this.#position = options.continueAfter;
      this.#after = event;
      this.#sinceEvent = sequence;
    }
  }

  /** Operations recorded and not yet written. */
  get pending(): number {
    return this.#queue.length;
  }

  /** The stream id of the newest operation recorded (written or not). */
  get position(): string {
    return this.#position;
  }

  /** Queues an operation (the bus's `onOperation`). */
  record(operation: BusOperation): void {
    this.#enqueue({ id: this.#streamId(operation), operation });
  }

  /**
   * Queues a note of requests answered and the players they changed (after the events they made),
   * for a world that takes over: it answers those requests from the note instead of running them
   * again, and takes those players as the note has them.
   */
  recordAnswered(note: AnsweredNote): void {
    const after = Math.max(this.#after, 0);
    if (after !== this.#after) {
      this.#after = after;
      this.#sinceEvent = 0;
    }
    this.#enqueue({
      id: `${after}-${++this.#sinceEvent}`,
      fields: [ANSWERED_FIELD, JSON.stringify(note)],
    });
  }

  #enqueue(entry: QueuedEntry): void {
    this.#position = entry.id;
    this.#queue.push(entry);
    this.#recorded++;
    this.#wake?.();
  }

  /**
   * Holds back writing until the returned function is called (every hold, if there are several):
   * a batch of requests holds the writer while it runs, so its events and its note reach Redis in
   * one write — one atomic script — and a world that dies cannot leave the events without the note.
   */
  hold(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      if (this.#holds === 0) this.#wake?.();
    };
  }

  /** Resolves once every operation recorded before this call is in the stream. */
  flushed(): Promise<void> {
    if (this.#written >= this.#recorded) return Promise.resolve();
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.#waiters.push({ upTo: this.#recorded, resolve, reject });
    return promise;
  }

  /**
   * Writes queued operations until `signal` aborts (then writes what is left, if Redis answers).
   * A failed write is retried, in order, after a pause; nothing is dropped.
   *
   * @throws {FencedOutError} when a newer world holds the lease, and {Error} when Redis refuses
   * an id as older than the stream's last: another world has written since, and this one must
   * stop (run it as a critical task).
   */
  async run(signal: AbortSignal): Promise<void> {
    try {
      await this.#run(signal);
    } catch (error) {
      // Whatever waits for its events to be written will never see them: say so.
      this.#failure = error;
      for (const waiter of this.#waiters) waiter.reject(error);
      this.#waiters = [];
      throw error;
    }
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (true) {
      if (this.#queue.length === 0 || (this.#holds > 0 && !signal.aborted)) {
        if (this.#queue.length === 0 && signal.aborted) return;
        await this.#idle(signal);
        continue;
      }
      const batch = this.#queue.slice(0, WRITE_BATCH);
      try {
        await this.#write(batch);
      } catch (error) {
        // Redis refusing an id as not newer than its last means another world has written
        // after this one: this one is stale and must stop, not retry.
        if (isFencedOut(error)) throw new FencedOutError(undefined, { cause: error });
        if (signal.aborted || STALE_ID.test(String(error))) throw error;
        this.#logger.warn("writing events to Redis failed; retrying", {
          error: errorFields(error),
          pending: this.#queue.length,
        });
        await delay(200, { signal }).catch(() => {});
        continue;
      }
      this.#queue = this.#queue.slice(batch.length);
      this.#written += batch.length;
      this.#mark(batch[batch.length - 1]?.id as string);
      this.#waiters = this.#waiters.filter((waiter) => {
        if (waiter.upTo > this.#written) return true;
        waiter.resolve();
        return false;
      });
    }
  }

  async #write(batch: QueuedEntry[]): Promise<void> {
    const args = [this.#fenceToken, this.#retried ? "1" : "0", this.#trimBelow() ?? ""];
    for (const entry of batch) {
      const fields = "fields" in entry ? entry.fields : encodeOperation(entry.operation);
      args.push(entry.id, String(fields.length), ...fields);
    }
    // One script: the fence is checked and the whole batch appended in one round trip. After a
    // failure the batch is sent again; entries Redis already has are skipped, so a retry never
    // writes one twice.
    this.#retried = true;
    await this.#redis.sendCommand(["EVAL", APPEND_BATCH, "2", FENCE_KEY, this.#key, ...args]);
    this.#retried = false;
  }

  /**
   * The id below which every entry was written before the history began, or `undefined` when no
   * entry is known to be that old.
   */
  #trimBelow(): string | undefined {
    const cutoff = this.#now() - this.#historyMs;
    // Keep the newest mark from before the history began; older ones are of no more use.
    while ((this.#marks[1]?.at ?? Infinity) <= cutoff) this.#marks.shift();
    const oldest = this.#marks[0];
    return oldest !== undefined && oldest.at <= cutoff ? oldest.id : undefined;
  }

  /** Notes that everything up to `id` has been written, at most ten times a history. */
  #mark(id: string): void {
    const now = this.#now();
    const last = this.#marks.at(-1);
    if (last !== undefined && now - last.at < this.#historyMs / 10) return;
    this.#marks.push({ at: now, id });
  }

  /** The stream id of the next entry: an event's own id, or numbered after the event before. */
  #streamId(operation: BusOperation): string {
    const after = operation.op === "publish" ? operation.id : operation.after;
    if (after !== this.#after) {
      this.#after = after;
      this.#sinceEvent = 0;
    }
    return operation.op === "publish" ? `${after}-0` : `${after}-${++this.#sinceEvent}`;
  }

  #idle(signal: AbortSignal): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    const done = () => {
      this.#wake = undefined;
      signal.removeEventListener("abort", done);
      resolve();
    };
    this.#wake = done;
    signal.addEventListener("abort", done, { once: true });
    return promise;
  }
}

/** Options for {@linkcode EventLogReader}. */
export interface EventLogReaderOptions {
  /** The stream; default {@linkcode EVENT_STREAM}. */
  key?: string;
  /** The stream id to read after; default `0` (everything kept). */
  after?: string;
  /** Where trouble is logged. */
  logger?: Logger;
  /** Told of each note of answered requests (a standby world keeps them for a takeover). */
  onAnswered?: (note: AnsweredNote) => void;
}

/**
 * Follows the stream and applies each operation to a local bus, in order. Give it a client of
 * its own (its reads block), and a bus made with `firstId: 1`: the bus skips any event whose id
 * is not above its own newest, and the world's ids are what count here.
 */
export class EventLogReader {
  readonly #redis: RedisClient;
  readonly #bus: EventBus;
  readonly #key: string;
  readonly #logger: Logger;
  readonly #onAnswered: ((note: AnsweredNote) => void) | undefined;
  #after: string;
  #applied = 0;
  #waiters: { position: string; resolve: () => void }[] = [];

  /**
   * Reads through `redis` into `bus`.
   *
   * @throws {TypeError} when reading from the start into a bus that has given out ids of its own
   * (it would skip the world's events as already applied): make it with `firstId: 1`.
   */
  constructor(redis: RedisClient, bus: EventBus, options: EventLogReaderOptions = {}) {
    if (options.after === undefined && bus.lastId !== 0) {
      throw new TypeError("An edge's bus must start at firstId 1 to follow the world's ids");
    }
    this.#redis = redis;
    this.#bus = bus;
    this.#key = options.key ?? EVENT_STREAM;
    this.#after = options.after ?? "0";
    this.#logger = options.logger ?? silentLogger;
    this.#onAnswered = options.onAnswered;
  }

  /** The id of the last entry applied (`0` before any). */
  get lastApplied(): string {
    return this.#after;
  }

  /** Entries applied since start. */
  get applied(): number {
    return this.#applied;
  }

  /**
   * Resolves once the entry at `position` (a stream id) has been applied, or rejects with the
   * signal's reason when `signal` aborts first.
   */
  reached(position: string, signal?: AbortSignal): Promise<void> {
    if (compareStreamIds(this.#after, position) >= 0) return Promise.resolve();
    signal?.throwIfAborted();
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const waiter = {
      position,
      resolve: () => {
        signal?.removeEventListener("abort", abort);
        resolve();
      },
    };
    const abort = () => {
      this.#waiters = this.#waiters.filter((other) => other !== waiter);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", abort, { once: true });
    this.#waiters.push(waiter);
    return promise;
  }

  /** Reads and applies until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) await this.readOnce(READ_BLOCK_MS);
  }

  /**
   * Reads what is there after the last applied entry (waiting up to `blockMs` for something to
   * arrive) and applies it; returns how many entries were applied.
   */
  async readOnce(blockMs = 0): Promise<number> {
    const reply = await this.#redis.sendCommand([
      "XREAD",
      "COUNT",
      String(READ_BATCH),
      ...(blockMs > 0 ? ["BLOCK", String(blockMs)] : []),
      "STREAMS",
      this.#key,
      this.#after,
    ]) as [string, [string, string[]][]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    for (const [id, fields] of entries) {
      try {
        const answered = fields[0] === ANSWERED_FIELD ? fields[1] : undefined;
        if (answered === undefined) this.#bus.apply(decodeOperation(fields));
        else this.#onAnswered?.(JSON.parse(answered) as AnsweredNote);
      } catch (error) {
        // A malformed entry cannot be applied by anyone; skipping it keeps the rest flowing.
        this.#logger.error("skipping an event-stream entry that cannot be applied", {
          id,
          error: errorFields(error),
        });
      }
      this.#after = id;
      this.#applied++;
    }
    if (entries.length > 0 && this.#waiters.length > 0) {
      this.#waiters = this.#waiters.filter((waiter) => {
        if (compareStreamIds(this.#after, waiter.position) < 0) return true;
        waiter.resolve();
        return false;
      });
    }
    return entries.length;
  }
}

/**
 * The first event id for a world that starts now: after every entry an earlier world wrote to
 * the stream (ids count events from the clock, and a busy world may have counted past it), and
 * no lower than the bus's own default.
 */
export async function firstEventIdAfter(
  redis: RedisClient,
  key: string = EVENT_STREAM,
): Promise<number> {
  const newest = await redis.sendCommand(["XREVRANGE", key, "+", "-", "COUNT", "1"]) as [
    string,
    string[],
  ][];
  const last = Number(newest[0]?.[0]?.split("-")[0] ?? 0);
  return Math.max(Date.now() * 1000, last + 1);
}

/** Orders two stream ids (`<ms>-<seq>`): negative, zero or positive. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split("-").map(Number);
  const [bMs = 0, bSeq = 0] = b.split("-").map(Number);
  return aMs !== bMs ? aMs - bMs : aSeq - bSeq;
}
