/**
 * Looking around: look, examine, inventory, who, help, time.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import type { PlayerState, Target } from "../world.ts";
import type { Command } from "./command.ts";
import { nearest } from "./parser.ts";

function describeTarget(viewer: PlayerState, target: Target): string {
  switch (target.kind) {
    case "item":
      return target.item.def.description;
    case "npc":
      return target.npc.def.description;
    case "player": {
      const other = target.player;
      if (other === viewer) return "You look yourself over. You have seen better days.";
      const state = other.linkdead
        ? "stands motionless, eyes unfocused, as though listening to something far away"
        : other.lucidity < 30
        ? "has a haunted look, and keeps glancing at the corners"
        : other.lucidity < 60
        ? "looks tired and a little pale"
        : "looks alert and steady";
      return `${other.name} ${state}.`;
    }
  }
}

function examine(game: CommandContext, player: PlayerState, args: string): void {
  if (args === "") {
    game.error(player, "Examine what?", "missing_target");
    return;
  }
  if (["me", "self", "myself"].includes(args.toLowerCase())) {
    game.notice(player, describeTarget(player, { kind: "player", player }), "examine");
    return;
  }
  const target = game.world.find(player.room, args, { carriedBy: player.id });
  if (target === "none") game.error(player, `You see no "${args}" here.`, "not_found");
  else if (target === "ambiguous") {
    game.error(player, `Which "${args}" do you mean? Be more specific.`, "ambiguous");
  } else game.notice(player, describeTarget(player, target), "examine");
}

/** look, examine, inventory, who, help, time. */
export const infoCommands: readonly Command[] = [
  {
    name: "look",
    aliases: ["l"],
    usage: "look [thing]",
    summary: "Look around the room, or at something or someone in it.",
    run: (game, player, args) => {
      if (args === "") game.look(player);
      else examine(game, player, args);
    },
  },
  {
    name: "examine",
    aliases: ["x"],
    usage: "examine <thing>",
    summary: "Study something or someone closely.",
    run: examine,
  },
  {
    name: "inventory",
    aliases: ["i", "inv"],
    usage: "inventory",
    summary: "List what you are carrying.",
    run: (game, player) => {
      const items = game.world.itemsCarriedBy(player.id).map((item) => item.def.name);
      game.notice(
        player,
        items.length === 0
          ? "You are carrying nothing but your wits."
          : `You are carrying: ${items.join(", ")}.`,
        "inventory",
        { items },
      );
    },
  },
  {
    name: "who",
    usage: "who",
    summary: "List the investigators abroad tonight.",
    run: (game, player) => {
      const players = [...game.world.players()]
        .map((other) => ({ name: other.name, linkdead: other.linkdead }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const names = players.map((p) => (p.linkdead ? `${p.name} (lost in thought)` : p.name));
      game.notice(
        player,
        `${
          players.length === 1 ? "One investigator is" : `${players.length} investigators are`
        } abroad: ${names.join(", ")}.`,
        "who",
        { players },
      );
    },
  },
  {
    name: "help",
    aliases: ["?", "commands"],
    usage: "help [command]",
    summary: "List commands, or explain one.",
    run: (game, player, args) => {
      const topic = args.toLowerCase().split(/\s+/)[0] ?? "";
      const known = game.commands(player);
      if (topic === "") {
        const lines = known.map((command) => `${command.usage} — ${command.summary}`);
        game.notice(player, `Commands:\n${lines.join("\n")}`, "help");
        return;
      }
      const command = known.find((c) => c.name === topic || c.aliases?.includes(topic));
      if (command === undefined) {
        const words = known.map((c) => c.name);
        const guess = nearest(topic, words);
        game.error(
          player,
          `There is no help on "${topic}".${
            guess ? ` Did you mean ${guess}?` : " Type help for a list."
          }`,
          "unknown_topic",
        );
        return;
      }
      const aliases = command.aliases?.length ? ` (also: ${command.aliases.join(", ")})` : "";
      game.notice(player, `${command.usage}${aliases}\n${command.summary}`, "help");
    },
  },
  {
    name: "time",
    usage: "time",
    summary: "Check the hour.",
    run: (game, player) => {
      const hour = game.clock.hour;
      const clock = `${hour % 12 === 0 ? 12 : hour % 12} o'clock ${
        hour < 12 ? "in the morning" : hour < 17 ? "in the afternoon" : "at night"
      }`;
      game.toPlayer(player, game.timeEvent());
      game.notice(player, `It is ${clock}: ${game.clock.daypart}.`, "time");
    },
  },
];
