/**
 * The game, accounts and routes tests again, with every test server on PostgreSQL instead of
 * Deno KV: a server started with MYTHOS_DATABASE_URL must play exactly like the default one.
 *
 * Starts one PostgreSQL server (tests/support/postgres.ts) for the run; each test server gets a
 * database of its own on it.
 *
 * Usage: deno task test:postgres
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { POSTGRES_MISSING, postgresAvailable, startPostgres } from "./support/postgres.ts";

/** The tests that start servers in-process (the ones a store change could break). */
const SUITES = [
  "tests/game/",
  "tests/presence/",
  "tests/accounts/",
  "tests/routes/",
  "tests/main_test.ts",
];

if (!postgresAvailable()) {
  console.error(POSTGRES_MISSING);
  Deno.exit(1);
}
await using pg = await startPostgres();
const admin = new URL(await pg.newDatabase());
admin.pathname = "/postgres";
const status = await new Deno.Command(Deno.execPath(), {
  args: [
    "test",
    "--allow-all",
    "--sanitize-ops",
    "--sanitize-resources",
    "--trace-leaks",
    ...SUITES,
  ],
  env: { MYTHOS_TEST_STORE: "postgres", MYTHOS_TEST_DATABASE_URL: admin.href },
  stdin: "null",
  stdout: "inherit",
  stderr: "inherit",
}).spawn().status;
Deno.exitCode = status.code;
