/**
 * Looking around: look, examine, inventory, who, help, time.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import type { PlayerState, Target } from "../world.ts";
import type { Command } from "./command.ts";
import { nearest } from "./parser.ts";
import { tooDark } from "./use.ts";
import { type Daypart, spokenTime } from "../clock.ts";

/** When it is, as `who` says it: "abroad this morning". */
const WHEN: Readonly<Record<Daypart, string>> = {
  dawn: "at dawn",
  morning: "this morning",
  afternoon: "this afternoon",
  dusk: "at dusk",
  evening: "this evening",
  night: "tonight",
  "witching hour": "tonight",
};

/** `look (l)`: a command with its short forms. */
function withShortForms(command: Command): string {
  const short = command.aliases?.filter((alias) => alias.length < command.name.length) ?? [];
  return short.length === 0 ? command.name : `${command.name} (${short.join(", ")})`;
}

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
      const described = other.description === undefined ? "" : `${other.description} `;
      return `${described}${other.name} ${state}.`;
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
  if (tooDark(game, player, "see anything")) return;
  const target = game.world.find(player.room, args, { carriedBy: player.id });
  if (target === "none") game.error(player, `You see no "${args}" here.`, "not_found");
  else if (target === "ambiguous") {
    game.error(player, `Which "${args}" do you mean? Be more specific.`, "ambiguous");
  } else {
    let text = describeTarget(player, target);
    if (target.kind === "item" && target.item.def.container !== undefined) {
      const inside = game.world.itemsInside(target.item.def.id).map((item) => item.def.name);
      text += !target.item.open
        ? " It is closed."
        : inside.length === 0
        ? " It is empty."
        : ` Inside: ${inside.join(", ")}.`;
    }
    game.notice(player, text, "examine");
  }
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
    summary: "List the investigators abroad.",
    run: (game, player) => {
      const players = [...game.world.players()]
        .map((other) => ({ name: other.name, linkdead: other.linkdead }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const names = players.map((p) => (p.linkdead ? `${p.name} (lost in thought)` : p.name));
      game.notice(
        player,
        `${
          players.length === 1 ? "One investigator is" : `${players.length} investigators are`
        } abroad ${WHEN[game.clock.daypart]}: ${names.join(", ")}.`,
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
      const groups = game.commandGroups(player);
      const known = groups.flatMap((group) => group.commands);
      if (topic === "") {
        // One line per kind, each command with its short forms: a screenful, not a wall.
        const lines = groups.map((group) =>
          `${group.title}: ${group.commands.map(withShortForms).join(", ")}.`
        );
        game.notice(
          player,
          `Type help <command> to learn more about one.\n${lines.join("\n")}`,
          "help",
          {
            groups: groups.map((group) => ({
              title: group.title,
              commands: group.commands.map((command) => ({
                name: command.name,
                aliases: command.aliases ?? [],
                usage: command.usage,
                summary: command.summary,
              })),
            })),
          },
        );
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
      game.toPlayer(player, game.timeEvent());
      game.notice(player, spokenTime(game.clock.hour), "time");
    },
  },
];
