import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { SESSION_TTL_MS, Sessions } from "../../lib/accounts/sessions.ts";
import { KvStore } from "../../lib/store/kv_store.ts";
import { tempDir } from "../support/temp_dir.ts";

Deno.test("sessions are random 256-bit ids, stored hashed, with a sliding expiry", async () => {
  await using dir = await tempDir();
  await using store = await KvStore.open(dir.path);
  let now = Date.now();
  const sessions = new Sessions(store, { now: () => now });
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

Deno.test("the single process trusts a session it read a moment ago, and forgets one it ends at once", async () => {
  await using dir = await tempDir();
  await using store = await KvStore.open(dir.path);
  let now = Date.now();
  const sessions = new Sessions(store, { now: () => now, rememberMs: 30_000 });
  const first = await sessions.create("account-1");
  const resolved = await sessions.resolve(first.id);
  if (resolved === undefined) throw new Error("the new session did not resolve");

  // Ended behind its back (no process of ours does this): trusted until the memory runs out.
  await store.deleteSession(resolved.key);
  assertEquals((await sessions.resolve(first.id))?.accountId, "account-1");
  now += 30_000;
  assertEquals(await sessions.resolve(first.id), undefined, "read again after 30 s: gone");

  // Ended through it: gone at once.
  const second = await sessions.create("account-1");
  assert(await sessions.resolve(second.id));
  await sessions.delete(second.id);
  assertEquals(await sessions.resolve(second.id), undefined);

  // A password change ends the others, keeping the one it was made under.
  const kept = await sessions.create("account-1");
  const other = await sessions.create("account-1");
  const elsewhere = await sessions.create("account-2");
  const keptKey = (await sessions.resolve(kept.id))?.key;
  for (const { id } of [other, elsewhere]) assert(await sessions.resolve(id));
  assertEquals(await sessions.deleteAllOf("account-1", keptKey), 1);
  assertEquals(await sessions.resolve(other.id), undefined);
  assertEquals((await sessions.resolve(kept.id))?.accountId, "account-1");
  assertEquals((await sessions.resolve(elsewhere.id))?.accountId, "account-2");
});

Deno.test("a session just created is remembered: the stream the page opens next need not read it", async () => {
  await using dir = await tempDir();
  await using store = await KvStore.open(dir.path);
  const sessions = new Sessions(store, { rememberMs: 30_000 });
  const created = await sessions.create("account-1");
  await store.deleteSessionsOf("account-1");
  assertEquals((await sessions.resolve(created.id))?.accountId, "account-1");
  await sessions.delete(created.id);
  assertEquals(await sessions.resolve(created.id), undefined);
});

Deno.test("a remembered session still expires and is still extended on time", async () => {
  await using dir = await tempDir();
  await using store = await KvStore.open(dir.path);
  let now = Date.now();
  const sessions = new Sessions(store, { now: () => now, rememberMs: SESSION_TTL_MS * 2 });
  const created = await sessions.create("account-1");
  assertEquals((await sessions.resolve(created.id))?.refreshed, false);
  now += 2 * 60 * 60 * 1000;
  const extended = await sessions.resolve(created.id);
  assertEquals([extended?.refreshed, extended?.expiresAt], [true, now + SESSION_TTL_MS]);
  assertEquals((await store.getSession(extended?.key ?? ""))?.expiresAt, now + SESSION_TTL_MS);
  now += SESSION_TTL_MS;
  assertEquals(await sessions.resolve(created.id), undefined, "unused for the whole TTL");
});

Deno.test("a session read while it is being ended is not remembered", async () => {
  await using dir = await tempDir();
  await using store = await KvStore.open(dir.path);
  // The store's reads of sessions wait for the test to let them through.
  const gate = Promise.withResolvers<void>();
  const gated = new Proxy(store, {
    get(target, property) {
      if (property === "getSession") {
        return async (key: string) => {
          const read = await target.getSession(key);
          await gate.promise;
          return read;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const sessions = new Sessions(gated, { rememberMs: 30_000 });
  const created = await sessions.create("account-1");
  const reading = sessions.resolve(created.id);
  await sessions.delete(created.id);
  gate.resolve();
  assertEquals((await reading)?.accountId, "account-1", "read before the delete landed");
  assertEquals(await sessions.resolve(created.id), undefined, "but not remembered past it");
});

Deno.test("a cluster node reads the store on every request", async () => {
  await using dir = await tempDir();
  await using store = await KvStore.open(dir.path);
  const sessions = new Sessions(store);
  const created = await sessions.create("account-1");
  const resolved = await sessions.resolve(created.id);
  if (resolved === undefined) throw new Error("the new session did not resolve");
  await store.deleteSession(resolved.key);
  assertEquals(await sessions.resolve(created.id), undefined, "ended on another node: gone here");
});
