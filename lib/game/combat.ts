/**
 * Danger: health (DP), creatures that turn hostile at night, and fights.
 *
 * Every fight in the world advances in one pass of the combat task (`combatRound`), never with a
 * timer per fight. A round: each fighter strikes their foe; a creature brought to 0 DP flees until
 * the next dawn; a player brought to 0 DP falls, drops what they carried where they fell, and
 * wakes in the infirmary — and the creature, sated, withdraws until dawn, so the rest of the party
 * can recover what was dropped. No fight starts in a safe room (`rest`). The words stay frightening,
 * not gory: players are children and parents.
 *
 * @module
 */

import type { CommandContext } from "./commands/context.ts";
import type { NpcState, PlayerState } from "./world.ts";
import { capitalized } from "../text/sentence.ts";

/** DP a player wakes with in the infirmary. */
export const WAKE_DP = 10;

const PLAYER_BLOWS = [
  "You strike at {foe}, and it recoils.",
  "You swing hard; {foe} shrinks back from you.",
  "You shout and lash out; {foe} falters.",
];
const CREATURE_BLOWS = [
  "{Foe} lunges out of the shadows. You stagger back, shaken.",
  "{Foe} rakes at you with something cold. You feel your strength ebb.",
  "{Foe} is suddenly much too close. Your heart hammers.",
];

function pick<T>(game: CommandContext, list: readonly T[]): T {
  return list[Math.floor(game.random() * list.length)] as T;
}

function words(template: string, foe: string): string {
  return template.replaceAll("{foe}", foe).replaceAll("{Foe}", capitalized(foe));
}

/** Whether a creature is dangerous now: it fights, and it is night (or it always fights). */
export function hostileNow(game: CommandContext, npc: NpcState): boolean {
  if (npc.def.dp === 0 || !npc.present || npc.fled) return false;
  return npc.def.hostile === "always" || (npc.def.hostile === "night" && game.clock.night);
}

/** Whether fights may start in `room`. */
export function safeRoom(game: CommandContext, room: string): boolean {
  return game.world.room(room)?.flags.has("rest") ?? true;
}

/** Starts a fight between `player` and `npc` (both in the same, unsafe room). */
export function startFight(game: CommandContext, player: PlayerState, npc: NpcState): void {
  player.fighting = npc.def.id;
  npc.dp = npc.dp > 0 ? npc.dp : npc.def.dp;
  game.toPlayer(player, {
    type: "combat.round",
    data: {
      text: `You face ${npc.def.name}. Type flee to run, if your nerve fails.`,
      foe: npc.def.name,
      dp: player.dp,
      foeDp: npc.dp,
    },
  });
  game.toRoom(player.room, {
    type: "room.emote",
    data: { from: player.name, text: `faces ${npc.def.name}.` },
  }, player);
}

/** Ends `player`'s fight, if any. */
export function endFight(player: PlayerState): void {
  player.fighting = undefined;
}

/** One round of every fight in the world, and creatures picking new fights (the combat task). */
export async function combatRound(game: CommandContext): Promise<void> {
  // Hostile creatures turn on someone in their room who is not fighting yet.
  for (const npc of game.world.npcs()) {
    if (!hostileNow(game, npc) || safeRoom(game, npc.room)) continue;
    const prey = game.world.playersIn(npc.room).filter((player) =>
      player.fighting === undefined && !player.linkdead && player.dp > 0
    );
    if (prey.length > 0 && !game.world.playersIn(npc.room).some((p) => p.fighting === npc.def.id)) {
      startFight(game, pick(game, prey), npc);
    }
  }
  for (const player of [...game.world.players()]) {
    if (player.fighting === undefined) continue;
    const npc = game.world.npc(player.fighting);
    if (npc === undefined || !npc.present || npc.fled || npc.room !== player.room) {
      endFight(player);
      continue;
    }
    await round(game, player, npc);
  }
}

async function round(game: CommandContext, player: PlayerState, npc: NpcState): Promise<void> {
  const dealt = 1 + Math.floor(game.random() * 4);
  npc.dp = Math.max(0, npc.dp - dealt);
  const lines = [words(pick(game, PLAYER_BLOWS), npc.def.name)];
  if (npc.dp === 0) {
    npc.fled = true;
    npc.present = false;
    lines.push(
      `${
        words("{Foe}", npc.def.name)
      } shrieks and flees into the dark. It will not trouble anyone again before dawn.`,
    );
    endFight(player);
    game.toPlayer(player, {
      type: "combat.round",
      data: { text: lines.join(" "), foe: npc.def.name, dp: player.dp, foeDp: 0, over: "won" },
    });
    game.toRoom(player.room, {
      type: "room.leave",
      data: { who: npc.def.name, npc: true },
    });
    return;
  }
  const [low, high] = npc.def.damage;
  const taken = low + Math.floor(game.random() * (high - low + 1));
  player.dp = Math.max(0, player.dp - taken);
  game.changed(player);
  lines.push(words(pick(game, CREATURE_BLOWS), npc.def.name));
  game.toPlayer(player, {
    type: "combat.round",
    data: {
      text: lines.join(" "),
      foe: npc.def.name,
      dp: player.dp,
      foeDp: npc.dp,
      ...(player.dp === 0 ? { over: "fell" } : {}),
    },
  });
  game.stats(player);
  if (player.dp === 0) {
    // Sated, it sinks back into the dark until dawn: the others can recover what was dropped.
    npc.fled = true;
    npc.present = false;
    game.toRoom(player.room, { type: "room.leave", data: { who: npc.def.name, npc: true } });
    await fall(game, player);
  }
}

/**
 * A player at 0 DP falls: what they carried drops where they fell, and they wake in the infirmary
 * (the world's recovery room) with some strength back.
 */
export async function fall(game: CommandContext, player: PlayerState): Promise<void> {
  endFight(player);
  const where = player.room;
  for (const item of game.world.itemsCarriedBy(player.id)) {
    item.lit = false;
    await game.moveItem(item, { room: where });
  }
  game.toRoom(where, {
    type: "room.emote",
    data: { from: player.name, text: "collapses, and is carried away by kind strangers." },
  }, player);
  player.dp = WAKE_DP;
  game.changed(player);
  game.recover(
    player,
    "Everything goes dark. You wake, much later, in a clean bed to the smell of carbolic. Whatever you carried lies where you fell.",
    "player.fell",
  );
}

/** At dawn, creatures that fled come back to their haunts. */
export function creaturesReturn(game: CommandContext): void {
  for (const npc of game.world.npcs()) {
    if (!npc.fled) continue;
    npc.fled = false;
    npc.dp = npc.def.dp;
    npc.room = npc.def.room;
  }
}
