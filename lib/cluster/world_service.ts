/**
 * The world node's side of the cluster: it answers the edges' requests (commands, opening a
 * stream, logging out, describing a character, admin rights) by running them on the game, and it
 * decides who is linkdead from the stream counts every edge keeps in Redis.
 *
 * @module
 */

import type { EventBus } from "../bus/event_bus.ts";
import { recordFrame } from "../bus/operations.ts";
import type { EventType } from "../bus/events.ts";
import type { Game } from "../game/game.ts";
import type { Supervisor } from "../lifecycle/supervisor.ts";
import { every } from "../lifecycle/ticker.ts";
import { errorFields, type Logger, silentLogger } from "../log.ts";
import { type Presence, PresenceError } from "../presence/presence.ts";
import type { CommandRequest } from "./command_channel.ts";
import type { EventLogWriter } from "./event_log.ts";
import type { NodeRegistry } from "./node_registry.ts";

/** The world's answer to `open`: what the edge needs to start the stream. */
export type OpenAnswer =
  | {
    ok: true;
    /** The character's name (`stream.hello`). */
    name: string;
    /** The greeting frames (room, stats, time) as data. */
    greeting: { type: EventType; text: string }[];
    /** The newest event id the greeting reflects. */
    at: number;
    /** The event-stream position the edge must have applied before it subscribes. */
    position: string;
  }
  | { ok: false; code: "no_character" | "closing"; message: string };

/** The arguments of the calls other than `command`, as JSON in the request's `command` field. */
export interface CallArguments {
  /** `describe`: the account's name. */
  name?: string;
  /** `admin`: whether the account now holds admin rights. */
  admin?: boolean;
}

/** What the world service runs requests on. */
export interface WorldServiceParts {
  /** The game. */
  game: Game;
  /** The world's bus (its newest id marks a greeting). */
  bus: EventBus;
  /** Brings characters in, logs them out, reaps the linkdead. */
  presence: Presence;
  /** Records the bus into the event stream (its position marks a greeting). */
  writer: EventLogWriter;
  /** Stream counts across the edges. */
  registry: NodeRegistry;
}

/** Name of the task that marks players linkdead when no edge holds a stream of theirs. */
export const LINKDEAD_TASK = "cluster.linkdead";

/** Runs the edges' requests on the game. */
export class WorldService {
  readonly #parts: WorldServiceParts;
  readonly #logger: Logger;
  readonly #now: () => number;
  /** When each player last opened a stream, by a counter, so a check that read the counts
   * before the edge wrote them does not mark a player who has just come in. */
  readonly #opened = new Map<string, number>();
  #openings = 0;

  /** Creates the service. */
  constructor(parts: WorldServiceParts, options: { logger?: Logger; now?: () => number } = {}) {
    this.#parts = parts;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
  }

  /** Runs one request and returns its answer (the command channel's runner). */
  async handle(request: CommandRequest): Promise<unknown> {
    const { game, presence } = this.#parts;
    switch (request.kind ?? "command") {
      case "command":
        return await game.submit(request.account, request.command);
      case "open":
        return await this.#open(request.account);
      case "logout":
        await presence.logout(request.account);
        return null;
      case "describe": {
        const args = parseArguments(request.command);
        return await game.describe(request.account, args.name ?? "");
      }
      case "admin":
        game.setAdmin(request.account, parseArguments(request.command).admin === true);
        return null;
    }
  }

  async #open(accountId: string): Promise<OpenAnswer> {
    const { game, bus, presence, writer } = this.#parts;
    try {
      const player = await presence.bringIn(accountId);
      this.#opened.set(player.id, ++this.#openings);
      return {
        ok: true,
        name: player.name,
        greeting: game.snapshot(player.id).map(recordFrame),
        at: bus.lastId,
        position: writer.position,
      };
    } catch (error) {
      if (error instanceof PresenceError && error.code !== "unavailable") {
        return { ok: false, code: error.code, message: error.message };
      }
      throw error;
    }
  }

  /**
   * Marks linkdead every player in the world with no stream on any live edge (their last one
   * ended, or the edge holding it stopped and its heartbeat lapsed); returns how many.
   */
  async markLinkdead(): Promise<number> {
    const { game, registry } = this.#parts;
    const startedAt = this.#openings;
    const candidates = [...game.world.players()].filter((player) =>
      !player.linkdead && !game.isLeaving(player.id)
    );
    if (candidates.length === 0) {
      this.#opened.clear();
      return 0;
    }
    const streams = await registry.streamsOfMany(candidates.map((player) => player.id));
    let marked = 0;
    for (const player of candidates) {
      // Looked at again: the player may have left, or opened a stream while Redis answered.
      if (
        (streams.get(player.id) ?? 0) > 0 || player.linkdead ||
        game.player(player.id) !== player || (this.#opened.get(player.id) ?? 0) > startedAt
      ) {
        continue;
      }
      game.linkdead(player, this.#now());
      marked++;
    }
    for (const [id, opening] of this.#opened) if (opening <= startedAt) this.#opened.delete(id);
    return marked;
  }

  /** Spawns the linkdead check, every `intervalMs`; Redis trouble is logged, not fatal. */
  start(supervisor: Supervisor, intervalMs: number): void {
    let failing = false;
    supervisor.spawn(LINKDEAD_TASK, (signal) =>
      every(intervalMs, async () => {
        try {
          await this.markLinkdead();
          failing = false;
        } catch (error) {
          if (!failing) {
            this.#logger.warn(
              "cannot count streams in Redis; nobody is marked linkdead meanwhile",
              {
                error: errorFields(error),
              },
            );
          }
          failing = true;
        }
      }, { signal }), { critical: true });
  }
}

function parseArguments(text: string): CallArguments {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === "object" && parsed !== null ? parsed as CallArguments : {};
  } catch {
    return {};
  }
}
