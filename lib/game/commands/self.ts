/**
 * Looking after yourself: rest, quit.
 *
 * @module
 */

import { streamFrame } from "../../bus/frame.ts";
import type { Command } from "./command.ts";

/** rest, quit. */
export const selfCommands: readonly Command[] = [
  {
    name: "rest",
    aliases: ["sit", "sleep"],
    usage: "rest",
    summary: "Rest in a safe place to recover your lucidity; rest again (or move) to stop.",
    run: (game, player) => {
      if (player.resting) {
        player.resting = false;
        game.notice(player, "You stop resting and gather yourself.", "rest.stop");
        game.stats(player);
        return;
      }
      if (!game.world.room(player.room)?.flags.has("rest")) {
        game.error(player, "This is no place to let your guard down.", "not_restful");
        return;
      }
      player.resting = true;
      game.notice(player, "You settle down and let your racing thoughts slow.", "rest.start");
      game.toRoom(player.room, {
        type: "room.emote",
        data: { from: player.name, text: "sits down to rest." },
      }, player);
      game.stats(player);
    },
  },
  {
    name: "quit",
    aliases: ["logout"],
    usage: "quit",
    summary: "Leave the game (your character is saved where it stands).",
    run: async (game, player) => {
      game.notice(player, "You step out of the story. Until next time.", "quit");
      await game.leave(
        player.id,
        "quit",
        streamFrame({ type: "stream.superseded", data: { reason: "You have left the game" } }),
      );
    },
  },
];
