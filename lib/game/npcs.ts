/**
 * NPC behaviour: one pass over every NPC per tick — wandering within its zone, speaking and
 * acting, and nocturnal NPCs coming at nightfall and going at dawn.
 *
 * @module
 */

import type { CommandContext } from "./commands/context.ts";
import type { NpcState } from "./world.ts";

function pickOne<T>(game: CommandContext, list: readonly T[]): T | undefined {
  return list[Math.floor(game.random() * list.length)];
}

function appearOrVanish(game: CommandContext, npc: NpcState): void {
  // A creature beaten in a fight stays away until dawn.
  const shouldBePresent = !npc.fled && (!npc.def.nocturnal || game.clock.night);
  if (shouldBePresent === npc.present) return;
  npc.present = shouldBePresent;
  if (shouldBePresent) {
    npc.room = npc.def.room;
    game.toRoom(npc.room, { type: "room.enter", data: { who: npc.def.name, npc: true } });
  } else {
    game.toRoom(npc.room, { type: "room.leave", data: { who: npc.def.name, npc: true } });
  }
}

function wander(game: CommandContext, npc: NpcState): void {
  const room = game.world.room(npc.room);
  if (room === undefined) return;
  const exits = [...room.exits].filter(([, to]) => game.world.room(to)?.zone === room.zone);
  const exit = pickOne(game, exits);
  if (exit === undefined) return;
  const [direction, to] = exit;
  const cameFrom = game.world.directionBetween(to, npc.room);
  game.toRoom(npc.room, {
    type: "room.leave",
    data: { who: npc.def.name, to: direction, npc: true },
  });
  npc.room = to;
  game.toRoom(to, {
    type: "room.enter",
    data: { who: npc.def.name, ...(cameFrom ? { from: cameFrom } : {}), npc: true },
  });
}

function chatter(game: CommandContext, npc: NpcState): void {
  const lines = [
    ...npc.def.says.map((text) => ({ kind: "say" as const, text })),
    ...npc.def.emotes.map((text) => ({ kind: "emote" as const, text })),
  ];
  // Never the same line twice in a row (unless it has only the one).
  const fresh = lines.length > 1 ? lines.filter((line) => line.text !== npc.lastLine) : lines;
  const line = pickOne(game, fresh);
  if (line === undefined) return;
  npc.lastLine = line.text;
  const data = { from: npc.def.name, text: line.text, npc: true };
  game.toRoom(npc.room, { type: line.kind === "say" ? "room.say" : "room.emote", data });
}

/** One NPC tick. Chatter is skipped where nobody would hear it. */
export function npcTick(game: CommandContext): void {
  for (const npc of game.world.npcs()) {
    appearOrVanish(game, npc);
    if (!npc.present) continue;
    if (npc.def.wander > 0 && game.random() < npc.def.wander) wander(game, npc);
    if (
      npc.def.chatter > 0 && game.world.playersIn(npc.room).length > 0 &&
      game.random() < npc.def.chatter
    ) {
      chatter(game, npc);
    }
  }
}
