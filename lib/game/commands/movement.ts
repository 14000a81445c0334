/**
 * Moving between rooms: go, and every direction with its short form.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import { type Direction, DIRECTIONS } from "../world_data.ts";
import type { PlayerState } from "../world.ts";
import type { Command } from "./command.ts";
import { capitalized } from "../../text/sentence.ts";

const SHORT: Readonly<Record<Direction, string>> = {
  north: "n",
  south: "s",
  east: "e",
  west: "w",
  northeast: "ne",
  northwest: "nw",
  southeast: "se",
  southwest: "sw",
  up: "u",
  down: "d",
};

/** The direction a word names (full or short), if any. */
export function directionOf(word: string): Direction | undefined {
  const lower = word.toLowerCase();
  return DIRECTIONS.find((direction) => direction === lower || SHORT[direction] === lower);
}

function go(game: CommandContext, player: PlayerState, word: string): void {
  if (word === "") {
    game.error(player, "Go where?", "missing_direction");
    return;
  }
  const direction = directionOf(word);
  if (direction === undefined) {
    game.error(player, `"${word}" is not a direction.`, "bad_direction");
    return;
  }
  const to = game.world.room(player.room)?.exits.get(direction);
  if (to === undefined) {
    game.error(player, "You can't go that way.", "no_exit");
    return;
  }
  const door = game.world.room(player.room)?.doors.get(direction);
  if (door !== undefined && !game.world.doorOpen(player.room, direction)) {
    game.error(
      player,
      `${capitalized(door.name)} is shut and locked.`,
      "locked",
    );
    return;
  }
  game.move(player, to);
}

/** go, and one command per direction. */
export const movementCommands: readonly Command[] = [
  {
    name: "go",
    aliases: ["walk"],
    usage: "go <direction>",
    summary:
      "Walk north, south, east, west, northeast, northwest, southeast, southwest, up or down.",
    run: (game, player, args) => go(game, player, args.split(/\s+/)[0] ?? ""),
  },
  ...DIRECTIONS.map((direction): Command => ({
    name: direction,
    aliases: [SHORT[direction]],
    usage: direction,
    summary: `Go ${direction}.`,
    run: (game, player) => go(game, player, direction),
  })),
];
