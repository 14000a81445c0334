/**
 * An edge's view of the world node: the game calls the HTTP routes make, sent through the
 * command channel and answered by the world service (`world_service.ts`).
 *
 * @module
 */

import type { CharacterSummary, Submission } from "../game/game.ts";
import { HttpError } from "../http/errors.ts";
import { type CommandClient, isUnavailable, UNAVAILABLE } from "./command_channel.ts";
import type { CallArguments, OpenAnswer } from "./world_service.ts";

/** What a player is told when the world does not answer in time. */
export const WORLD_AWAY = "The game world is not answering; try again shortly";

/** What an edge answers when the world does not answer in time. */
export function worldUnavailable(): HttpError {
  return new HttpError(503, "unavailable", WORLD_AWAY, { "retry-after": "2" });
}

/** Sends the routes' game calls to the world node. */
export class WorldClient {
  readonly #commands: CommandClient;

  /** Sends through `commands`. */
  constructor(commands: CommandClient) {
    this.#commands = commands;
  }

  /**
   * Runs a player's command on the world; resolves once it has run there. With the browser's
   * `idempotencyKey`, a retry (after a 503, or an answer lost to a dropped connection) is answered
   * by the world as the first was, whichever edge it reaches, and not run twice.
   */
  submit(
    accountId: string,
    command: string,
    options: { idempotencyKey?: string } = {},
  ): Promise<Submission | typeof UNAVAILABLE> {
    const key = options.idempotencyKey === undefined
      ? newKey()
      : `command:${accountId}:${options.idempotencyKey}`;
    return this.#commands.send<Submission>({ key, account: accountId, command });
  }

  /** Brings the character into the world (or back from linkdead) and fetches its greeting. */
  open(accountId: string): Promise<OpenAnswer | typeof UNAVAILABLE> {
    return this.#commands.send<OpenAnswer>({
      key: newKey(),
      account: accountId,
      kind: "open",
      command: "{}",
    });
  }

  /**
   * Logs the character out on the world.
   *
   * @throws {HttpError} 503 when the world does not answer.
   */
  async logout(accountId: string): Promise<void> {
    await this.#call<null>(accountId, "logout", {});
  }

  /**
   * The character as `/api/me` shows it, live from the world.
   *
   * @throws {HttpError} 503 when the world does not answer.
   */
  describe(accountId: string, name: string): Promise<CharacterSummary> {
    return this.#call<CharacterSummary>(accountId, "describe", { name });
  }

  /**
   * Gives or takes the character's admin commands on the world.
   *
   * @throws {HttpError} 503 when the world does not answer (the right is stored; it applies at
   * the character's next entry).
   */
  async setAdmin(accountId: string, admin: boolean): Promise<void> {
    await this.#call<null>(accountId, "admin", { admin });
  }

  /** Sends a call with its arguments; its answer, or a 503 when the world does not answer. */
  async #call<Answer>(
    accountId: string,
    kind: "logout" | "describe" | "admin",
    args: CallArguments,
  ): Promise<Answer> {
    const answer = await this.#commands.send<Answer>({
      key: newKey(),
      account: accountId,
      kind,
      command: JSON.stringify(args),
    });
    if (isUnavailable(answer)) throw worldUnavailable();
    return answer;
  }
}

function newKey(): string {
  return crypto.randomUUID();
}
