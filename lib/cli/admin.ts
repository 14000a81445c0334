/**
 * `deno task admin`: grant, revoke and list admin rights from the server machine.
 *
 * ```sh
 * deno task admin grant Armitage
 * deno task admin revoke Armitage
 * deno task admin list
 * ```
 *
 * It works on the store directly: the PostgreSQL database of `MYTHOS_DATABASE_URL`, or else the Deno
 * KV file under `MYTHOS_DATA_DIR`, which needs the server stopped (it holds the directory). While a
 * server runs, the same is done through it with the admin token (`PUT` or `DELETE
 * /admin/admins/<name>`), which also applies at once to a character in the world.
 *
 * @module
 */

import { AdminRights } from "../accounts/admin_rights.ts";
import { type Config, ConfigError, loadConfig } from "../config.ts";
import { createLogger } from "../log.ts";
import { DataDirLockedError } from "../store/data_dir_lock.ts";
import { type OpenStore, openStore } from "../store/open_store.ts";
import { StoreUnavailableError } from "../store/store.ts";

const USAGE = "usage: deno task admin grant <name> | revoke <name> | list";

/** Runs the command; returns the exit code. `print` receives each line of output. */
export async function runAdminCommand(
  args: string[],
  options: { env?: (name: string) => string | undefined; print: (line: string) => void },
): Promise<number> {
  const { print } = options;
  const [verb, name, ...rest] = args;
  const wantsName = verb === "grant" || verb === "revoke";
  if ((!wantsName && verb !== "list") || (wantsName && name === undefined) || rest.length > 0) {
    print(USAGE);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig(options.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      print(error.message);
      return 2;
    }
    throw error;
  }
  let opened: OpenStore;
  try {
    opened = await openStore(config);
  } catch (error) {
    if (error instanceof StoreUnavailableError) {
      print(`MYTHOS_DATABASE_URL: ${error.message}`);
      return 1;
    }
    if (error instanceof DataDirLockedError) {
      print(
        `${error.message}. While it runs, use its admin route instead: curl -X ${
          verb === "revoke" ? "DELETE" : verb === "list" ? "GET" : "PUT"
        } -H "Authorization: Bearer $MYTHOS_ADMIN_TOKEN" http://localhost:8000/admin/admins${
          name === undefined ? "" : `/${name}`
        }`,
      );
      return 1;
    }
    throw error;
  }
  await using _opened = opened;
  const store = opened.store;
  const rights = await AdminRights.load(store, [], createLogger({ write: () => {} }));
  if (verb === "list") {
    const admins = await rights.list();
    if (admins.length === 0) print("No account holds admin rights.");
    for (const admin of admins) print(admin.name);
    return 0;
  }
  const account = await rights.set(name as string, verb === "grant");
  if (account === undefined) {
    print(`No account is called ${JSON.stringify(name)}; register the character first.`);
    return 1;
  }
  print(
    verb === "grant"
      ? `${account.name} may now use admin commands.`
      : `${account.name} no longer holds stored admin rights.`,
  );
  return 0;
}

if (import.meta.main) {
  // deno-lint-ignore no-console
  Deno.exitCode = await runAdminCommand(Deno.args, { print: (line) => console.log(line) });
}
