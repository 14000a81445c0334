/**
 * Every command, looked up by verb or alias.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import type { PlayerState } from "../world.ts";
import { adminCommands } from "./admin.ts";
import type { Command } from "./command.ts";
import { infoCommands } from "./info.ts";
import { itemCommands } from "./items.ts";
import { movementCommands } from "./movement.ts";
import { nearest, type ParsedCommand } from "./parser.ts";
import { selfCommands } from "./self.ts";
import { talkCommands } from "./talk.ts";

/** Every command, in the order `help` lists them. */
export const COMMANDS: readonly Command[] = [
  ...infoCommands,
  ...movementCommands,
  ...talkCommands,
  ...itemCommands,
  ...selfCommands,
  ...adminCommands,
];

const BY_WORD = new Map<string, Command>();
for (const command of COMMANDS) {
  for (const word of [command.name, ...(command.aliases ?? [])]) {
    if (BY_WORD.has(word)) throw new Error(`Command word ${word} is defined twice`);
    BY_WORD.set(word, command);
  }
}

/** The command `word` names for `player` (admin commands exist only for admins). */
export function findCommand(word: string, player: PlayerState): Command | undefined {
  const command = BY_WORD.get(word);
  if (command === undefined || (command.admin && !player.admin)) return undefined;
  return command;
}

/** Commands `player` can use. */
export function commandsFor(player: PlayerState): Command[] {
  return COMMANDS.filter((command) => !command.admin || player.admin);
}

/** Runs a parsed command, or tells the player it is unknown and suggests the nearest one. */
export async function runCommand(
  game: CommandContext,
  player: PlayerState,
  parsed: ParsedCommand,
): Promise<void> {
  if (parsed.verb === "") return;
  const command = findCommand(parsed.verb, player);
  if (command !== undefined) {
    await command.run(game, player, parsed.args);
    return;
  }
  const words = commandsFor(player).flatMap((c) => [c.name, ...(c.aliases ?? [])])
    .filter((word) => word.length > 1);
  const guess = nearest(parsed.verb, words);
  const shown = parsed.verb.length > 40 ? `${parsed.verb.slice(0, 40)}…` : parsed.verb;
  game.error(
    player,
    guess === undefined
      ? `You don't know how to "${shown}". Type help for the commands you know.`
      : `You don't know how to "${shown}". Did you mean ${guess}?`,
    "unknown_command",
  );
}
