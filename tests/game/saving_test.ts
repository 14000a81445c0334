/**
 * Saving changed players: a save asked for while another is being written waits its turn.
 */

import { assertEquals } from "@std/assert";
import { EventBus } from "../../lib/bus/event_bus.ts";
import { Game } from "../../lib/game/game.ts";
import { World } from "../../lib/game/world.ts";
import { KvStore } from "../../lib/store/kv_store.ts";
import type { PlayerRecord, Store } from "../../lib/store/store.ts";
import { realWorld } from "../support/game.ts";
import { tempDir } from "../support/temp_dir.ts";

Deno.test("a save asked for while another is being written starts after it, so an older record never lands last", async () => {
  await using dir = await tempDir();
  const kv = await KvStore.open(dir.path);
  try {
    // The real store, with its next save of players held at the door until released.
    const written: string[] = [];
    let gate: PromiseWithResolvers<void> | undefined;
    const started = Promise.withResolvers<void>();
    const store = new Proxy(kv, {
      get(target, property) {
        if (property === "savePlayers") {
          return async (players: PlayerRecord[]) => {
            const held = gate;
            gate = undefined;
            if (held !== undefined) {
              started.resolve();
              await held.promise;
            }
            await target.savePlayers(players);
            written.push(...players.map((player) => player.room));
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as Store;
    const data = await realWorld();
    const game = new Game({ world: new World(data), bus: new EventBus({ firstId: 1 }), store });
    const now = new Date().toISOString();
    const record: PlayerRecord = {
      id: crypto.randomUUID(),
      name: "Ann",
      room: data.start,
      stats: { lucidity: 100 },
      createdAt: now,
      updatedAt: now,
    };
    await kv.savePlayers([record]);
    const ann = game.enter(record);
    game.move(ann, "arkham.garrison_st");
    const held = gate = Promise.withResolvers<void>();
    const first = game.saveDirty();
    await started.promise;
    game.move(ann, data.start);
    const second = game.saveDirty();
    held.resolve();
    assertEquals(await Promise.all([first, second]), [1, 1]);
    assertEquals(written, ["arkham.garrison_st", data.start]);
    assertEquals((await kv.getPlayer(ann.id))?.room, data.start);
  } finally {
    await kv.close();
  }
});
