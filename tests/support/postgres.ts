/**
 * A real PostgreSQL server for tests, on a loopback port of its own with its data in a temporary
 * directory: `initdb`, then `pg_ctl -w start` (as the `postgres` user when the tests run as root),
 * `fsync=off` for speed; stopped and removed when disposed. Or, when `MYTHOS_TEST_DATABASE_URL`
 * is set, that server (each test still gets a database of its own).
 *
 * @module
 */

import { join } from "@std/path/join";
import postgres from "postgres";
import { freePort } from "./ports.ts";

/** How to install PostgreSQL where it is missing. */
export const POSTGRES_INSTALL = "sudo apt-get install -y postgresql";

/** A running PostgreSQL server. */
export interface TestPostgres extends AsyncDisposable {
  /** A URL for a fresh, empty database of its own (created on each call). */
  newDatabase(): Promise<string>;
  /** The port it listens on (for tests that stop and start it). */
  readonly port: number;
  /** Stops the server, keeping its data (`start()` brings it back on the same port). */
  stop(): Promise<void>;
  /** Starts it again after `stop()`. */
  start(): Promise<void>;
}

function binDir(): string | undefined {
  for (const version of ["17", "16", "15", "14", "13"]) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    try {
      Deno.statSync(join(dir, "initdb"));
      return dir;
    } catch {
      // Not this version.
    }
  }
  return undefined;
}

/** Whether a PostgreSQL server can be had for tests (installed, or given by URL). */
export function postgresAvailable(): boolean {
  return Deno.env.get("MYTHOS_TEST_DATABASE_URL") !== undefined || binDir() !== undefined;
}

/**
 * Whether the tests of a file must be skipped for want of PostgreSQL; when they must, registers
 * one ignored test whose name says so and how to install it. Use as `{ name, ignore }`.
 */
export function skipWithoutPostgres(what: string): boolean {
  if (postgresAvailable()) return false;
  Deno.test({ name: `${what}: skipped. ${POSTGRES_MISSING}`, ignore: true, fn: () => {} });
  return true;
}

/** Why PostgreSQL tests are skipped, and how to get them running. */
export const POSTGRES_MISSING =
  `PostgreSQL is not installed, so the PostgreSQL tests are skipped. Install it (${POSTGRES_INSTALL}) or set MYTHOS_TEST_DATABASE_URL; CI (.ci/run) installs it.`;

async function run(command: string, args: string[], asPostgres: boolean): Promise<void> {
  const argv = asPostgres ? ["-u", "postgres", "--", command, ...args] : args;
  const output = await new Deno.Command(asPostgres ? "runuser" : command, {
    args: argv,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
    throw new Error(`${command} ${args.join(" ")} failed: ${text}`);
  }
}

let counter = 0;

/** Creates an empty database on the server `adminUrl` reaches; returns its URL. */
export async function createDatabase(adminUrl: string): Promise<string> {
  const name = `mythos_test_${Deno.pid}_${++counter}_${crypto.randomUUID().slice(0, 8)}`;
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`create database ${name}`);
  } finally {
    await sql.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.href;
}

/**
 * Starts PostgreSQL for a test: `await using pg = await startPostgres()`.
 *
 * @throws {Error} with {@linkcode POSTGRES_MISSING} when it is not installed.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const given = Deno.env.get("MYTHOS_TEST_DATABASE_URL");
  if (given !== undefined) {
    return {
      newDatabase: () => createDatabase(given),
      port: Number(new URL(given).port || 5432),
      stop: () =>
        Promise.reject(new Error("A server given by MYTHOS_TEST_DATABASE_URL is not stopped")),
      start: () => Promise.resolve(),
      [Symbol.asyncDispose]: () => Promise.resolve(),
    };
  }
  const bin = binDir();
  if (bin === undefined) throw new Error(POSTGRES_MISSING);
  const asPostgres = Deno.uid() === 0;
  const dir = await Deno.makeTempDir({ prefix: "mythos-pg-" });
  const data = join(dir, "data");
  const port = freePort();
  if (asPostgres) await Deno.chown(dir, uidOf("postgres"), null);
  await run(join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "mythos",
    "--auth=trust",
    "--no-sync",
    "-E",
    "UTF8",
  ], asPostgres);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off ` +
    "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
  const start = () =>
    run(
      join(bin, "pg_ctl"),
      ["-D", data, "-l", join(dir, "log"), "-w", "-o", options, "start"],
      asPostgres,
    );
  // A fast (clean) stop: with fsync off, an immediate one loses what was committed.
  const stop = () => run(join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"], asPostgres);
  await start();
  let running = true;
  const adminUrl = `postgres://mythos@127.0.0.1:${port}/postgres`;
  return {
    newDatabase: () => createDatabase(adminUrl),
    port,
    stop: async () => {
      await stop();
      running = false;
    },
    start: async () => {
      await start();
      running = true;
    },
    [Symbol.asyncDispose]: async () => {
      if (running) await stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

function uidOf(user: string): number {
  const line = Deno.readTextFileSync("/etc/passwd").split("\n").find((row) =>
    row.startsWith(`${user}:`)
  );
  const uid = Number(line?.split(":")[2]);
  if (!Number.isInteger(uid)) throw new Error(`No user ${user}`);
  return uid;
}
