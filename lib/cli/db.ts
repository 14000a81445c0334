/**
 * `deno task db:migrate` and `deno task db:copy`: the database tools for admins.
 *
 * ```sh
 * MYTHOS_DATABASE_URL=postgres://mythos@127.0.0.1/mythos deno task db:migrate
 * deno task db:copy data postgres://mythos@127.0.0.1/mythos     # Deno KV → PostgreSQL
 * deno task db:copy postgres://mythos@127.0.0.1/mythos data-copy  # and back
 * ```
 *
 * Each end of a copy is a Deno KV data directory or a PostgreSQL URL. The target must be empty;
 * a Deno KV directory must not be in use by a running server (its lock says so).
 *
 * @module
 */

import postgres from "postgres";
import { DataDirLockedError } from "../store/data_dir_lock.ts";
import { copyStore } from "../store/copy_store.ts";
import { migrate } from "../store/migrations.ts";
import { type OpenStore, openStore } from "../store/open_store.ts";
import { StoreUnavailableError } from "../store/store.ts";

const USAGE = "usage: deno task db:migrate | deno task db:copy <from> <to>\n" +
  "  (each of <from> and <to> is a Deno KV data directory or a postgres:// URL)";

function isDatabaseUrl(place: string): boolean {
  return /^postgres(ql)?:\/\//.test(place);
}

function open(place: string): Promise<OpenStore> {
  return isDatabaseUrl(place)
    ? openStore({ databaseUrl: place, dataDir: "" })
    : openStore({ databaseUrl: undefined, dataDir: place });
}

/** Runs a database command; returns the exit code. `print` receives each line of output. */
export async function runDbCommand(
  args: string[],
  options: { env?: (name: string) => string | undefined; print: (line: string) => void },
): Promise<number> {
  const { print } = options;
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const [verb, ...rest] = args;
  try {
    if (verb === "migrate" && rest.length === 0) {
      const url = env("MYTHOS_DATABASE_URL");
      if (url === undefined || !isDatabaseUrl(url)) {
        print("MYTHOS_DATABASE_URL must be set to the postgres:// URL of the database to migrate");
        return 2;
      }
      const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
      try {
        const applied = await migrate(sql);
        print(
          applied.length === 0
            ? "The schema is up to date."
            : `Applied migration${applied.length === 1 ? "" : "s"} ${applied.join(", ")}.`,
        );
      } finally {
        await sql.end();
      }
      return 0;
    }
    if (verb === "copy" && rest.length === 2) {
      const [from, to] = rest as [string, string];
      await using source = await open(from);
      await using target = await open(to);
      const counts = await copyStore(source.store, target.store);
      print(
        `Copied ${counts.accounts} accounts, ${counts.sessions} sessions, ${counts.items} item placements and ${counts.meta} meta values from ${source.store.kind} to ${target.store.kind}.`,
      );
      return 0;
    }
  } catch (error) {
    if (error instanceof DataDirLockedError || error instanceof StoreUnavailableError) {
      print(error.message);
      return 1;
    }
    if (error instanceof Error && error.message.includes("not empty")) {
      print(error.message);
      return 1;
    }
    throw error;
  }
  print(USAGE);
  return 2;
}

if (import.meta.main) {
  // deno-lint-ignore no-console
  Deno.exitCode = await runDbCommand(Deno.args, { print: (line) => console.log(line) });
}
