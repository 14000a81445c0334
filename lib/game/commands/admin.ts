/**
 * Admin commands: teleport, goto, broadcast, kick, shutdown. For anyone who is not an admin they
 * do not exist.
 *
 * @module
 */

import { streamFrame } from "../../bus/frame.ts";
import type { CommandContext } from "./context.ts";
import type { PlayerState } from "../world.ts";
import type { RoomDef } from "../world_data.ts";
import type { Command } from "./command.ts";
import { splitFirst } from "./parser.ts";

/** The room `text` names: an exact id, or the one room whose id or name contains it. */
export function findRoom(game: CommandContext, text: string): RoomDef | "none" | "ambiguous" {
  const exact = game.world.room(text);
  if (exact !== undefined) return exact;
  const wanted = text.toLowerCase();
  const found = [...game.world.rooms()].filter((room) =>
    room.id.includes(wanted) || room.name.toLowerCase().includes(wanted)
  );
  if (found.length === 0) return "none";
  return found.length === 1 ? found[0] ?? "none" : "ambiguous";
}

function onePlayer(
  game: CommandContext,
  admin: PlayerState,
  name: string,
): PlayerState | undefined {
  const matches = game.world.playersByPrefix(name);
  if (matches.length !== 1) {
    game.error(
      admin,
      matches.length === 0 ? `No player "${name}" is in the world.` : `"${name}" is ambiguous.`,
      "no_such_player",
    );
    return undefined;
  }
  return matches[0];
}

/** teleport, goto, broadcast, kick, shutdown. */
export const adminCommands: readonly Command[] = [
  {
    name: "teleport",
    admin: true,
    usage: "teleport <player> <room>",
    summary: "Move a player to a room (by id or part of its name).",
    run: (game, admin, args) => {
      const [name, roomText] = splitFirst(args);
      const target = name === "" ? undefined : onePlayer(game, admin, name);
      if (target === undefined) {
        if (name === "") game.error(admin, "Usage: teleport <player> <room>", "usage");
        return;
      }
      const room = findRoom(game, roomText);
      if (typeof room === "string") {
        game.error(
          admin,
          room === "none"
            ? `No room matches "${roomText}".`
            : `"${roomText}" matches several rooms.`,
          "no_such_room",
        );
        return;
      }
      game.notice(target, "A cold wind snatches you away.", "admin.teleported");
      game.move(target, room.id);
      if (target !== admin) {
        game.notice(admin, `${target.name} is now in ${room.name}.`, "admin.done");
      }
    },
  },
  {
    name: "goto",
    admin: true,
    usage: "goto <room|player>",
    summary: "Go straight to a room, or to a player.",
    run: (game, admin, args) => {
      if (args === "") {
        game.error(admin, "Usage: goto <room|player>", "usage");
        return;
      }
      const player = game.world.playersByPrefix(args);
      if (player.length === 1 && player[0] !== undefined) {
        game.move(admin, player[0].room);
        return;
      }
      const room = findRoom(game, args);
      if (typeof room === "string") {
        game.error(admin, `No single room or player matches "${args}".`, "no_such_room");
        return;
      }
      game.move(admin, room.id);
    },
  },
  {
    name: "broadcast",
    admin: true,
    usage: "broadcast <text>",
    summary: "Announce something to everyone in the game.",
    run: (game, admin, text) => {
      if (text === "") {
        game.error(admin, "Broadcast what?", "missing_text");
        return;
      }
      game.toAll({
        type: "system.notice",
        data: { text, code: "admin.broadcast", from: admin.name },
      });
    },
  },
  {
    name: "kick",
    admin: true,
    usage: "kick <player>",
    summary: "Disconnect a player and take their character out of the world.",
    run: async (game, admin, name) => {
      const target = name === "" ? undefined : onePlayer(game, admin, name);
      if (target === undefined) {
        if (name === "") game.error(admin, "Usage: kick <player>", "usage");
        return;
      }
      await game.leave(
        target.id,
        `kicked by ${admin.name}`,
        streamFrame({
          type: "stream.superseded",
          data: { reason: "You were removed from the game by an admin" },
        }),
      );
      if (target !== admin) {
        game.notice(admin, `${target.name} has been removed from the game.`, "admin.done");
      }
    },
  },
  {
    name: "shutdown",
    admin: true,
    usage: "shutdown [seconds|cancel]",
    summary: "Shut the server down after a countdown (default 60 s), or cancel one.",
    run: (game, admin, args) => {
      const word = args.toLowerCase();
      if (word === "cancel") {
        game.notice(admin, game.scheduleShutdown(undefined, admin), "admin.shutdown");
        return;
      }
      const seconds = word === "" ? 60 : Number(word);
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) {
        game.error(admin, "Usage: shutdown [seconds from 0 to 3600|cancel]", "usage");
        return;
      }
      game.notice(admin, game.scheduleShutdown(seconds, admin), "admin.shutdown");
    },
  },
];
