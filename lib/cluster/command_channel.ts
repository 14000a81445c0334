/**
 * Commands from edges to the world node through Redis: a request stream read by the world with a
 * consumer group, and a reply stream per edge.
 *
 * An edge appends `{ key, account, command, reply }` to `mythos:commands` and waits, with a
 * deadline, for the reply on `mythos:replies:<edge>`. The world reads the request stream as the
 * consumer group `world` (so a request is handed to exactly one world, and one that dies with a
 * request in hand leaves it pending for the next to claim), runs the command, waits until its
 * events are in the event stream, answers, and only then acknowledges the request. Requests are
 * read in stream order; one account's run one after another, different accounts' at once. `key` is the request's idempotency key: a world that meets a key it has answered
 * answers the same again without running the command twice.
 *
 * @module
 */

import { delay } from "@std/async/delay";
import { errorFields, type Logger, silentLogger } from "../log.ts";
import type { RedisClient } from "./event_log.ts";
import { FENCE_CHECK, FENCE_KEY, FencedOutError, isFencedOut } from "./fence.ts";

/** The request stream. */
export const COMMAND_STREAM = "mythos:commands";

/** The consumer group the world reads requests as. */
export const WORLD_GROUP = "world";

/** The reply stream of edge `node`. */
export function replyStream(node: string): string {
  return `mythos:replies:${node}`;
}

/** What the world answers a command. */
export type CommandOutcome =
  | { accepted: true }
  | { accepted: false; reason: "rate_limited"; retryAfterMs: number }
  | { accepted: false; reason: "not_in_world" }
  | { accepted: false; reason: "closing" }
  /** No world answered within the deadline (the edge answers 503). */
  | { accepted: false; reason: "unavailable" };

/**
 * What an edge can ask of the world: run a game command (the default), or one of the calls a
 * player's HTTP requests need of the game (open a stream, log out, describe the character, change
 * admin rights). Each is answered once it has run and its events are in the event stream.
 */
export type RequestKind = "command" | "open" | "logout" | "describe" | "admin";

/** A request as the world receives it. */
export interface CommandRequest {
  /** Idempotency key. */
  key: string;
  /** Whose request. */
  account: string;
  /** What is asked; default `command`. */
  kind?: RequestKind;
  /** The command as typed (already sanitized by the edge), or the call's JSON arguments. */
  command: string;
}

/** The answer when no world answered within the deadline (or Redis could not be reached). */
export const UNAVAILABLE = { accepted: false, reason: "unavailable" } as const;

/** Whether an answer is {@linkcode UNAVAILABLE}. */
export function isUnavailable(answer: unknown): answer is typeof UNAVAILABLE {
  return typeof answer === "object" && answer !== null &&
    (answer as { reason?: unknown }).reason === "unavailable";
}

/** How long a reply stream keeps answers, in entries (replies are read at once). */
const REPLY_KEEP = 10_000;

/** How long one blocking read waits before looking at its signal again, in milliseconds. */
const READ_BLOCK_MS = 250;

/** Options for {@linkcode CommandClient}. */
export interface CommandClientOptions {
  /** This edge's node id (its reply stream). */
  node: string;
  /** How long to wait for the world's answer, in milliseconds. */
  deadlineMs: number;
  /** Where trouble is logged. */
  logger?: Logger;
}

/**
 * The edge's side: sends commands and waits for their answers. {@linkcode CommandClient.run}, a
 * supervised task with a client of its own (its reads block), reads the replies.
 */
export class CommandClient {
  readonly #redis: RedisClient;
  readonly #options: CommandClientOptions;
  readonly #logger: Logger;
  readonly #waiting = new Map<string, (outcome: unknown) => void>();
  readonly #settling = new Map<string, PromiseWithResolvers<void>>();
  /** The newest reply read; `undefined` until the reader first starts. */
  #after: string | undefined;
  /** Whether the reply reader has stopped (Redis away, or shutting down): no answer could
   * arrive. */
  #stopped = false;

  /** Sends through `redis` (a client that does not block). */
  constructor(redis: RedisClient, options: CommandClientOptions) {
    this.#redis = redis;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Commands sent and not yet answered. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Resolves once no request is waiting for its answer (for an ordered shutdown). */
  async settled(): Promise<void> {
    // Each request ends by its deadline at the latest, so this does too.
    while (this.#waiting.size > 0) {
      await Promise.race([...this.#settling.values()].map((settled) => settled.promise));
    }
  }

  /**
   * Sends a request and resolves with the world's answer (a {@linkcode CommandOutcome} for a
   * command), or {@linkcode UNAVAILABLE} when none comes within the deadline (or Redis cannot be
   * reached). `key` is the idempotency key: send the same key again to retry safely.
   */
  async send<Answer = CommandOutcome>(
    request: CommandRequest,
  ): Promise<Answer | typeof UNAVAILABLE> {
    // No reader (stopping, or Redis away): no answer could be read, so say so at once.
    if (this.#stopped) return UNAVAILABLE;
    const answered = Promise.withResolvers<Answer>();
    this.#waiting.set(request.key, answered.resolve as (outcome: unknown) => void);
    const settling = Promise.withResolvers<void>();
    this.#settling.set(request.key, settling);
    const deadline = new AbortController();
    try {
      await this.#redis.sendCommand([
        "XADD",
        COMMAND_STREAM,
        "*",
        "key",
        request.key,
        "account",
        request.account,
        "kind",
        request.kind ?? "command",
        "command",
        request.command,
        "reply",
        replyStream(this.#options.node),
      ]);
      const timeout = delay(this.#options.deadlineMs, { signal: deadline.signal }).then(
        () => UNAVAILABLE,
        () => UNAVAILABLE,
      );
      return await Promise.race([answered.promise, timeout]);
    } catch (error) {
      this.#logger.warn("sending a request to the world failed", { error: errorFields(error) });
      return UNAVAILABLE;
    } finally {
      deadline.abort();
      this.#waiting.delete(request.key);
      this.#settling.delete(request.key);
      settling.resolve();
    }
  }

  /**
   * Reads this edge's replies until `signal` aborts. `blocking` must be a client of its own.
   * Run again after a failure (Redis away), it carries on after the last reply it read.
   */
  async run(blocking: RedisClient, signal: AbortSignal): Promise<void> {
    this.#stopped = false;
    try {
      await this.#run(blocking, signal);
    } finally {
      this.#stopped = true;
    }
  }

  async #run(blocking: RedisClient, signal: AbortSignal): Promise<void> {
    if (this.#after === undefined) {
      // From the newest reply there is now: older ones answered requests of an earlier life.
      const newest = await blocking.sendCommand([
        "XREVRANGE",
        replyStream(this.#options.node),
        "+",
        "-",
        "COUNT",
        "1",
      ]) as [string, string[]][];
      this.#after = newest[0]?.[0] ?? "0-0";
    }
    while (!signal.aborted) {
      const after: string = this.#after;
      const reply = await blocking.sendCommand([
        "XREAD",
        "BLOCK",
        String(READ_BLOCK_MS),
        "STREAMS",
        replyStream(this.#options.node),
        after,
      ]) as [string, [string, string[]][]][] | null;
      for (const [id, fields] of reply?.[0]?.[1] ?? []) {
        this.#after = id;
        const key = field(fields, "key");
        const outcome = JSON.parse(field(fields, "outcome") ?? "null") as unknown;
        if (key !== undefined && outcome !== null) this.#waiting.get(key)?.(outcome);
      }
    }
  }
}

/** Runs a request on the world and returns its answer (JSON data). */
export type CommandRunner = (request: CommandRequest) => Promise<unknown>;

/** Options for {@linkcode CommandServer}. */
export interface CommandServerOptions {
  /** This world node's id (its name in the consumer group). */
  node: string;
  /** Resolves once the events of everything run so far are in the event stream. */
  flushed: () => Promise<void>;
  /** The world lease's fencing token: Redis refuses the answers once a newer world holds it. */
  fenceToken?: number;
  /**
   * Resolves once the effects of everything run so far are saved (the world's dirty players), so
   * an answer also promises durability; a failure is logged and the answers go out regardless.
   */
  saved?: () => Promise<unknown>;
  /**
   * Told of a batch's new answers (idempotency key, answer) once it has run, before waiting for
   * the event stream: the world records them there (`EventLogWriter.recordAnswered`).
   */
  ran?: (answers: [string, string][]) => void;
  /**
   * Holds back the event stream's writer while a batch runs; returns the release (called once the
   * batch's note is recorded), so the batch's events and note are written together.
   */
  hold?: () => () => void;
  /**
   * The answer an earlier world recorded for a key (in the event stream) before it died without
   * sending it: such a request is answered, not run again.
   */
  earlier?: (key: string) => string | undefined;
  /** Where trouble is logged. */
  logger?: Logger;
}

/**
 * Answers a request, if the world's fencing token is the newest: remembers the answer under its
 * idempotency key (unless it was remembered before, or refuses the command), sends it on the
 * edge's reply stream, and acknowledges the request — in that order, in one round trip.
 * KEYS: the fence, the remembered answer, the reply stream, the request stream.
 * ARGV: the token (or empty), the answer, `1` to remember it, the key, the request's entry id,
 * the consumer group, how many replies to keep, how long to remember, in seconds.
 */
const ANSWER = `${FENCE_CHECK}
if ARGV[3] == '1' then redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[8]) end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*', 'key', ARGV[4], 'outcome', ARGV[2])
redis.call('XACK', KEYS[4], ARGV[6], ARGV[5])
return 'OK'`;

/** How often the world looks for requests another world left pending, in milliseconds. */
const STRAY_CHECK_MS = 1000;

/** How long a request must have been pending with another world before it is claimed. */
const STRAY_IDLE_MS = 500;

/** How long an answered key is remembered, so a retry is answered without running again. */
const ANSWERED_TTL_SECONDS = 600;

/**
 * How many run but unanswered requests the world lets pile up before it stops reading new ones
 * until they are answered (the event stream or the store has fallen behind).
 */
const MAX_UNANSWERED = 1000;

/**
 * The world's side: reads requests as the consumer group {@linkcode WORLD_GROUP}, runs them,
 * answers each once its events are in the event stream, then acknowledges it.
 */
export class CommandServer {
  readonly #redis: RedisClient;
  readonly #options: CommandServerOptions;
  readonly #logger: Logger;
  readonly #run: CommandRunner;
  /** Answers being made, by key: a retry read while its first try runs waits for that answer. */
  readonly #making = new Map<string, Promise<string>>();
  /**
   * Answers of requests that ran here but could not be sent (Redis went away), by key, with when
   * they ran: the request claimed again once Redis is back — or a retry with the same key — is
   * answered with them, not run again. (This world's own notes in the event stream are read only
   * by a world that takes over; without this, a command run just before Redis restarted ran twice.)
   */
  readonly #ranUnsent = new Map<string, { answer: string; at: number }>();
  /** Answers of requests that have run, waiting to be sent, in the order they ran. */
  #unanswered: Answer[] = [];
  /** The task sending {@linkcode #unanswered}, while it runs (the reader awaits it before ending). */
  #answering: Promise<void> | undefined;
  /** Why sending answers failed (Redis away, fenced out): the reader stops with it. */
  #answeringFailed: { reason: unknown } | undefined;

  /** Answers through `redis` (a client that does not block); runs commands with `run`. */
  constructor(redis: RedisClient, run: CommandRunner, options: CommandServerOptions) {
    this.#redis = redis;
    this.#run = run;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /**
   * Reads and runs requests until `signal` aborts: first those left pending (by this node's
   * earlier life, or a world that died), then new ones. `blocking` must be a client of its own.
   */
  async run(blocking: RedisClient, signal: AbortSignal): Promise<void> {
    this.#answeringFailed = undefined;
    try {
      await this.#read(blocking, signal);
    } finally {
      // Nothing runs behind a stopped reader: what has run is answered (or left pending, if
      // answering failed, for the next reader to claim).
      await this.#answering;
    }
  }

  async #read(blocking: RedisClient, signal: AbortSignal): Promise<void> {
    // From the start of the stream: commands sent before any world ever ran are not lost.
    await this.#redis.sendCommand([
      "XGROUP",
      "CREATE",
      COMMAND_STREAM,
      WORLD_GROUP,
      "0",
      "MKSTREAM",
    ])
      .catch((error) => {
        if (!String(error).includes("BUSYGROUP")) throw error;
      });
    // Requests handed out but never acknowledged: claim them all, whoever held them.
    let cursor = "0-0";
    do {
      const claimed = await this.#redis.sendCommand([
        "XAUTOCLAIM",
        COMMAND_STREAM,
        WORLD_GROUP,
        this.#options.node,
        "0",
        cursor,
        "COUNT",
        "100",
      ]) as [string, [string, string[] | null][]];
      cursor = claimed[0];
      await this.#handleBatch(claimed[1]);
    } while (cursor !== "0-0" && !signal.aborted);
    let lookedForStrays = performance.now();
    while (!signal.aborted) {
      if (performance.now() - lookedForStrays >= STRAY_CHECK_MS) {
        lookedForStrays = performance.now();
        await this.#claimStrays();
      }
      const reply = await blocking.sendCommand([
        "XREADGROUP",
        "GROUP",
        WORLD_GROUP,
        this.#options.node,
        "COUNT",
        "100",
        "BLOCK",
        String(READ_BLOCK_MS),
        "STREAMS",
        COMMAND_STREAM,
        ">",
      ]) as [string, [string, string[] | null][]][] | null;
      await this.#handleBatch(reply?.[0]?.[1] ?? []);
    }
  }

  /**
   * Claims and handles requests left pending by another consumer after this world started: a
   * world that was paused past its lease can have read a few before it woke, found itself fenced
   * out and stopped, without answering them.
   */
  async #claimStrays(): Promise<void> {
    const pending = await this.#redis.sendCommand([
      "XPENDING",
      COMMAND_STREAM,
      WORLD_GROUP,
      "IDLE",
      String(STRAY_IDLE_MS),
      "-",
      "+",
      "100",
    ]) as [string, string, number, number][];
    const strays = pending.filter(([, consumer]) => consumer !== this.#options.node)
      .map(([id]) => id);
    if (strays.length === 0) return;
    const claimed = await this.#redis.sendCommand([
      "XCLAIM",
      COMMAND_STREAM,
      WORLD_GROUP,
      this.#options.node,
      String(STRAY_IDLE_MS),
      ...strays,
    ]) as [string, string[] | null][];
    this.#logger.warn("claimed requests another world left unanswered", { count: claimed.length });
    await this.#handleBatch(claimed);
  }

  /**
   * Runs a batch of requests: one account's in stream order, different accounts' at once (a slow
   * request, such as a character loading from the database, holds up only its own player's next
   * ones), and hands their answers to {@linkcode #answerRan}. The next batch runs while this one's
   * events are written and its effects saved: the two no longer take turns.
   */
  async #handleBatch(entries: [string, string[] | null][]): Promise<void> {
    const byAccount = new Map<string, [string, string[] | null][]>();
    for (const entry of entries) {
      const account = (entry[1] === null ? undefined : field(entry[1], "account")) ?? "";
      const list = byAccount.get(account) ?? [];
      list.push(entry);
      byAccount.set(account, list);
    }
    const answers: Answer[] = [];
    // The batch's events and its note go to the event stream together, in one write.
    const release = this.#options.hold?.();
    let handled: PromiseSettledResult<void>[];
    try {
      handled = await Promise.allSettled(
        [...byAccount.values()].map(async (list) => {
          for (const [id, fields] of list) {
            const answer = await this.#handle(id, fields);
            if (answer !== undefined) answers.push(answer);
          }
        }),
      );
      const fresh = answers.filter((answer) => !answer.remembered && !isRefusal(answer.answer));
      if (fresh.length > 0) {
        this.#options.ran?.(fresh.map((answer) => [answer.key, answer.answer]));
      }
    } finally {
      release?.();
    }
    this.#unanswered.push(...answers);
    if (answers.length > 0) this.#answering ??= this.#answerRan();
    if (this.#unanswered.length >= MAX_UNANSWERED) await this.#answering;
    if (this.#answeringFailed !== undefined) throw this.#answeringFailed.reason;
    // Every account's requests have finished before a failure (Redis away, fenced out) stops the
    // reader: nothing is left running behind it.
    const failed = handled.find((result) => result.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  }

  /**
   * Sends the answers of requests that have run, in the order they ran, a group at a time: waits
   * until the group's events are in the event stream and its effects are saved, then answers it.
   * Requests that run meanwhile form the next group. Never rejects: a failure is kept for the
   * reader, and the answers not sent stay pending in Redis for the next reader to claim.
   */
  async #answerRan(): Promise<void> {
    // Let the caller's `#answering = …` land before this can end and clear it.
    await Promise.resolve();
    while (this.#unanswered.length > 0 && this.#answeringFailed === undefined) {
      const answers = this.#unanswered;
      this.#unanswered = [];
      try {
        if (answers.some((answer) => !answer.remembered)) {
          // The answer promises the commands' events are in the event stream...
          await this.#options.flushed();
          // ...and their effects saved (a world that takes over loads them).
          await this.#options.saved?.().catch((error) =>
            this.#logger.warn("saving after commands failed; the autosave tries again", {
              error: errorFields(error),
            })
          );
        }
        const sent = await Promise.allSettled(answers.map((answer) => this.#answer(answer)));
        const unsent = sent.find((result) => result.status === "rejected");
        if (unsent !== undefined) throw (unsent as PromiseRejectedResult).reason;
      } catch (error) {
        this.#answeringFailed = { reason: error };
        // Some may have gone out; keeping those too costs only a second, identical answer.
        for (const answer of answers) this.#keepUnsent(answer);
      } finally {
        // Remembered in Redis now, or kept in #ranUnsent: a retry finds the answer there.
        for (const answer of answers) if (!answer.remembered) this.#making.delete(answer.key);
      }
    }
    if (this.#answeringFailed !== undefined) {
      for (const answer of this.#unanswered) {
        this.#keepUnsent(answer);
        if (!answer.remembered) this.#making.delete(answer.key);
      }
      this.#unanswered = [];
    }
    // In the same turn as the loop's last look at #unanswered: answers pushed after this start a
    // new task, none is left waiting for a task that has ended.
    this.#answering = undefined;
  }

  /**
   * Keeps the answer of a request that ran here and was not sent, for when it is read again.
   * Answers remembered before, and refusals (a retry is a new try), are not kept; nor is anything
   * older than a remembered answer would be (Redis lost the request, and no retry came).
   */
  #keepUnsent(answer: Answer): void {
    const now = Date.now();
    for (const [key, { at }] of this.#ranUnsent) {
      if (now - at < ANSWERED_TTL_SECONDS * 1000) break;
      this.#ranUnsent.delete(key);
    }
    if (answer.remembered || isRefusal(answer.answer)) return;
    this.#ranUnsent.set(answer.key, { answer: answer.answer, at: now });
  }

  /** Runs one request (or finds its earlier answer); returns what to answer. */
  async #handle(id: string, fields: string[] | null): Promise<Answer | undefined> {
    const key = fields === null ? undefined : field(fields, "key");
    const account = fields === null ? undefined : field(fields, "account");
    const command = fields === null ? undefined : field(fields, "command");
    const reply = fields === null ? undefined : field(fields, "reply");
    const kind = (fields === null ? undefined : field(fields, "kind")) ?? "command";
    if (
      key === undefined || account === undefined || command === undefined || reply === undefined
    ) {
      // Trimmed away or malformed: nothing to run, nobody to answer.
      await this.#redis.sendCommand(["XACK", COMMAND_STREAM, WORLD_GROUP, id]);
      return undefined;
    }
    const making = this.#making.get(key);
    if (making !== undefined) return { id, key, reply, answer: await making, remembered: true };
    const ranBefore = this.#ranUnsent.get(key);
    if (ranBefore !== undefined) {
      // Ran here before Redis went away; its events may still be on their way to the stream, so
      // it is answered like a fresh one (after the flush, and remembered), but not run again.
      this.#ranUnsent.delete(key);
      this.#making.set(key, Promise.resolve(ranBefore.answer));
      return { id, key, reply, answer: ranBefore.answer, remembered: false };
    }
    const earlier = await this.#redis.sendCommand(["GET", answeredKey(key)]);
    if (typeof earlier === "string") return { id, key, reply, answer: earlier, remembered: true };
    // Run by a world that died before answering: its answer is in the event stream.
    const noted = this.#options.earlier?.(key);
    if (noted !== undefined) return { id, key, reply, answer: noted, remembered: false };
    const made = this.#runToAnswer({ key, account, kind: kind as RequestKind, command });
    this.#making.set(key, made);
    return { id, key, reply, answer: await made, remembered: false };
  }

  /** Runs a request; its answer as JSON (unavailable when running it failed). */
  async #runToAnswer(request: CommandRequest): Promise<string> {
    let outcome: unknown;
    try {
      outcome = await this.#run(request);
    } catch (error) {
      this.#logger.error("running a forwarded request failed", {
        kind: request.kind,
        error: errorFields(error),
      });
      outcome = UNAVAILABLE;
    }
    return JSON.stringify(outcome ?? null);
  }

  /** Sends one answer (fenced), remembering it first, and acknowledges its request. */
  async #answer({ id, key, reply, answer, remembered }: Answer): Promise<void> {
    try {
      await this.#redis.sendCommand([
        "EVAL",
        ANSWER,
        "4",
        FENCE_KEY,
        answeredKey(key),
        reply,
        COMMAND_STREAM,
        this.#options.fenceToken === undefined ? "" : String(this.#options.fenceToken),
        answer,
        remembered || isRefusal(answer) ? "0" : "1",
        key,
        id,
        WORLD_GROUP,
        String(REPLY_KEEP),
        String(ANSWERED_TTL_SECONDS),
      ]);
    } catch (error) {
      if (isFencedOut(error)) throw new FencedOutError(undefined, { cause: error });
      throw error;
    }
  }
}

/** A request's answer, ready to send. */
interface Answer {
  /** The request's entry id (acknowledged with the answer). */
  id: string;
  /** Its idempotency key. */
  key: string;
  /** The edge's reply stream. */
  reply: string;
  /** The answer as JSON. */
  answer: string;
  /** Whether it was answered before (a retry): sent again, not run or remembered again. */
  remembered: boolean;
}

/**
 * Whether an answer (JSON) refuses a command — rate limited, closing, not in the world, or
 * unavailable. A refusal is not remembered: a retry with the same key is a new try, not the same
 * refusal again (a world that was closing would otherwise refuse the retry for ten minutes).
 */
function isRefusal(answer: string): boolean {
  const parsed = JSON.parse(answer) as { accepted?: unknown } | null;
  return parsed?.accepted === false;
}

/** Where the answer to the request with idempotency key `key` is remembered. */
function answeredKey(key: string): string {
  return `mythos:answered:${key}`;
}

function field(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
