/**
 * The `Store` contract: what every store must guarantee, run as test steps against each
 * implementation (`kv_store_test.ts`, `postgres_store_test.ts`).
 *
 * @module
 */

import { assertEquals } from "@std/assert";
import type { AccountRecord, PlayerRecord, Store } from "../../lib/store/store.ts";
import { nameSkeleton } from "../../lib/text/name_skeleton.ts";
import { present } from "../support/present.ts";

/** Makes stores for the contract: each `fresh()` is empty; `reopen()` opens the last one again. */
export interface StoreHarness {
  /** A new, empty store. */
  fresh(): Promise<Store>;
  /** The store `fresh()` last made, opened again after it was closed. */
  reopen(): Promise<Store>;
}

/** An account and its character named `name`. */
export function records(name: string): [AccountRecord, PlayerRecord] {
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

async function withStore(harness: StoreHarness, fn: (store: Store) => Promise<void>) {
  const store = await harness.fresh();
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

/** Runs every contract case as a step of `t`. */
export async function storeContract(t: Deno.TestContext, harness: StoreHarness): Promise<void> {
  await t.step(
    "createAccount() is atomic: of many concurrent registrations of one name (or a look-alike), exactly one wins",
    () =>
      withStore(harness, async (store) => {
        const attempts = await Promise.all(
          ["Dyer", "dyer", "DYER", "dYeR", "Dyer", "Clyer"].map((name) =>
            store.createAccount(...records(name))
          ),
        );
        assertEquals(attempts.filter(Boolean).length, 1);
        const account = present(await store.findAccountByName("DYER"), "the account");
        assertEquals((await store.getAccount(account.id))?.name, account.name);
        assertEquals(
          (await store.getPlayer(account.id))?.room,
          "arkham.station",
          "with a character",
        );
        assertEquals(await store.findAccountByName("Nobody"), undefined);
      }),
  );

  await t.step(
    "sessions expire, a deleted session is gone, and an account's sessions end together",
    () =>
      withStore(harness, async (store) => {
        const [account, player] = records("Sessions");
        await store.createAccount(account, player);
        const now = Date.now();
        const session = { accountId: account.id, createdAt: "" };
        await store.putSession("live", { ...session, expiresAt: now + 60_000 });
        await store.putSession("stale", { ...session, expiresAt: now - 1 });
        assertEquals((await store.getSession("live"))?.accountId, account.id);
        assertEquals(await store.getSession("stale"), undefined);
        await store.putSession("live", { ...session, expiresAt: now + 120_000 });
        assertEquals((await store.getSession("live"))?.expiresAt, now + 120_000, "extended");
        await store.deleteSession("live");
        assertEquals(await store.getSession("live"), undefined);
        await store.deleteSession("stale");
        for (const id of ["a", "b", "c"]) {
          await store.putSession(id, { ...session, expiresAt: now + 60_000 });
        }
        assertEquals(await store.deleteSessionsOf(account.id, "b"), 2);
        assertEquals(
          [await store.getSession("a"), (await store.getSession("b"))?.accountId],
          [undefined, account.id],
        );
        assertEquals(await store.deleteSessionsOf(account.id), 1);
        await store.sweepExpired();
        assertEquals(await store.getSession("stale"), undefined);
      }),
  );

  await t.step(
    "moveItem() is a checked write: a stale version loses and changes nothing",
    () =>
      withStore(harness, async (store) => {
        const first = present(
          await store.moveItem("lantern", null, { player: "ann" }),
          "a version",
        );
        assertEquals(
          await store.moveItem("lantern", null, { player: "bob" }),
          undefined,
          "never moved?",
        );
        const second = present(
          await store.moveItem("lantern", first, { room: "arkham.station" }),
          "a version",
        );
        assertEquals(await store.moveItem("lantern", first, { player: "bob" }), undefined, "stale");
        assertEquals((await store.loadPlacements()).get("lantern"), {
          placement: { room: "arkham.station" },
          version: second,
        });
        const racers = await Promise.all(
          ["ann", "bob", "cat", "dan"].map((who) =>
            store.moveItem("lantern", second, { player: who })
          ),
        );
        assertEquals(racers.filter((version) => version !== undefined).length, 1, "one racer wins");
      }),
  );

  await t.step(
    "players, admin rights, passwords and meta values survive closing and reopening",
    async () => {
      const [account, player] = records("Lake");
      const crowd = Array.from({ length: 1200 }, (_, i) => records(`Crowd${i}`));
      {
        const store = await harness.fresh();
        try {
          await store.createAccount(account, player);
          for (const [a, p] of crowd) await store.createAccount(a, p);
          await store.savePlayers([
            { ...player, room: "mu.quad", stats: { lucidity: 42 }, lastEventId: 7 },
            ...crowd.map(([, p]) => ({ ...p, room: "mu.library" })),
          ]);
          await store.setMeta("clock", { hour: 21 });
          assertEquals((await store.setAdmin(account.id, true))?.admin, true);
          assertEquals(await store.setAdmin("no-such-account", true), undefined);
          await store.setPasswordHash(account.id, "new-hash");
        } finally {
          await store.close();
        }
      }
      const store = await harness.reopen();
      try {
        const saved = await store.getPlayer(player.id);
        assertEquals([saved?.room, saved?.stats.lucidity, saved?.lastEventId], ["mu.quad", 42, 7]);
        const last = crowd.at(-1)?.[1].id ?? "";
        assertEquals((await store.getPlayer(last))?.room, "mu.library", "every batch was saved");
        assertEquals(await store.getMeta("clock"), { hour: 21 });
        assertEquals(await store.getMeta("missing"), undefined);
        assertEquals((await store.listAdmins()).map((admin) => admin.name), ["Lake"]);
        assertEquals((await store.getAccount(account.id))?.passwordHash, "new-hash");
        await store.ping();
      } finally {
        await store.close();
      }
    },
  );
}
