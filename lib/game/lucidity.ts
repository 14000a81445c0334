/**
 * Lucidity: eldritch places wear it down, rest restores it, and a mind worn thin starts to see
 * and hear things that are not there.
 *
 * @module
 */

import type { CommandContext } from "./commands/context.ts";
import { MAX_DP, type PlayerState } from "./world.ts";

/** DP regained per tick while resting in a rest room. */
export const REST_DP = 2;

/** Lucidity lost per tick in an eldritch room (double at the witching hour). */
export const ELDRITCH_DRAIN = 3;

/** Lucidity regained per tick resting in a rest room. */
export const REST_RECOVERY = 5;

/** Below this, hallucinations begin. */
export const HALLUCINATION_THRESHOLD = 30;

const VOICES = ["a voice behind you", "someone very close", "a child", "a drowned man", "Keziah"];
const WHISPERS = [
  "You shouldn't have come here.",
  "The angles are the door.",
  "It's watching you. It's always been watching you.",
  "Ia! Ia!",
  "Come down to the water. Come down.",
];
const SIGHTS = [
  "flickers at the edge of your vision and is gone.",
  "drips from the ceiling, though the ceiling is dry.",
  "moves in the corner where the shadows pool.",
];

/** Sends one hallucination to `player`, marked so tests (and only tests) can tell. */
function hallucinate(game: CommandContext, player: PlayerState): void {
  const pick = <T>(list: readonly T[]) => list[Math.floor(game.random() * list.length)] as T;
  if (game.random() < 0.5) {
    game.toPlayer(player, {
      type: "room.say",
      data: { from: pick(VOICES), text: pick(WHISPERS), hallucination: true },
    });
  } else {
    game.toPlayer(player, {
      type: "room.emote",
      data: { from: "Something", text: pick(SIGHTS), hallucination: true },
    });
  }
}

/** One lucidity tick for every player in the world. */
export function lucidityTick(game: CommandContext): void {
  for (const player of [...game.world.players()]) {
    if (player.linkdead) continue;
    const room = game.world.room(player.room);
    if (room === undefined) continue;
    if (room.flags.has("eldritch")) {
      const drain = game.clock.daypart === "witching hour" ? ELDRITCH_DRAIN * 2 : ELDRITCH_DRAIN;
      game.changeLucidity(player, -drain);
    } else if (player.resting && room.flags.has("rest")) {
      const healed = player.dp < MAX_DP;
      if (healed) {
        player.dp = Math.min(MAX_DP, player.dp + REST_DP);
        game.changed(player);
      }
      const before = player.lucidity;
      game.changeLucidity(player, REST_RECOVERY);
      // One stats event for both: changeLucidity sends it only when lucidity moved.
      if (healed && player.lucidity === before) game.stats(player);
    }
    if (player.lucidity < HALLUCINATION_THRESHOLD) {
      const chance = (HALLUCINATION_THRESHOLD - player.lucidity) / HALLUCINATION_THRESHOLD;
      if (game.random() < chance) hallucinate(game, player);
    }
  }
}
