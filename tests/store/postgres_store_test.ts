/**
 * The PostgreSQL store against a real PostgreSQL server of the test's own.
 */

import { assertEquals, assertRejects } from "@std/assert";
import { migrate, MIGRATIONS } from "../../lib/store/migrations.ts";
import { PostgresStore } from "../../lib/store/postgres_store.ts";
import { StoreUnavailableError, WorldFencedError } from "../../lib/store/store.ts";
import postgres from "postgres";
import { freePort } from "../support/ports.ts";
import { skipWithoutPostgres, startPostgres } from "../support/postgres.ts";
import { records, storeContract } from "./store_contract.ts";

const ignore = skipWithoutPostgres("PostgreSQL store tests");

Deno.test({ name: "PostgreSQL store keeps the Store contract", ignore }, async (t) => {
  await using pg = await startPostgres();
  let current = "";
  await storeContract(t, {
    fresh: async () => PostgresStore.open(current = await pg.newDatabase()),
    reopen: () => PostgresStore.open(current),
  });
});

Deno.test({
  name: "migrations run once, in one transaction, even when nodes start at once",
  ignore,
}, async () => {
  await using pg = await startPostgres();
  const url = await pg.newDatabase();
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  try {
    const runs = await Promise.all([migrate(sql), migrate(sql), migrate(sql)]);
    assertEquals(runs.flat().sort(), MIGRATIONS.map((m) => m.version), "each applied once");
    const rows = await sql`select version from schema_migrations order by version`;
    assertEquals(rows.map((row) => row.version), MIGRATIONS.map((m) => m.version));
    assertEquals(await migrate(sql), [], "nothing left to do");
  } finally {
    await sql.end();
  }
});

Deno.test({
  name: "an unreachable database is a StoreUnavailableError that names where it looked",
  ignore,
}, async () => {
  const url = `postgres://mythos:secret@127.0.0.1:${freePort()}/mythos`;
  const error = await assertRejects(() => PostgresStore.open(url), StoreUnavailableError);
  assertEquals(error.message.includes("secret"), false, "the password is not in the message");
});

Deno.test({
  name:
    "a database that goes away mid-run makes calls fail as unavailable, and they work again once it is back",
  ignore,
}, async () => {
  await using pg = await startPostgres();
  await using store = await PostgresStore.open(await pg.newDatabase());
  await store.ping();
  await pg.stop();
  await assertRejects(() => store.ping(), StoreUnavailableError);
  await assertRejects(() => store.getMeta("clock"), StoreUnavailableError);
  await pg.start();
  await store.ping();
  await store.setMeta("clock", { hour: 3 });
  assertEquals(await store.getMeta("clock"), { hour: 3 });
});

Deno.test({
  name:
    "once a newer world claims the fencing token, an older world's writes are refused and it is told; the newer one's go through",
  ignore,
}, async () => {
  await using pg = await startPostgres();
  const url = await pg.newDatabase();
  await using older = await PostgresStore.open(url);
  await using newer = await PostgresStore.open(url);
  const [account, record] = records("Ann");
  assertEquals(await older.createAccount(account, record), true);
  let olderFenced = 0;
  await older.claimWorld(1, () => olderFenced++);
  await older.savePlayers([{ ...record, room: "arkham.street" }]);
  assertEquals(await older.moveItem("lantern", null, { room: "arkham.station" }), "1");

  await newer.claimWorld(2, () => {});
  await assertRejects(() => older.savePlayers([{ ...record, room: "mu.quad" }]), WorldFencedError);
  await assertRejects(
    () => older.moveItem("lantern", "1", { player: record.id }),
    WorldFencedError,
  );
  await assertRejects(() => older.setMeta("clock", { hour: 3 }), WorldFencedError);
  assertEquals(olderFenced, 3, "the older world is told each time");
  await assertRejects(
    () => older.claimWorld(1, () => {}),
    WorldFencedError,
    undefined,
    "no going back",
  );

  assertEquals((await newer.getPlayer(record.id))?.room, "arkham.street", "nothing written since");
  assertEquals(await newer.moveItem("lantern", "1", { player: record.id }), "2");
  await newer.savePlayers([{ ...record, room: "mu.quad" }]);
  assertEquals((await older.getPlayer(record.id))?.room, "mu.quad", "reads are not fenced");
});
