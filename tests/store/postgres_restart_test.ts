/**
 * The real server process on PostgreSQL: a kill -9 right after item moves, then a restart.
 */

import { assertEquals } from "@std/assert";
import { loadWorld } from "../../lib/game/world_data.ts";
import { PostgresStore } from "../../lib/store/postgres_store.ts";
import { TestPlayer } from "../support/player.ts";
import { POSTGRES_MISSING, postgresAvailable, startPostgres } from "../support/postgres.ts";
import { type ServerProcess, spawnServer } from "../support/process.ts";
import { tempDir } from "../support/temp_dir.ts";

const ignore = !postgresAvailable();
if (ignore) {
  Deno.test({
    name: `PostgreSQL restart tests: skipped. ${POSTGRES_MISSING}`,
    ignore,
    fn: () => {},
  });
}

async function baseUrl(server: ServerProcess): Promise<URL> {
  const listening = await server.waitForLog((line) => line.msg === "listening");
  return new URL(`http://127.0.0.1:${listening.port}`);
}

Deno.test({
  name:
    "on PostgreSQL, kill -9 right after item moves leaves each item in exactly one place, and the character comes back with them",
  ignore,
}, async () => {
  await using pg = await startPostgres();
  await using dir = await tempDir();
  const databaseUrl = await pg.newDatabase();
  const env = {
    MYTHOS_DATA_DIR: dir.path,
    MYTHOS_DATABASE_URL: databaseUrl,
    MYTHOS_NPC_TICK_MS: "3600000",
    MYTHOS_CLOCK_MS_PER_HOUR: "3600000",
  };
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
    await using store = await PostgresStore.open(databaseUrl);
    const placements = await store.loadPlacements();
    const account = await store.findAccountByName("Ann");
    assertEquals(placements.get("lantern")?.placement, { room: "arkham.garrison_st" });
    assertEquals(placements.get("timetable")?.placement, { player: account?.id });
    for (const item of world.items.values()) {
      const place = placements.get(item.id)?.placement ?? { room: item.room };
      assertEquals(Object.keys(place).length, 1, item.id);
    }
  }
  {
    await using server = spawnServer({ env });
    const url = await baseUrl(server);
    await using ann = await TestPlayer.login(url, "Ann");
    assertEquals((await ann.me()).inventory, ["a railway timetable"]);
    await ann.connect();
    await ann.expect("room.look");
    server.child.kill("SIGTERM");
    await ann.stream.rest();
    assertEquals((await server.exited()).code, 0);
  }
});
