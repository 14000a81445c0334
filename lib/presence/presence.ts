/**
 * Presence: who is in the world, through which streams, and for how long after the last one
 * drops.
 *
 * A player is online while they hold at least one stream (up to a limit of tabs; one more ends
 * the oldest with `stream.superseded`). When the last stream ends without a logout the character
 * stays in the world, linkdead, for a grace period; reconnecting within it resumes with replay
 * and no leave or enter. When the grace runs out (checked by one supervised task, not a timer
 * per player) the character leaves the world and is saved.
 *
 * @module
 */

import { streamFrame } from "../bus/frame.ts";
import type { Supervisor } from "../lifecycle/supervisor.ts";
import { every } from "../lifecycle/ticker.ts";
import { errorFields, type Logger, silentLogger } from "../log.ts";
import type { SseHub } from "../sse/hub.ts";
import type { EventBus } from "../bus/event_bus.ts";
import type { Game } from "../game/game.ts";
import type { PlayerState } from "../game/world.ts";
import { type PlayerRecord, type Store, StoreUnavailableError } from "../store/store.ts";

/** What presence joins: the game, the bus its streams read, the store, the SSE hub. */
export interface PresenceParts {
  /** Characters enter and leave it. */
  game: Game;
  /** Streams subscribe to players' mailboxes here. */
  bus: EventBus;
  /** Where a character is loaded from when it enters. */
  store: Store;
  /** Where streams are opened. */
  hub: SseHub;
}

/** Options for {@linkcode Presence}. */
export interface PresenceOptions {
  /** How long a linkdead character stays in the world, in milliseconds. */
  linkdeadGraceMs: number;
  /** Streams (tabs) one player may hold at once. */
  maxStreams: number;
  /** Where trouble is logged. */
  logger?: Logger;
  /** Clock in epoch milliseconds; tests may replace it. */
  now?: () => number;
  /** Whether an account holds admin rights; default: none does. */
  isAdmin?: (accountId: string) => Promise<boolean>;
}

/** How many expired characters the reaper takes out (and saves) at once. */
const REAP_AT_ONCE = 32;

/** Name of the linkdead reaper's task. */
export const REAPER_TASK = "presence.reaper";

/** Spawns the linkdead reaper as a critical task: without it, linkdead characters never leave. */
export function startPresenceTasks(supervisor: Supervisor, presence: Presence): void {
  supervisor.spawn(REAPER_TASK, (signal) => presence.run(signal), { critical: true });
}

/**
 * What the HTTP routes need of presence, whether the game runs in this process ({@linkcode
 * Presence}) or on a cluster's world node (the edge's presence).
 */
export interface PlayerPresence {
  /**
   * Opens the account's event stream, putting its character into the world if it is not there;
   * resumes after `lastEventId` when it can. `owner` is the login session opening it.
   *
   * @throws {PresenceError} when the character is missing or the server cannot take it now.
   */
  openStream(accountId: string, lastEventId: string | undefined, owner?: string): Promise<Response>;
  /** Logs the character out: it leaves the world at once and its streams end. */
  logout(accountId: string): Promise<void>;
  /** Ends the account's streams that other login sessions opened. */
  endOtherSessions(accountId: string, keepSession: string): void | Promise<void>;
}

/** A stream could not be opened. */
export class PresenceError extends Error {
  /** `no_character`, `closing` (shutting down), or `unavailable` (the world did not answer). */
  readonly code: "no_character" | "closing" | "unavailable";

  /** Creates the error. */
  constructor(code: PresenceError["code"], message: string) {
    super(message);
    this.name = "PresenceError";
    this.code = code;
  }
}

/** The last frame of a stream a newer tab replaced. */
export const SUPERSEDED = streamFrame({
  type: "stream.superseded",
  data: { reason: "Opened in another window" },
});

const LOGGED_OUT = streamFrame({
  type: "stream.superseded",
  data: { reason: "Logged out" },
});

/** The last frame of a stream whose login session ended with a password change. */
export const SESSIONS_ENDED = streamFrame({
  type: "stream.superseded",
  data: { reason: "The password was changed; log in again" },
});

/** Tracks players' streams and their linkdead grace. */
export class Presence implements PlayerPresence {
  readonly #game: Game;
  readonly #bus: EventBus;
  readonly #store: Store;
  readonly #hub: SseHub;
  readonly #graceMs: number;
  readonly #maxStreams: number;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #isAdmin: (accountId: string) => Promise<boolean>;

  /** Creates presence over the game and the SSE hub. */
  constructor(parts: PresenceParts, options: PresenceOptions) {
    this.#game = parts.game;
    this.#bus = parts.bus;
    this.#store = parts.store;
    this.#hub = parts.hub;
    this.#graceMs = options.linkdeadGraceMs;
    this.#maxStreams = options.maxStreams;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#isAdmin = options.isAdmin ?? (() => Promise.resolve(false));
  }

  /**
   * Opens the event stream of the account `accountId`, putting the character into the world if it is not there.
   * A stream that cannot resume from `lastEventId` starts with the room, stats and time.
   *
   * @throws {PresenceError} when the character is missing or the server is shutting down.
   */
  async openStream(
    accountId: string,
    lastEventId: string | undefined,
    owner?: string,
  ): Promise<Response> {
    const game = this.#game;
    const player = await this.bringIn(accountId);
    if (this.#bus.subscriberCount(player.id) >= this.#maxStreams) {
      this.#bus.endOldest(player.id, SUPERSEDED);
    }
    const id = player.id;
    const subscription = this.#bus.subscribe(id, {
      lastEventId,
      greeting: () => game.snapshot(id),
      owner,
    });
    return this.#hub.open(subscription, {
      player: player.name,
      onEnd: () => this.#streamEnded(id),
    });
  }

  /**
   * Puts the account's character into the world if it is not there, or brings it back from
   * linkdead; returns it.
   *
   * @throws {PresenceError} when the character is missing or the server is shutting down.
   */
  async bringIn(accountId: string): Promise<PlayerState> {
    if (this.#hub.closing) throw new PresenceError("closing", "The server is shutting down");
    const game = this.#game;
    let player = game.player(accountId);
    if (player === undefined) {
      // Both reads at once: a crowd connecting together waits one store round trip each, not two.
      const [record, admin] = await Promise.all([
        this.#store.getPlayer(accountId),
        this.#isAdmin(accountId),
      ]);
      if (record === undefined) {
        throw new PresenceError("no_character", "This account has no character");
      }
      if (this.#hub.closing) throw new PresenceError("closing", "The server is shutting down");
      player = game.player(accountId) ?? game.enter(record, { admin });
    } else if (player.linkdead) {
      game.returned(player);
    }
    return player;
  }

  /**
   * Takes back the characters whose mailboxes an earlier world node left open (a takeover: the
   * bus followed the event stream), from their saved records, without a word to anyone; a
   * mailbox without a character is released. The linkdead check then treats them as any other.
   * `newest` may offer a newer record than the saved one (a change the earlier world noted in the
   * event stream but died before saving). Returns how many came back.
   */
  async resumeAll(
    accountIds: readonly string[],
    options: { newest?: (saved: PlayerRecord) => PlayerRecord } = {},
  ): Promise<number> {
    let resumed = 0;
    await Promise.all(accountIds.map(async (accountId) => {
      const saved = await this.#store.getPlayer(accountId);
      if (saved === undefined) {
        this.#bus.release(accountId);
        return;
      }
      const record = options.newest?.(saved) ?? saved;
      this.#game.resume(record, { admin: await this.#isAdmin(accountId) });
      resumed++;
    }));
    return resumed;
  }

  /** Logs the character out: it leaves the world at once and its streams end. */
  async logout(accountId: string): Promise<void> {
    await this.#takeOut(accountId, "logged out", LOGGED_OUT);
  }

  /**
   * Ends the account's streams that other sessions opened (after a password change): they get
   * `stream.superseded` and must log in again.
   */
  endOtherSessions(accountId: string, keepSession: string): void {
    this.#bus.endOthers(accountId, keepSession, SESSIONS_ENDED);
  }

  /** Takes out every character whose grace has run out; returns how many. */
  async reap(): Promise<number> {
    const now = this.#now();
    const expired = [...this.#game.world.players()].filter((player) =>
      player.linkdead && player.linkdeadSince !== undefined &&
      now - player.linkdeadSince >= this.#graceMs
    );
    // A few at a time: after a network blip takes a whole crowd linkdead, their saves overlap
    // instead of queueing one behind another (2,000 in a row took seconds past the grace).
    for (let start = 0; start < expired.length; start += REAP_AT_ONCE) {
      await Promise.all(
        expired.slice(start, start + REAP_AT_ONCE).map((player) =>
          this.#takeOut(player.id, "linkdead grace expired")
        ),
      );
    }
    return expired.length;
  }

  /** The reaper loop, run as one supervised task. */
  run(signal: AbortSignal): Promise<void> {
    const interval = Math.max(10, Math.min(1000, Math.floor(this.#graceMs / 4)));
    return every(interval, async () => {
      await this.reap();
    }, { signal });
  }

  async #takeOut(
    playerId: string,
    reason: string,
    finalFrame?: Parameters<Game["leave"]>[2],
  ): Promise<void> {
    try {
      await this.#game.leave(playerId, reason, finalFrame);
    } catch (error) {
      if (error instanceof StoreUnavailableError) {
        // Out of the world already; the game keeps the record and the next autosave writes it.
        this.#logger.warn(
          "a character left while the store was away; it is saved when it is back",
          {
            player: playerId,
            reason,
          },
        );
        return;
      }
      this.#logger.error("taking a character out of the world failed", {
        player: playerId,
        reason,
        error: errorFields(error),
      });
    }
  }

  #streamEnded(playerId: string): void {
    // At shutdown every stream ends; players are saved as they stand, not marked linkdead.
    if (this.#hub.closing || this.#game.isLeaving(playerId)) return;
    const player = this.#game.player(playerId);
    if (player === undefined || this.#bus.subscriberCount(playerId) > 0) return;
    this.#game.linkdead(player, this.#now());
  }
}
