/**
 * Every command, looked up by verb or alias.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import type { PlayerState } from "../world.ts";
import { adminCommands } from "./admin.ts";
import type { Command, CommandGroup } from "./command.ts";
import { converseCommands } from "./converse.ts";
import { fightCommands } from "./fight.ts";
import { infoCommands } from "./info.ts";
import { itemCommands } from "./items.ts";
import { movementCommands } from "./movement.ts";
import { nearest, type ParsedCommand } from "./parser.ts";
import { selfCommands } from "./self.ts";
import { talkCommands } from "./talk.ts";
import { togetherCommands } from "./together.ts";
import { useCommands } from "./use.ts";

/** Every command by kind, in the order `help` lists them. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  { title: "Looking around", commands: infoCommands },
  { title: "Moving", commands: movementCommands },
  { title: "Talking", commands: [...talkCommands, ...converseCommands] },
  { title: "Things", commands: [...itemCommands, ...useCommands] },
  { title: "Together", commands: togetherCommands },
  { title: "Danger", commands: fightCommands },
  { title: "Yourself", commands: selfCommands },
  { title: "Admin", commands: adminCommands },
];

/** Every command, in the order `help` lists them. */
export const COMMANDS: readonly Command[] = COMMAND_GROUPS.flatMap((group) => group.commands);

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

/** Commands `player` can use, by kind (groups with none left out). */
export function commandGroupsFor(player: PlayerState): CommandGroup[] {
  return COMMAND_GROUPS.map((group) => ({
    title: group.title,
    commands: group.commands.filter((command) => !command.admin || player.admin),
  })).filter((group) => group.commands.length > 0);
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
  const advice = MUD_VERBS.get(parsed.verb);
  if (advice !== undefined) {
    game.error(player, advice, "unknown_command");
    return;
  }
  const words = commandsFor(player).flatMap((c) => [c.name, ...(c.aliases ?? [])])
    .filter((word) => word.length > 2);
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

/**
 * Verbs players bring from other MUDs that this game has no command for: each answers what to do
 * instead, rather than a near miss ("kill" is not "tell").
 */
const MUD_VERBS: ReadonlyMap<string, string> = new Map(
  ([
    [["quest", "goals"], "Type journal for the story so far and what to try next."],
    [
      ["wear", "wield", "search", "push", "pull"],
      "That is not something you can do here; try use <thing>, or examine <thing> to learn more about it.",
    ],
    [["group"], "Type party invite <name> to play as a party; help party says more."],
    [["stats", "status", "health"], "Type score for your lucidity, what you carry and your party."],
    [
      ["north", "south", "east", "west", "up", "down"],
      "Type go <direction>, or just n, s, e, w, u or d.",
    ],
  ] as const).flatMap(([verbs, advice]) => verbs.map((verb) => [verb, advice] as [string, string])),
);
