import { assertEquals } from "@std/assert";
import { nameSkeleton } from "../../lib/text/name_skeleton.ts";
import { KvStore } from "../../lib/store/kv_store.ts";
import type { AccountRecord, PlayerRecord } from "../../lib/store/store.ts";
import { present } from "../support/present.ts";
import { tempDir } from "../support/temp_dir.ts";

function records(name: string): [AccountRecord, PlayerRecord] {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  return [
    {
      id,
      name,
      nameKey: name.toLowerCase(),
      skeleton: nameSkeleton(name),
      passwordHash: "x",
      createdAt: now,
    },
    { id, name, room: "arkham.station", stats: { lucidity: 100 }, createdAt: now, updatedAt: now },
  ];
}

Deno.test("createAccount() is atomic: of many concurrent registrations of one name, exactly one wins", async () => {
  await using dir = await tempDir();
  await using store = await KvStore.open(dir.path);
  const attempts = await Promise.all(
    ["Dyer", "dyer", "DYER", "dYeR", "Dyer"].map((name) => store.createAccount(...records(name))),
  );
  assertEquals(attempts.filter(Boolean).length, 1);
  const account = present(await store.findAccountByName("DYER"), "the account");
  assertEquals(
    (await store.getPlayer(account.id))?.room,
    "arkham.station",
    "the character exists with it",
  );
});

Deno.test("sessions expire, and a deleted session is gone", async () => {
  await using dir = await tempDir();
  await using store = await KvStore.open(dir.path);
  const now = Date.now();
  await store.putSession("live", { accountId: "a", expiresAt: now + 60_000, createdAt: "" });
  await store.putSession("stale", { accountId: "a", expiresAt: now - 1, createdAt: "" });
  assertEquals((await store.getSession("live"))?.accountId, "a");
  assertEquals(await store.getSession("stale"), undefined);
  await store.deleteSession("live");
  assertEquals(await store.getSession("live"), undefined);
});

Deno.test("moveItem() is a checked write: a stale version loses and changes nothing", async () => {
  await using dir = await tempDir();
  await using store = await KvStore.open(dir.path);
  const first = present(await store.moveItem("lantern", null, { player: "ann" }), "a version");
  assertEquals(
    await store.moveItem("lantern", null, { player: "bob" }),
    undefined,
    "stale: never moved",
  );
  const second = present(
    await store.moveItem("lantern", first, { room: "arkham.station" }),
    "a version",
  );
  assertEquals(
    await store.moveItem("lantern", first, { player: "bob" }),
    undefined,
    "stale version",
  );
  const placements = await store.loadPlacements();
  assertEquals(placements.get("lantern"), {
    placement: { room: "arkham.station" },
    version: second,
  });
});

Deno.test("players and meta values survive closing and reopening the store", async () => {
  await using dir = await tempDir();
  const [, player] = records("Lake");
  {
    await using store = await KvStore.open(dir.path);
    await store.savePlayers([{
      ...player,
      room: "mu.quad",
      stats: { lucidity: 42 },
      lastEventId: 7,
    }]);
    await store.setMeta("clock", { hour: 21 });
  }
  await using store = await KvStore.open(dir.path);
  const saved = await store.getPlayer(player.id);
  assertEquals([saved?.room, saved?.stats.lucidity, saved?.lastEventId], ["mu.quad", 42, 7]);
  assertEquals(await store.getMeta("clock"), { hour: 21 });
});

Deno.test("accounts made before skeletons get one when the store opens, so look-alikes are refused", async () => {
  await using dir = await tempDir();
  {
    const kv = await Deno.openKv(`${dir.path}/mythos.kv`);
    const old = {
      id: "old-1",
      name: "Armitage",
      nameKey: "armitage",
      passwordHash: "x",
      createdAt: "",
    };
    await kv.set(["account", old.id], old);
    await kv.set(["account_name", old.nameKey], old.id);
    kv.close();
  }
  await using store = await KvStore.open(dir.path);
  assertEquals((await store.getAccount("old-1"))?.skeleton, "armltage");
  const now = new Date().toISOString();
  const created = await store.createAccount(
    {
      id: "new-1",
      name: "Arrnitage",
      nameKey: "arrnitage",
      skeleton: nameSkeleton("Arrnitage"),
      passwordHash: "x",
      createdAt: now,
    },
    {
      id: "new-1",
      name: "Arrnitage",
      room: "r",
      stats: { lucidity: 100 },
      createdAt: now,
      updatedAt: now,
    },
  );
  assertEquals(created, false);
});
