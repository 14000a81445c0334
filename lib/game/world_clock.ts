/**
 * The hourly tick of the Mythos clock: the new hour for everyone, and the turning points of the
 * day announced to players outdoors.
 *
 * @module
 */

import { ANNOUNCEMENTS } from "./clock.ts";
import type { CommandContext } from "./commands/context.ts";
import { creaturesReturn } from "./combat.ts";

/** The hour creatures beaten in the night come back to their haunts. */
const DAWN = 5;

/** Advances the clock one hour and tells the players. */
export function clockTick(game: CommandContext): void {
  const hour = game.clock.advance();
  game.toAll(game.timeEvent());
  if (hour === DAWN) creaturesReturn(game);
  const announcement = ANNOUNCEMENTS[hour];
  if (announcement === undefined) return;
  for (const player of game.world.players()) {
    if (game.world.room(player.room)?.flags.has("outdoors")) {
      game.notice(player, announcement.text, announcement.code);
    }
  }
}
