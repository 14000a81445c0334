import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { SESSION_TTL_MS, Sessions } from "../../lib/accounts/sessions.ts";
import { KvStore } from "../../lib/store/kv_store.ts";
import { tempDir } from "../support/temp_dir.ts";

Deno.test("sessions are random 256-bit ids, stored hashed, with a sliding expiry", async () => {
  await using dir = await tempDir();
  await using store = await KvStore.open(dir.path);
  let now = Date.now();
  const sessions = new Sessions(store, () => now);
  const created = await sessions.create("account-1");
  assertEquals(created.id.length, 43);
  assertNotEquals((await sessions.create("account-1")).id, created.id);
  assertEquals(await store.getSession(created.id), undefined, "the id itself is not a key");
  const fresh = await sessions.resolve(created.id);
  assertEquals([fresh?.accountId, fresh?.refreshed], ["account-1", false]);
  now += 2 * 60 * 60 * 1000;
  const later = await sessions.resolve(created.id);
  assertEquals(later?.refreshed, true, "used after a while: extended");
  assertEquals(later?.expiresAt, now + SESSION_TTL_MS);
  await sessions.delete(created.id);
  assertEquals(await sessions.resolve(created.id), undefined);
});

Deno.test("junk session ids resolve to nothing", async () => {
  await using dir = await tempDir();
  await using store = await KvStore.open(dir.path);
  const sessions = new Sessions(store);
  for (const id of [undefined, "", "short", "x".repeat(43) + "!", "../../etc/passwd"]) {
    assert((await sessions.resolve(id)) === undefined, String(id));
  }
});
