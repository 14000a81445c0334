/**
 * The real game over the real world files and a Deno KV store in a temporary directory, with
 * players entered directly and their events read straight from the bus. For tests that drive
 * ticks by hand (no sleeping, no network).
 *
 * @module
 */

import { EventBus } from "../../lib/bus/event_bus.ts";
import type { Subscription } from "../../lib/bus/subscription.ts";
import { MythosClock } from "../../lib/game/clock.ts";
import { Game, type GameOptions } from "../../lib/game/game.ts";
import { World } from "../../lib/game/world.ts";
import type { NpcState, PlayerState } from "../../lib/game/world.ts";
import { loadWorld, type WorldData } from "../../lib/game/world_data.ts";
import { KvStore } from "../../lib/store/kv_store.ts";
import type { PlayerRecord } from "../../lib/store/store.ts";
import { tempDir } from "./temp_dir.ts";

/** The project's world directory. */
export const WORLD_DIR = new URL("../../data/world", import.meta.url).pathname;

let worldData: Promise<WorldData> | undefined;

/** The real world files, loaded once per test run. */
export function realWorld(): Promise<WorldData> {
  worldData ??= loadWorld(WORLD_DIR);
  return worldData;
}

/** A decoded event a player received. */
export interface Received {
  /** Event type. */
  type: string;
  /** Event data. */
  data: Record<string, unknown>;
}

/** A player in a test game, with their events. */
export interface GamePlayer {
  /** The live state. */
  state: PlayerState;
  /** Takes every event received so far. */
  events(): Received[];
  /** Runs a command through the real dispatcher. */
  run(command: string): Promise<void>;
}

/** A test game. */
export interface TestGame extends AsyncDisposable {
  /** The game. */
  game: Game;
  /** The bus it publishes on. */
  bus: EventBus;
  /** Adds a character at `room` and enters it into the world. */
  join(name: string, room?: string, options?: { lucidity?: number }): Promise<GamePlayer>;
}

/** The NPC with this id; throws if there is none. */
export function npcById(game: Game, id: string): NpcState {
  const npc = [...game.world.npcs()].find((candidate) => candidate.def.id === id);
  if (npc === undefined) throw new Error(`No NPC ${id}`);
  return npc;
}

/** A sequence of numbers in [0, 1) for `random`, repeating. */
export function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

/** Builds a game: `await using test = await testGame({ random: sequence(0) })`. */
export async function testGame(
  options: Partial<GameOptions> & { hour?: number; admins?: string[] } = {},
): Promise<TestGame> {
  const { admins = [], ...gameOptions } = options;
  const adminNames = new Set(admins.map((name) => name.toLowerCase()));
  const dir = await tempDir();
  const store = await KvStore.open(dir.path);
  const data = await realWorld();
  const bus = new EventBus({ firstId: 1 });
  const game = new Game({
    world: new World(data),
    bus,
    store,
    clock: new MythosClock(options.hour ?? 8),
    recoveryRoom: data.recovery,
    ...gameOptions,
  });
  const subscriptions: Subscription[] = [];
  const decoder = new TextDecoder();
  return {
    game,
    bus,
    join: async (name, room = data.start, joinOptions = {}) => {
      const now = new Date().toISOString();
      const record: PlayerRecord = {
        id: crypto.randomUUID(),
        name,
        room,
        stats: { lucidity: joinOptions.lucidity ?? 100 },
        createdAt: now,
        updatedAt: now,
      };
      await store.savePlayers([record]);
      const state = game.enter(record, { admin: adminNames.has(name.toLowerCase()) });
      const subscription = bus.subscribe(state.id);
      subscriptions.push(subscription);
      return {
        state,
        events: () => {
          const received: Received[] = [];
          for (let frame = subscription.take(); frame !== undefined; frame = subscription.take()) {
            const lines = decoder.decode(frame.bytes).split("\n");
            const data = lines.filter((line) => line.startsWith("data: ")).map((line) =>
              line.slice(6)
            ).join("\n");
            received.push({ type: frame.type, data: JSON.parse(data) });
          }
          return received;
        },
        run: (command) => game.submit(state.id, command).then(() => {}),
      };
    },
    [Symbol.asyncDispose]: async () => {
      for (const subscription of subscriptions) subscription[Symbol.dispose]();
      bus.close();
      await store.close();
      await dir[Symbol.asyncDispose]();
    },
  };
}
