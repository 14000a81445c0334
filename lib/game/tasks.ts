/**
 * The game's background tasks, all supervised, and its place in the shutdown sequence.
 *
 * @module
 */

import type { LoginThrottle } from "../accounts/throttle.ts";
import { every } from "../lifecycle/ticker.ts";
import type { Supervisor } from "../lifecycle/supervisor.ts";
import type { StoreHealth } from "../store/store_health.ts";
import { StoreUnavailableError } from "../store/store.ts";
import type { Game } from "./game.ts";
import { lucidityTick } from "./lucidity.ts";
import { npcTick } from "./npcs.ts";
import { combatRound } from "./combat.ts";
import { clockTick } from "./world_clock.ts";
import { CROWD_FLUSH_MS } from "./crowds.ts";

/** Intervals of the game's loops, in milliseconds. */
export interface GameTaskSettings {
  /** One game hour. */
  clockMsPerHour: number;
  /** NPC actions. */
  npcTickMs: number;
  /** Lucidity changes. */
  lucidityTickMs: number;
  /** Combat rounds (every fight at once). */
  combatTickMs: number;
  /** Write-behind saves. */
  autosaveMs: number;
}

/** Task names, as `/admin/status` and `docs/tasks.md` give them. */
export const GAME_TASKS = {
  clock: "world.clock",
  npcs: "world.npcs",
  lucidity: "world.lucidity",
  combat: "world.combat",
  crowds: "world.crowds",
  autosave: "store.autosave",
  throttleSweep: "accounts.throttle-sweep",
} as const;

/**
 * Spawns the clock, NPC, lucidity, autosave and throttle-sweep tasks, and
 * registers the game's shutdown work: it stops taking commands in the `accept` phase, and every
 * player in the world is saved in the `persist` phase.
 */
export function startGameTasks(
  supervisor: Supervisor,
  parts: {
    game: Game;
    throttle: LoginThrottle;
    storeHealth?: StoreHealth;
    /** Wraps the final save (a cluster's world keeps its lease while saving, then hands it over). */
    whileSaving?: (saving: Promise<number>) => Promise<number>;
  },
  settings: GameTaskSettings,
): void {
  const { game, throttle } = parts;
  supervisor.spawn(
    GAME_TASKS.clock,
    (signal) => every(settings.clockMsPerHour, () => clockTick(game), { signal }),
  );
  supervisor.spawn(
    GAME_TASKS.npcs,
    (signal) => every(settings.npcTickMs, () => npcTick(game), { signal }),
  );
  supervisor.spawn(
    GAME_TASKS.lucidity,
    (signal) => every(settings.lucidityTickMs, () => lucidityTick(game), { signal }),
  );
  supervisor.spawn(
    GAME_TASKS.combat,
    (signal) => every(settings.combatTickMs, () => combatRound(game), { signal }),
  );
  supervisor.spawn(
    GAME_TASKS.crowds,
    (signal) => every(CROWD_FLUSH_MS, () => game.flushCrowds(), { signal }),
  );
  supervisor.spawn(GAME_TASKS.autosave, (signal) =>
    every(settings.autosaveMs, async () => {
      try {
        await game.saveDirty();
      } catch (error) {
        // A store that is down is not a failed task: what is unsaved stays marked and the next
        // tick tries again. Anything else is a real failure.
        if (!(error instanceof StoreUnavailableError)) throw error;
        parts.storeHealth?.reportUnavailable(error);
      }
    }, { signal }), { critical: true });
  supervisor.spawn(
    GAME_TASKS.throttleSweep,
    (signal) =>
      every(60_000, () => {
        throttle.sweep();
        game.sweepRateLimits();
      }, { signal }),
  );
  supervisor.onShutdown("accept", "game", () => game.stopAccepting());
  const whileSaving = parts.whileSaving ?? ((saving) => saving);
  supervisor.onShutdown("persist", "players", async () => ({
    playersSaved: await whileSaving(game.saveAll()),
  }));
}
