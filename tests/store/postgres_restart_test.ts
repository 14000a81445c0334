/**
 * The real server process on PostgreSQL: a kill -9 right after item moves, then a restart.
 */

import { PostgresStore } from "../../lib/store/postgres_store.ts";
import { itemsSurviveKillNine } from "../support/kill_nine.ts";
import { skipWithoutPostgres, startPostgres } from "../support/postgres.ts";
import { tempDir } from "../support/temp_dir.ts";

const ignore = skipWithoutPostgres("PostgreSQL restart tests");

Deno.test({
  name:
    "on PostgreSQL, kill -9 right after item moves leaves each item in exactly one place, and the character comes back with them",
  ignore,
}, async () => {
  await using pg = await startPostgres();
  await using dir = await tempDir();
  const databaseUrl = await pg.newDatabase();
  await itemsSurviveKillNine({
    MYTHOS_DATA_DIR: dir.path,
    MYTHOS_DATABASE_URL: databaseUrl,
    MYTHOS_NPC_TICK_MS: "3600000",
    MYTHOS_CLOCK_MS_PER_HOUR: "3600000",
  }, () => PostgresStore.open(databaseUrl));
});
