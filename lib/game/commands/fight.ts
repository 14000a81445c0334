/**
 * Fighting: attack a creature, flee a fight. The rounds themselves are the combat task's
 * (`combat.ts`): a command only starts or leaves a fight.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import type { PlayerState } from "../world.ts";
import type { Command } from "./command.ts";
import { safeRoom, startFight } from "../combat.ts";

function attack(game: CommandContext, player: PlayerState, word: string): void {
  if (word === "") {
    game.error(player, "Attack what?", "missing_target");
    return;
  }
  if (!game.world.isLit(player.room)) {
    game.error(player, "You flail in the dark at nothing. You need a light.", "dark");
    return;
  }
  const target = game.world.find(player.room, word, { items: false });
  if (target === "ambiguous") {
    game.error(player, `Which "${word}" do you mean? Use more of the name.`, "ambiguous");
    return;
  }
  if (target === "none") {
    game.error(player, `There is no "${word}" here.`, "not_found");
    return;
  }
  if (target.kind === "player") {
    game.error(
      player,
      "Investigators do not fight each other; there is enough out there to fear.",
      "not_a_foe",
    );
    return;
  }
  if (target.kind !== "npc") return;
  const npc = target.npc;
  if (npc.def.dp === 0) {
    game.error(player, `You cannot bring yourself to attack ${npc.def.name}.`, "not_a_foe");
    return;
  }
  if (safeRoom(game, player.room)) {
    game.error(player, "This is a safe place; no fight starts here.", "safe");
    return;
  }
  if (player.fighting !== undefined) {
    game.error(player, "You are already fighting.", "fighting");
    return;
  }
  startFight(game, player, npc);
}

function flee(game: CommandContext, player: PlayerState): void {
  if (player.fighting === undefined) {
    game.error(player, "You are not fighting anything.", "not_fighting");
    return;
  }
  const room = game.world.room(player.room);
  const ways = [...(room?.exits ?? [])].filter(([direction]) =>
    !room?.doors.has(direction) || game.world.doorOpen(player.room, direction)
  );
  const way = ways[Math.floor(game.random() * ways.length)];
  if (way === undefined) {
    game.error(player, "There is nowhere to run!", "cornered");
    return;
  }
  player.fighting = undefined;
  game.notice(player, `You turn and flee ${way[0]}!`, "fled");
  game.move(player, way[1]);
}

/** attack, flee. */
export const fightCommands: readonly Command[] = [
  {
    name: "attack",
    aliases: ["kill", "k", "fight", "hit"],
    usage: "attack <creature>",
    summary: "Stand and fight a creature (never in a safe place). Rounds follow by themselves.",
    run: attack,
  },
  {
    name: "flee",
    usage: "flee",
    summary: "Run from a fight through any way out.",
    run: (game, player) => flee(game, player),
  },
];
