/**
 * Game figures for `/metrics`.
 *
 * @module
 */

import { counter, gauge, type Metric } from "../metrics.ts";
import type { Game } from "./game.ts";

/** Players in the world, linkdead players, commands run. */
export function gameMetrics(game: Game): Metric[] {
  const players = game.playerStats();
  return [
    gauge(
      "mythos_players_in_world",
      "Characters in the world (online or linkdead)",
      players.inWorld,
    ),
    gauge(
      "mythos_players_linkdead",
      "Characters whose streams have all dropped, within their grace period",
      players.linkdead,
    ),
    counter("mythos_commands_total", "Game commands run", game.commandsRun),
  ];
}
