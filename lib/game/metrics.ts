/**
 * Game figures for `/metrics`.
 *
 * @module
 */

import type { Metric } from "../http/metrics.ts";
import type { Game } from "./game.ts";
import type { Presence } from "./presence.ts";

/** Players in the world, linkdead players, commands run. */
export function gameMetrics(game: Game, presence: Presence): Metric[] {
  const players = presence.stats();
  return [
    {
      name: "mythos_players_in_world",
      help: "Characters in the world (online or linkdead)",
      type: "gauge",
      samples: [{ value: players.inWorld }],
    },
    {
      name: "mythos_players_linkdead",
      help: "Characters whose streams have all dropped, within their grace period",
      type: "gauge",
      samples: [{ value: players.linkdead }],
    },
    {
      name: "mythos_commands_total",
      help: "Game commands run",
      type: "counter",
      samples: [{ value: game.commandsRun }],
    },
  ];
}
