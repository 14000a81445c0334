/**
 * The kill -9 scenario both stores must survive: a player moves items, the server process is
 * killed with no chance to save, and every item is still in exactly one place after a restart.
 *
 * @module
 */

import { assertEquals } from "@std/assert";
import { loadWorld } from "../../lib/game/world_data.ts";
import type { Store } from "../../lib/store/store.ts";
import { TestPlayer } from "./player.ts";
import { type ServerProcess, spawnServer } from "./process.ts";

async function baseUrl(server: ServerProcess): Promise<URL> {
  const listening = await server.waitForLog((line) => line.msg === "listening");
  return new URL(`http://127.0.0.1:${listening.port}`);
}

/**
 * Runs the scenario against servers started with `env`, reading the store with `open` while no
 * server runs.
 */
export async function itemsSurviveKillNine(
  env: Record<string, string>,
  open: () => Promise<Store>,
): Promise<void> {
  {
    await using server = spawnServer({ env });
    const url = await baseUrl(server);
    await using ann = await TestPlayer.register(url, "Ann");
    await ann.connect();
    await ann.expect("room.look");
    await ann.do("get lantern");
    await ann.do("get timetable");
    await ann.do("n");
    await ann.do("drop lantern");
    server.child.kill("SIGKILL");
    assertEquals((await server.exited()).signal, "SIGKILL");
  }
  const world = await loadWorld(new URL("../../data/world", import.meta.url).pathname);
  {
    const store = await open();
    try {
      const placements = await store.loadPlacements();
      const account = await store.findAccountByName("Ann");
      assertEquals(placements.get("lantern")?.placement, { room: "arkham.garrison_st" });
      assertEquals(placements.get("timetable")?.placement, { player: account?.id });
      // Every item has exactly one place: its stored placement, or else where the world puts it.
      for (const item of world.items.values()) {
        const place = placements.get(item.id)?.placement ?? { room: item.room };
        assertEquals(Object.keys(place).length, 1, item.id);
      }
    } finally {
      await store.close();
    }
  }
  {
    await using server = spawnServer({ env });
    const url = await baseUrl(server);
    await using ann = await TestPlayer.login(url, "Ann");
    assertEquals((await ann.me()).inventory, ["a railway timetable"]);
    await ann.connect();
    const look = await ann.expect("room.look");
    assertEquals(
      (look.room as { items: string[] }).items,
      [],
      "the station no longer has either item",
    );
    await ann.do("n");
    const garrison = await ann.expect(
      "room.look",
      (data) => (data.room as { id: string }).id === "arkham.garrison_st",
    );
    assertEquals((garrison.room as { items: string[] }).items, ["a brass lantern"]);
    server.child.kill("SIGTERM");
    await ann.stream.rest();
    assertEquals((await server.exited()).code, 0);
  }
}
