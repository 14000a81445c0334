/**
 * Handling things: get, drop.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import type { ItemState, PlayerState } from "../world.ts";
import type { Command } from "./command.ts";
import { questProgress } from "../quests.ts";
import { capitalized } from "../../text/sentence.ts";
import { takeOut, watchingGuard } from "./use.ts";

function pick(
  game: CommandContext,
  player: PlayerState,
  word: string,
  where: "room" | "carried",
): ItemState | undefined {
  if (word === "") {
    game.error(player, where === "room" ? "Take what?" : "Drop what?", "missing_target");
    return undefined;
  }
  if (where === "room" && !game.world.isLit(player.room)) {
    game.error(player, "You grope about in the dark and find nothing. You need a light.", "dark");
    return undefined;
  }
  const found = game.world.find(player.room, word, {
    players: false,
    npcs: false,
    carriedBy: where === "carried" ? player.id : undefined,
    carriedOnly: where === "carried",
  });
  if (found === "none") {
    game.error(
      player,
      where === "room" ? `You see no "${word}" here.` : `You are not carrying "${word}".`,
      "not_found",
    );
    return undefined;
  }
  if (found === "ambiguous") {
    game.error(player, `Which "${word}" do you mean? Be more specific.`, "ambiguous");
    return undefined;
  }
  return found.kind === "item" ? found.item : undefined;
}

/** get, drop. */
export const itemCommands: readonly Command[] = [
  {
    name: "get",
    aliases: ["take"],
    usage: "get <item>",
    summary: "Pick something up.",
    run: async (game, player, args) => {
      const from = /^(.+?)\s+(?:from|out of)\s+(.+)$/i.exec(args.trim());
      if (from !== null) {
        await takeOut(game, player, from[1] as string, from[2] as string);
        return;
      }
      const item = pick(game, player, args, "room");
      if (item === undefined) return;
      if (!item.def.portable) {
        game.error(player, `You cannot take ${item.def.name}.`, "fixed");
        return;
      }
      const guard = watchingGuard(game, player, item);
      if (guard !== undefined) {
        const name = capitalized(guard.def.name);
        game.error(
          player,
          guard.distractedBy === player.id
            ? `${name} is watching you too closely. Someone else must take it while you hold its attention.`
            : `${name} watches ${item.def.name} and will not let you near it. Someone must distract it first.`,
          "guarded",
        );
        return;
      }
      const room = player.room;
      if (item.moving || !(await game.moveItem(item, { player: player.id }))) {
        game.error(player, `Someone else's hand closes on ${item.def.name} first.`, "taken");
        return;
      }
      game.notice(player, `You take ${item.def.name}.`, "item.taken");
      game.toRoom(room, {
        type: "room.emote",
        data: { from: player.name, text: `takes ${item.def.name}.` },
      }, player);
      questProgress(game, player, { get: item.def.id });
    },
  },
  {
    name: "drop",
    usage: "drop <item>",
    summary: "Put down something you carry.",
    run: async (game, player, args) => {
      const item = pick(game, player, args, "carried");
      if (item === undefined) return;
      const room = player.room;
      if (!(await game.moveItem(item, { room }))) {
        game.error(player, `You fumble ${item.def.name} and keep hold of it.`, "busy");
        return;
      }
      game.notice(player, `You drop ${item.def.name}.`, "item.dropped");
      game.toRoom(room, {
        type: "room.emote",
        data: { from: player.name, text: `drops ${item.def.name}.` },
      }, player);
    },
  },
];
