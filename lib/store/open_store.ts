/**
 * Opening the store the settings ask for: PostgreSQL when `MYTHOS_DATABASE_URL` is set, else
 * the embedded Deno KV file under `MYTHOS_DATA_DIR`, which one server at a time may hold.
 *
 * @module
 */

import { type DataDirLock, lockDataDir } from "./data_dir_lock.ts";
import { KvStore } from "./kv_store.ts";
import { PostgresStore } from "./postgres_store.ts";
import type { Store } from "./store.ts";

/** Where the store lives. */
export interface StoreSettings {
  /** A PostgreSQL URL; `undefined` for Deno KV. */
  databaseUrl: string | undefined;
  /** The Deno KV data directory. */
  dataDir: string;
}

/** An open store; disposing closes it (and releases the data directory, for Deno KV). */
export interface OpenStore extends AsyncDisposable {
  /** The store. */
  readonly store: Store;
}

/**
 * Opens the store.
 *
 * @throws {import("./data_dir_lock.ts").DataDirLockedError} when another server holds the KV
 * data directory.
 * @throws {import("./store.ts").StoreUnavailableError} when the database cannot be reached.
 */
export async function openStore(settings: StoreSettings): Promise<OpenStore> {
  if (settings.databaseUrl !== undefined) {
    const store = await PostgresStore.open(settings.databaseUrl);
    return { store, [Symbol.asyncDispose]: () => store.close() };
  }
  // One server per data directory: a second would make every save last-writer-wins.
  const lock: DataDirLock = await lockDataDir(settings.dataDir);
  let store: KvStore;
  try {
    store = await KvStore.open(settings.dataDir);
  } catch (error) {
    lock[Symbol.dispose]();
    throw error;
  }
  return {
    store,
    [Symbol.asyncDispose]: async () => {
      try {
        await store.close();
      } finally {
        lock[Symbol.dispose]();
      }
    },
  };
}
