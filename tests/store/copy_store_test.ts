/**
 * Moving a world between Deno KV and PostgreSQL with deno task db:copy.
 */

import { assertEquals, assertStringIncludes } from "@std/assert";
import { runDbCommand } from "../../lib/cli/db.ts";
import { KvStore } from "../../lib/store/kv_store.ts";
import { PostgresStore } from "../../lib/store/postgres_store.ts";
import type { Store } from "../../lib/store/store.ts";
import { skipWithoutPostgres, startPostgres } from "../support/postgres.ts";
import { present } from "../support/present.ts";
import { tempDir } from "../support/temp_dir.ts";
import { records } from "./store_contract.ts";

const ignore = skipWithoutPostgres("store copy tests");

async function fill(store: Store): Promise<string> {
  const [armitage, player] = records("Armitage");
  await store.createAccount({ ...armitage, admin: true }, { ...player, room: "mu.library" });
  await store.createAccount(...records("Wilmarth"));
  await store.putSession("session-hash", {
    accountId: armitage.id,
    expiresAt: Date.now() + 60_000,
    createdAt: "",
  });
  await store.moveItem("lantern", null, { player: armitage.id });
  await store.setMeta("clock", { hour: 22 });
  return armitage.id;
}

async function check(store: Store, id: string): Promise<void> {
  const account = present(await store.findAccountByName("armitage"), "Armitage");
  assertEquals([account.id, account.admin], [id, true]);
  assertEquals((await store.getPlayer(id))?.room, "mu.library");
  assertEquals((await store.getSession("session-hash"))?.accountId, id);
  assertEquals((await store.loadPlacements()).get("lantern")?.placement, { player: id });
  assertEquals(await store.getMeta("clock"), { hour: 22 });
  assertEquals(present(await store.findAccountByName("Wilmarth"), "Wilmarth").name, "Wilmarth");
  const [lookalike, player] = records("Arrnitage");
  assertEquals(await store.createAccount(lookalike, player), false, "skeletons came along");
}

Deno.test({
  name:
    "db:copy moves a world from Deno KV to an empty PostgreSQL database and back, and refuses a target that is not empty",
  ignore,
}, async () => {
  await using dir = await tempDir();
  await using pg = await startPostgres();
  const url = await pg.newDatabase();
  {
    await using kv = await KvStore.open(`${dir.path}/kv`);
    await fill(kv);
  }
  const lines: string[] = [];
  const print = (line: string) => lines.push(line);
  assertEquals(await runDbCommand(["copy", `${dir.path}/kv`, url], { print }), 0);
  assertStringIncludes(lines.at(-1) ?? "", "Copied 2 accounts, 1 sessions, 1 item placements");
  assertEquals(await runDbCommand(["copy", `${dir.path}/kv`, url], { print }), 1, "not empty");
  assertStringIncludes(lines.at(-1) ?? "", "not empty");
  assertEquals(await runDbCommand(["copy", url, `${dir.path}/back`], { print }), 0);
  for (const open of [() => PostgresStore.open(url), () => KvStore.open(`${dir.path}/back`)]) {
    const store: Store = await open();
    try {
      const armitage = present(await store.findAccountByName("Armitage"), "Armitage");
      await check(store, armitage.id);
    } finally {
      await store.close();
    }
  }
  assertEquals(await runDbCommand(["copy", "only-one"], { print }), 2);
});

Deno.test({
  name: "db:migrate applies the schema to MYTHOS_DATABASE_URL, then finds nothing to do",
  ignore,
}, async () => {
  await using pg = await startPostgres();
  const url = await pg.newDatabase();
  const env = (name: string) => (name === "MYTHOS_DATABASE_URL" ? url : undefined);
  const lines: string[] = [];
  const print = (line: string) => lines.push(line);
  assertEquals(await runDbCommand(["migrate"], { env, print }), 0);
  assertEquals(await runDbCommand(["migrate"], { env, print }), 0);
  assertEquals(lines, ["Applied migrations 1, 2.", "The schema is up to date."]);
  assertEquals(await runDbCommand(["migrate"], { env: () => undefined, print }), 2);
});
