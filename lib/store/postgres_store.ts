/**
 * The store on PostgreSQL, for a cluster of nodes sharing one database (`MYTHOS_DATABASE_URL`).
 *
 * The same guarantees as the Deno KV store: creating an account is one transaction guarded by
 * unique indexes on the name and its skeleton; an item move is a checked write on a `version`
 * column (`UPDATE ... WHERE id = $1 AND version = $2`); sessions are stored under a hash of their
 * id with an expiry. The schema is applied by the numbered migrations in `migrations.ts`.
 *
 * | table | holds |
 * | --- | --- |
 * | `accounts` | {@linkcode AccountRecord} (unique `name_key` and `skeleton`) |
 * | `players` | {@linkcode PlayerRecord} as `jsonb` |
 * | `sessions` | {@linkcode SessionRecord} under its id hash, with `expires_at` |
 * | `items` | an item's placement and its version, once it has moved |
 * | `meta` | small values (the world clock) |
 * | `world_fence` | the newest world lease's fencing token (one row) |
 *
 * In a cluster the world node claims its lease's token here ({@linkcode PostgresStore.claimWorld});
 * from then on each of its writes to `players`, `items` and `meta` is a transaction that first
 * reads the token `for share` and runs only if it is still this node's. A newer claim's `update`
 * waits for those transactions and then makes every later one fail: a world that lost its lease
 * cannot change what the next one loaded.
 *
 * @module
 */

import postgres from "postgres";
import { migrate } from "./migrations.ts";
import {
  type AccountRecord,
  type DumpEntry,
  type ItemPlacement,
  type PlayerRecord,
  type SessionRecord,
  type Store,
  type StoredPlacement,
  StoreUnavailableError,
  WorldFencedError,
  type WorldFencing,
} from "./store.ts";

/** How long a session may sit idle inside a transaction before PostgreSQL ends it. */
const IDLE_IN_TRANSACTION_MS = 3000;

/** Rows written per statement when saving many players. */
const SAVE_BATCH = 500;

/** SQLSTATE of a unique violation. */
const UNIQUE_VIOLATION = "23505";

interface AccountRow {
  id: string;
  name: string;
  name_key: string;
  skeleton: string;
  password_hash: string;
  created_at: string;
  admin: boolean;
}

function toAccount(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    name: row.name,
    nameKey: row.name_key,
    skeleton: row.skeleton,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    ...(row.admin ? { admin: true } : {}),
  };
}

/**
 * Whether `error` means the database could not be reached or went away (rather than refusing a
 * statement): connection errors from the driver, and SQLSTATE classes 08 (connection exception)
 * and 57P (operator intervention: shutdown, crash, cannot connect now).
 */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  return code.startsWith("08") || code.startsWith("57P") ||
    [
      "ECONNREFUSED",
      "ECONNRESET",
      "CONNECTION_CLOSED",
      "CONNECTION_ENDED",
      "CONNECTION_DESTROYED",
      "CONNECT_TIMEOUT",
      "EPIPE",
      "ETIMEDOUT",
      "ENOTFOUND",
      "EHOSTUNREACH",
    ].includes(code);
}

/** A {@linkcode Store} backed by PostgreSQL. */
export class PostgresStore implements Store, WorldFencing {
  readonly kind = "postgres";
  readonly #sql: postgres.Sql;
  #closed = false;
  /** This node's world token and what to do when it is refused; unset: writes are not fenced. */
  #fence: { token: number; onFencedOut: () => void } | undefined;

  private constructor(sql: postgres.Sql) {
    this.#sql = sql;
  }

  /**
   * Connects to the database at `url` and applies any migration it lacks.
   *
   * @throws {StoreUnavailableError} when the database cannot be reached.
   */
  static async open(
    url: string,
    options: { maxConnections?: number } = {},
  ): Promise<PostgresStore> {
    const sql = postgres(url, {
      max: options.maxConnections ?? 10,
      connect_timeout: 5,
      idle_timeout: 60,
      onnotice: () => {},
      connection: {
        // A process paused mid-transaction (SIGSTOP, a cut network) would hold its row locks for
        // ever: a world's fence lock would stop the next world's claim. The server ends such a
        // session; every transaction here is a few statements long.
        idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
      },
    });
    const store = new PostgresStore(sql);
    try {
      await store.ping();
      await migrate(sql);
    } catch (error) {
      await store.#end();
      throw isConnectionError(error)
        ? new StoreUnavailableError(`The database at ${redact(url)} cannot be reached`, {
          cause: error,
        })
        : error;
    }
    return store;
  }

  async ping(): Promise<void> {
    await this.#run(() => this.#sql`select 1`);
  }

  async sweepExpired(): Promise<number> {
    const deleted = await this.#run(() =>
      this.#sql`delete from sessions where expires_at <= ${Date.now()}`
    );
    return deleted.count;
  }

  async createAccount(account: AccountRecord, player: PlayerRecord): Promise<boolean> {
    try {
      await this.#run(() =>
        this.#sql.begin(async (tx) => {
          await tx`
            insert into accounts (id, name, name_key, skeleton, password_hash, created_at, admin)
            values (${account.id}, ${account.name}, ${account.nameKey}, ${account.skeleton},
                    ${account.passwordHash}, ${account.createdAt}, ${account.admin === true})
          `;
          await tx`insert into players (id, record) values (${player.id}, ${
            tx.json(json(player))
          })`;
        })
      );
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return false;
      throw error;
    }
  }

  async findAccountByName(name: string): Promise<AccountRecord | undefined> {
    const rows = await this.#run(() =>
      this.#sql<AccountRow[]>`select * from accounts where name_key = ${name.toLowerCase()}`
    );
    return rows[0] === undefined ? undefined : toAccount(rows[0]);
  }

  async getAccount(id: string): Promise<AccountRecord | undefined> {
    const rows = await this.#run(() =>
      this.#sql<AccountRow[]>`select * from accounts where id = ${id}`
    );
    return rows[0] === undefined ? undefined : toAccount(rows[0]);
  }

  async setAdmin(id: string, admin: boolean): Promise<AccountRecord | undefined> {
    const rows = await this.#run(() =>
      this.#sql<AccountRow[]>`update accounts set admin = ${admin} where id = ${id} returning *`
    );
    return rows[0] === undefined ? undefined : toAccount(rows[0]);
  }

  async listAdmins(): Promise<AccountRecord[]> {
    const rows = await this.#run(() =>
      this.#sql<AccountRow[]>`select * from accounts where admin order by name_key`
    );
    return rows.map(toAccount);
  }

  async setPasswordHash(accountId: string, passwordHash: string): Promise<void> {
    const result = await this.#run(() =>
      this.#sql`update accounts set password_hash = ${passwordHash} where id = ${accountId}`
    );
    if (result.count === 0) throw new Error("No such account");
  }

  async putSession(idHash: string, session: SessionRecord): Promise<void> {
    await this.#run(() =>
      this.#sql`
        insert into sessions (id_hash, account_id, expires_at, created_at)
        values (${idHash}, ${session.accountId}, ${session.expiresAt}, ${session.createdAt})
        on conflict (id_hash) do update set expires_at = excluded.expires_at
      `
    );
  }

  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    const rows = await this.#run(() =>
      this.#sql<{ account_id: string; expires_at: string; created_at: string }[]>`
        select account_id, expires_at, created_at from sessions
        where id_hash = ${idHash} and expires_at > ${Date.now()}
      `
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      accountId: row.account_id,
      expiresAt: Number(row.expires_at),
      createdAt: row.created_at,
    };
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.#run(() => this.#sql`delete from sessions where id_hash = ${idHash}`);
  }

  async deleteSessionsOf(accountId: string, exceptIdHash?: string): Promise<number> {
    const result = await this.#run(() =>
      this.#sql`
        delete from sessions
        where account_id = ${accountId} and id_hash <> ${exceptIdHash ?? ""}
      `
    );
    return result.count;
  }

  async claimWorld(token: number, onFencedOut: () => void): Promise<void> {
    const rows = await this.#run(() =>
      this.#sql<{ token: string }[]>`
        update world_fence set token = ${token} where id = 1 and token < ${token} returning token
      `
    );
    if (rows.length === 0) throw new WorldFencedError();
    this.#fence = { token, onFencedOut };
  }

  async getPlayer(id: string): Promise<PlayerRecord | undefined> {
    const rows = await this.#run(() =>
      this.#sql<{ record: PlayerRecord }[]>`select record from players where id = ${id}`
    );
    return rows[0]?.record;
  }

  async savePlayers(players: PlayerRecord[]): Promise<void> {
    for (let i = 0; i < players.length; i += SAVE_BATCH) {
      const batch = players.slice(i, i + SAVE_BATCH);
      // One statement per batch: the records go as one JSON array and are unpacked by SQL.
      await this.#world((sql) =>
        sql`
          insert into players (id, record)
          select record ->> 'id', record
          from jsonb_array_elements(${sql.json(json(batch))}) as t (record)
          on conflict (id) do update set record = excluded.record, saved_at = now()
        `
      );
    }
  }

  async loadPlacements(): Promise<Map<string, StoredPlacement>> {
    const rows = await this.#run(() =>
      this.#sql<{ id: string; placement: ItemPlacement; version: string }[]>`
        select id, placement, version from items
      `
    );
    return new Map(
      rows.map((row) => [row.id, { placement: row.placement, version: String(row.version) }]),
    );
  }

  async moveItem(
    itemId: string,
    expected: string | null,
    to: ItemPlacement,
  ): Promise<string | undefined> {
    const placement = this.#sql.json(json(to));
    const rows = await this.#world((sql) =>
      expected === null
        // First move: the row must not exist yet (a racing first move loses on the key).
        ? sql<{ version: string }[]>`
            insert into items (id, placement, version) values (${itemId}, ${placement}, 1)
            on conflict (id) do nothing
            returning version
          `
        : sql<{ version: string }[]>`
            update items set placement = ${placement}, version = version + 1
            where id = ${itemId} and version = ${Number(expected)}
            returning version
          `
    );
    return rows[0] === undefined ? undefined : String(rows[0].version);
  }

  async getMeta<T>(name: string): Promise<T | undefined> {
    const rows = await this.#run(() =>
      this.#sql<{ value: T }[]>`select value from meta where name = ${name}`
    );
    return rows[0]?.value;
  }

  async setMeta(name: string, value: unknown): Promise<void> {
    await this.#world((sql) =>
      sql`
        insert into meta (name, value) values (${name}, ${sql.json(json(value))})
        on conflict (name) do update set value = excluded.value
      `
    );
  }

  async *dump(): AsyncIterable<DumpEntry> {
    const accounts = await this.#run(() =>
      this.#sql<(AccountRow & { record: PlayerRecord })[]>`
        select accounts.*, players.record from accounts join players using (id) order by name_key
      `
    );
    for (const row of accounts) {
      yield { kind: "account", account: toAccount(row), player: row.record };
    }
    const sessions = await this.#run(() =>
      this.#sql<{ id_hash: string; account_id: string; expires_at: string; created_at: string }[]>`
        select * from sessions where expires_at > ${Date.now()}
      `
    );
    for (const row of sessions) {
      yield {
        kind: "session",
        idHash: row.id_hash,
        session: {
          accountId: row.account_id,
          expiresAt: Number(row.expires_at),
          createdAt: row.created_at,
        },
      };
    }
    const items = await this.#run(() =>
      this.#sql<{ id: string; placement: ItemPlacement }[]>`select id, placement from items`
    );
    for (const row of items) yield { kind: "item", id: row.id, placement: row.placement };
    const meta = await this.#run(() =>
      this.#sql<{ name: string; value: unknown }[]>`select name, value from meta`
    );
    for (const row of meta) yield { kind: "meta", name: row.name, value: row.value };
  }

  async isEmpty(): Promise<boolean> {
    const rows = await this.#run(() =>
      this.#sql<{ empty: boolean }[]>`
        select not (exists (select 1 from accounts) or exists (select 1 from sessions)
          or exists (select 1 from items) or exists (select 1 from meta)) as empty
      `
    );
    return rows[0]?.empty === true;
  }

  /**
   * Closes the connections, waiting up to a second for queries under way. By the time the server
   * closes its store every save is done; what can still be open is a connection attempt to a
   * database that is down, which would otherwise hold shutdown for the whole connect timeout.
   */
  async close(): Promise<void> {
    await this.#end();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#end();
  }

  async #end(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#sql.end({ timeout: 1 });
  }

  /** Runs a query, turning a lost connection into {@linkcode StoreUnavailableError}. */
  /**
   * Runs one of the world's writes: as it is outside a cluster, or, once a world token is claimed,
   * in a transaction that holds the token `for share` and runs only while it is still ours.
   */
  async #world<T>(write: (sql: postgres.Sql) => Promise<T>): Promise<T> {
    const fence = this.#fence;
    if (fence === undefined) return await this.#run(() => write(this.#sql));
    try {
      return await this.#run(() =>
        this.#sql.begin(async (tx) => {
          const [row] = await tx<{ token: string }[]>`
            select token from world_fence where id = 1 for share
          `;
          if (Number(row?.token) !== fence.token) throw new WorldFencedError();
          return await write(tx as unknown as postgres.Sql);
        }) as Promise<T>
      );
    } catch (error) {
      if (error instanceof WorldFencedError) fence.onFencedOut();
      throw error;
    }
  }

  async #run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      if (isConnectionError(error)) {
        throw new StoreUnavailableError("The database cannot be reached", { cause: error });
      }
      throw error;
    }
  }
}

/** A value as postgres.js's `json()` wants it (its JSONValue type is narrower than `unknown`). */
function json(value: unknown): postgres.JSONValue {
  return value as postgres.JSONValue;
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.href;
  } catch {
    return "(unparsable URL)";
  }
}
