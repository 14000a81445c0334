/**
 * The PostgreSQL schema, as numbered migrations.
 *
 * Each migration runs once, in order, inside one transaction that also records it in
 * `schema_migrations`. A transaction-scoped advisory lock makes nodes that start at the same time
 * take turns: the first applies what is missing, the others then find nothing left to do.
 * Migrations are only ever added, never edited once released.
 *
 * @module
 */

import type postgres from "postgres";

/** One schema change. */
export interface Migration {
  /** Its number: migrations run in this order, each once. */
  version: number;
  /** What it does, for the record. */
  name: string;
  /** The SQL it runs. */
  sql: string;
}

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "accounts, players, sessions, items and meta",
    sql: `
      create table accounts (
        id text primary key,
        name text not null,
        name_key text not null unique,
        skeleton text not null unique,
        password_hash text not null,
        created_at text not null,
        admin boolean not null default false
      );
      create table players (
        id text primary key references accounts (id) on delete cascade,
        record jsonb not null,
        saved_at timestamptz not null default now()
      );
      create table sessions (
        id_hash text primary key,
        account_id text not null references accounts (id) on delete cascade,
        expires_at bigint not null,
        created_at text not null
      );
      create index sessions_by_account on sessions (account_id);
      create table items (
        id text primary key,
        placement jsonb not null,
        version bigint not null
      );
      create table meta (
        name text primary key,
        value jsonb not null
      );
    `,
  },
  {
    version: 2,
    name: "the world lease's fencing token",
    sql: `
      create table world_fence (
        id integer primary key check (id = 1),
        token bigint not null
      );
      insert into world_fence (id, token) values (1, 0);
    `,
  },
];

/** The advisory lock key migrations take (any fixed number; "mythos" in ASCII). */
const MIGRATION_LOCK = 0x6d7974686f73;

/**
 * Applies every migration not yet recorded, in one transaction under an advisory lock.
 *
 * @returns the versions applied now (empty when the schema was up to date).
 */
export async function migrate(sql: postgres.Sql): Promise<number[]> {
  return await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`
      create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now()
      )
    `;
    const done = new Set(
      (await tx<{ version: number }[]>`select version from schema_migrations`).map((row) =>
        row.version
      ),
    );
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await tx.unsafe(migration.sql);
      await tx`
        insert into schema_migrations (version, name)
        values (${migration.version}, ${migration.name})
      `;
      applied.push(migration.version);
    }
    return applied;
  });
}
