/**
 * The store on Deno KV: the embedded default, one file under the data directory.
 *
 * Keys:
 *
 * | key | value |
 * | --- | --- |
 * | `["account", id]` | {@linkcode AccountRecord} |
 * | `["account_name", nameKey]` | account id (the uniqueness index) |
 * | `["account_skeleton", skeleton]` | account id (look-alike names are taken too) |
 * | `["player", id]` | {@linkcode PlayerRecord} |
 * | `["session", idHash]` | {@linkcode SessionRecord}, with a KV expiry |
 * | `["account_session", accountId, idHash]` | `true`, with the same expiry (an account's sessions) |
 * | `["item", itemId]` | {@linkcode ItemPlacement} |
 * | `["meta", name]` | small values (the world clock) |
 *
 * @module
 */

import { join } from "@std/path/join";
import { nameSkeleton } from "../text/name_skeleton.ts";
import type {
  AccountRecord,
  DumpEntry,
  ItemPlacement,
  PlayerRecord,
  SessionRecord,
  Store,
  StoredPlacement,
} from "./store.ts";

/** KV allows at most this many mutations in one atomic operation. */
const MAX_MUTATIONS = 500;

/** Meta values the store keeps for itself (not copied by `db:copy`). */
const INTERNAL_META = new Set(["skeletons_indexed"]);

/** File name of the KV database inside the data directory. */
export const KV_FILE = "mythos.kv";

/** A {@linkcode Store} backed by Deno KV. */
export class KvStore implements Store {
  readonly kind = "kv";
  readonly #kv: Deno.Kv;
  #closed = false;

  private constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /** Opens (creating if needed) the KV file in `dataDir`. */
  static async open(dataDir: string): Promise<KvStore> {
    await Deno.mkdir(dataDir, { recursive: true });
    const store = new KvStore(await Deno.openKv(join(dataDir, KV_FILE)));
    try {
      await store.#indexSkeletons();
    } catch (error) {
      store.close();
      throw error;
    }
    return store;
  }

  /** Accounts made before names had skeletons get theirs, once. */
  async #indexSkeletons(): Promise<void> {
    if ((await this.#kv.get(["meta", "skeletons_indexed"])).value === true) return;
    for await (const entry of this.#kv.list<AccountRecord>({ prefix: ["account"] })) {
      const skeleton = entry.value.skeleton ?? nameSkeleton(entry.value.name);
      await this.#kv.atomic()
        .set(["account", entry.value.id], { ...entry.value, skeleton })
        .set(["account_skeleton", skeleton], entry.value.id)
        .commit();
    }
    await this.#kv.set(["meta", "skeletons_indexed"], true);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  /** Deno KV expires sessions by itself (`expireIn`). */
  sweepExpired(): Promise<number> {
    return Promise.resolve(0);
  }

  async createAccount(account: AccountRecord, player: PlayerRecord): Promise<boolean> {
    const result = await this.#kv.atomic()
      .check({ key: ["account_name", account.nameKey], versionstamp: null })
      .check({ key: ["account_skeleton", account.skeleton], versionstamp: null })
      .check({ key: ["account", account.id], versionstamp: null })
      .set(["account_name", account.nameKey], account.id)
      .set(["account_skeleton", account.skeleton], account.id)
      .set(["account", account.id], account)
      .set(["player", player.id], player)
      .commit();
    return result.ok;
  }

  async findAccountByName(name: string): Promise<AccountRecord | undefined> {
    const id = await this.#kv.get<string>(["account_name", name.toLowerCase()]);
    if (id.value === null) return undefined;
    return this.getAccount(id.value);
  }

  async getAccount(id: string): Promise<AccountRecord | undefined> {
    return (await this.#kv.get<AccountRecord>(["account", id])).value ?? undefined;
  }

  async setAdmin(id: string, admin: boolean): Promise<AccountRecord | undefined> {
    while (true) {
      const entry = await this.#kv.get<AccountRecord>(["account", id]);
      if (entry.value === null) return undefined;
      const updated: AccountRecord = { ...entry.value, admin };
      const result = await this.#kv.atomic().check(entry).set(["account", id], updated).commit();
      if (result.ok) return updated;
    }
  }

  async listAdmins(): Promise<AccountRecord[]> {
    const admins: AccountRecord[] = [];
    for await (const entry of this.#kv.list<AccountRecord>({ prefix: ["account"] })) {
      if (entry.value.admin === true) admins.push(entry.value);
    }
    return admins;
  }

  async putSession(idHash: string, session: SessionRecord): Promise<void> {
    const expireIn = Math.max(1000, session.expiresAt - Date.now());
    await this.#kv.atomic()
      .set(["session", idHash], session, { expireIn })
      .set(["account_session", session.accountId, idHash], true, { expireIn })
      .commit();
  }

  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    const session = (await this.#kv.get<SessionRecord>(["session", idHash])).value;
    // KV deletes expired keys lazily, so the expiry is checked here too.
    if (session === null || session.expiresAt <= Date.now()) return undefined;
    return session;
  }

  async deleteSession(idHash: string): Promise<void> {
    const session = (await this.#kv.get<SessionRecord>(["session", idHash])).value;
    const batch = this.#kv.atomic().delete(["session", idHash]);
    if (session !== null) batch.delete(["account_session", session.accountId, idHash]);
    await batch.commit();
  }

  async deleteSessionsOf(accountId: string, exceptIdHash?: string): Promise<number> {
    let deleted = 0;
    for await (const entry of this.#kv.list({ prefix: ["account_session", accountId] })) {
      const idHash = entry.key[2];
      if (typeof idHash !== "string" || idHash === exceptIdHash) continue;
      await this.#kv.atomic().delete(["session", idHash]).delete(entry.key).commit();
      deleted++;
    }
    return deleted;
  }

  async setPasswordHash(accountId: string, passwordHash: string): Promise<void> {
    while (true) {
      const entry = await this.#kv.get<AccountRecord>(["account", accountId]);
      if (entry.value === null) throw new Error("No such account");
      const updated = { ...entry.value, passwordHash };
      const result = await this.#kv.atomic().check(entry).set(["account", accountId], updated)
        .commit();
      if (result.ok) return;
    }
  }

  async getPlayer(id: string): Promise<PlayerRecord | undefined> {
    return (await this.#kv.get<PlayerRecord>(["player", id])).value ?? undefined;
  }

  async savePlayers(players: PlayerRecord[]): Promise<void> {
    for (let i = 0; i < players.length; i += MAX_MUTATIONS) {
      const batch = this.#kv.atomic();
      for (const player of players.slice(i, i + MAX_MUTATIONS)) {
        batch.set(["player", player.id], player);
      }
      const result = await batch.commit();
      if (!result.ok) throw new Error("Saving players failed");
    }
  }

  async loadPlacements(): Promise<Map<string, StoredPlacement>> {
    const placements = new Map<string, StoredPlacement>();
    for await (const entry of this.#kv.list<ItemPlacement>({ prefix: ["item"] })) {
      const id = entry.key[1];
      if (typeof id === "string") {
        placements.set(id, { placement: entry.value, version: entry.versionstamp });
      }
    }
    return placements;
  }

  async moveItem(
    itemId: string,
    expected: string | null,
    to: ItemPlacement,
  ): Promise<string | undefined> {
    const result = await this.#kv.atomic()
      .check({ key: ["item", itemId], versionstamp: expected })
      .set(["item", itemId], to)
      .commit();
    return result.ok ? result.versionstamp : undefined;
  }

  async getMeta<T>(name: string): Promise<T | undefined> {
    return (await this.#kv.get<T>(["meta", name])).value ?? undefined;
  }

  async setMeta(name: string, value: unknown): Promise<void> {
    await this.#kv.set(["meta", name], value);
  }

  async *dump(): AsyncIterable<DumpEntry> {
    for await (const entry of this.#kv.list<AccountRecord>({ prefix: ["account"] })) {
      const player = await this.getPlayer(entry.value.id);
      if (player !== undefined) yield { kind: "account", account: entry.value, player };
    }
    for await (const entry of this.#kv.list<SessionRecord>({ prefix: ["session"] })) {
      const idHash = entry.key[1];
      if (typeof idHash === "string" && entry.value.expiresAt > Date.now()) {
        yield { kind: "session", idHash, session: entry.value };
      }
    }
    for await (const entry of this.#kv.list<ItemPlacement>({ prefix: ["item"] })) {
      const id = entry.key[1];
      if (typeof id === "string") yield { kind: "item", id, placement: entry.value };
    }
    for await (const entry of this.#kv.list({ prefix: ["meta"] })) {
      const name = entry.key[1];
      if (typeof name === "string" && !INTERNAL_META.has(name)) {
        yield { kind: "meta", name, value: entry.value };
      }
    }
  }

  async isEmpty(): Promise<boolean> {
    for (const prefix of ["account", "session", "item"]) {
      for await (const _ of this.#kv.list({ prefix: [prefix] }, { limit: 1 })) return false;
    }
    for await (const entry of this.#kv.list({ prefix: ["meta"] })) {
      if (!INTERNAL_META.has(String(entry.key[1]))) return false;
    }
    return true;
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#kv.close();
    }
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
