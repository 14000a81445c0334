import { assertEquals } from "@std/assert";
import { KvStore } from "../../lib/store/kv_store.ts";
import { nameSkeleton } from "../../lib/text/name_skeleton.ts";
import { tempDir } from "../support/temp_dir.ts";
import { records, storeContract } from "./store_contract.ts";

Deno.test("Deno KV store keeps the Store contract", async (t) => {
  await using dir = await tempDir();
  let current = "";
  let count = 0;
  await storeContract(t, {
    fresh: () => {
      current = `${dir.path}/store-${++count}`;
      return KvStore.open(current);
    },
    reopen: () => KvStore.open(current),
  });
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
  assertEquals((await store.getAccount("old-1"))?.skeleton, nameSkeleton("Armitage"));
  const [account, player] = records("Arrnitage");
  assertEquals(await store.createAccount(account, player), false);
});
