/**
 * Talking: say, emote, whisper, reply, ooc.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import type { PlayerState } from "../world.ts";
import type { Command } from "./command.ts";
import { splitFirst } from "./parser.ts";
import { npcsHear } from "./converse.ts";

function whisper(
  game: CommandContext,
  player: PlayerState,
  targetName: string,
  text: string,
): void {
  if (targetName === "") {
    game.error(player, "Whisper to whom?", "missing_target");
    return;
  }
  const matches = game.world.playersByPrefix(targetName);
  if (matches.length === 0) {
    game.error(player, `No one called "${targetName}" is abroad.`, "no_such_player");
    return;
  }
  if (matches.length > 1) {
    game.error(
      player,
      `More than one investigator answers to "${targetName}". Use more of the name.`,
      "ambiguous",
    );
    return;
  }
  whisperTo(game, player, matches[0] as PlayerState, text);
}

function whisperTo(
  game: CommandContext,
  player: PlayerState,
  target: PlayerState,
  text: string,
): void {
  if (target === player) {
    game.error(player, "You mutter to yourself. It is not a good sign.", "self");
    return;
  }
  if (text === "") {
    game.error(player, `Whisper what to ${target.name}?`, "missing_text");
    return;
  }
  target.replyTo = { id: player.id, name: player.name };
  game.toPlayer(target, { type: "tell.received", data: { from: player.name, text } });
  game.toPlayer(player, { type: "tell.sent", data: { to: target.name, text } });
}

/** say, emote, whisper, reply, ooc. */
export const talkCommands: readonly Command[] = [
  {
    name: "say",
    aliases: ["'"],
    usage: "say <words>",
    summary: "Speak aloud to everyone in the room. 'hello works too.",
    run: (game, player, text) => {
      if (text === "") {
        game.error(player, "Say what?", "missing_text");
        return;
      }
      game.toRoom(player.room, { type: "room.say", data: { from: player.name, text } });
      npcsHear(game, player, text);
    },
  },
  {
    name: "emote",
    aliases: [":", "me"],
    usage: "emote <action>",
    summary: "Act something out for the room: emote shivers. :shivers works too.",
    run: (game, player, text) => {
      if (text === "") game.error(player, "Do what?", "missing_text");
      else game.toRoom(player.room, { type: "room.emote", data: { from: player.name, text } });
    },
  },
  {
    name: "whisper",
    aliases: ["tell"],
    usage: "whisper <name> <words>",
    summary: "Speak privately to one investigator, wherever they are.",
    run: (game, player, args) => {
      const [name, text] = splitFirst(args);
      whisper(game, player, name, text);
    },
  },
  {
    name: "reply",
    aliases: ["r"],
    usage: "reply <words>",
    summary: "Whisper back to whoever last whispered to you.",
    run: (game, player, text) => {
      if (player.replyTo === undefined) {
        game.error(player, "No one has whispered to you yet.", "no_reply");
        return;
      }
      const target = game.world.player(player.replyTo.id);
      if (target === undefined) {
        game.error(player, `${player.replyTo.name} is no longer abroad.`, "no_such_player");
        return;
      }
      whisperTo(game, player, target, text);
    },
  },
  {
    name: "ooc",
    usage: "ooc <words>",
    summary: "Speak out of character to everyone in the game.",
    run: (game, player, text) => {
      if (text === "") game.error(player, "Say what, out of character?", "missing_text");
      else game.toAll({ type: "chat.ooc", data: { from: player.name, text } });
    },
  },
];
