/**
 * Who may use admin commands.
 *
 * Rights belong to accounts. They are granted by someone who already holds power: the admin token
 * (`PUT /admin/admins/<name>`), a command run on the server machine (`deno task admin grant
 * <name>`), or the server's own environment (`MYTHOS_ADMINS`), which counts only for accounts
 * that exist when the server starts. A name in `MYTHOS_ADMINS` that is not yet an account grants
 * nothing — whoever registers it later gets no rights — and is warned about at start-up.
 *
 * @module
 */

import type { Logger } from "../log.ts";
import type { AccountRecord, Store } from "../store/store.ts";

/** An admin and where their rights come from. */
export interface AdminEntry {
  /** Display name. */
  name: string;
  /** `granted` (stored on the account) or `MYTHOS_ADMINS`. */
  source: "granted" | "MYTHOS_ADMINS";
}

/** Decides and changes who is an admin. */
export class AdminRights {
  readonly #store: Store;
  /** Accounts named by `MYTHOS_ADMINS` that existed at start-up, id → name. */
  readonly #fromEnvironment: Map<string, string>;

  private constructor(store: Store, fromEnvironment: Map<string, string>) {
    this.#store = store;
    this.#fromEnvironment = fromEnvironment;
  }

  /**
   * Resolves the names of `MYTHOS_ADMINS` to the accounts that hold them now; warns about each
   * name that is not an account.
   */
  static async load(store: Store, names: readonly string[], logger: Logger): Promise<AdminRights> {
    const fromEnvironment = new Map<string, string>();
    for (const name of names) {
      const account = await store.findAccountByName(name);
      if (account === undefined) {
        logger.warn("MYTHOS_ADMINS names a player who has no account; it grants nothing", {
          name,
          advice:
            "register the character first, then restart, or grant it with deno task admin grant",
        });
      } else {
        fromEnvironment.set(account.id, account.name);
      }
    }
    return new AdminRights(store, fromEnvironment);
  }

  /** Whether the account may use admin commands. */
  async isAdmin(accountId: string): Promise<boolean> {
    if (this.#fromEnvironment.has(accountId)) return true;
    return (await this.#store.getAccount(accountId))?.admin === true;
  }

  /**
   * Grants or revokes stored rights on the account called `name`.
   *
   * @returns the account, or `undefined` when there is none. Revoking leaves rights that come
   * from `MYTHOS_ADMINS` in force until the server restarts without the name.
   */
  async set(name: string, admin: boolean): Promise<AccountRecord | undefined> {
    const account = await this.#store.findAccountByName(name);
    if (account === undefined) return undefined;
    return await this.#store.setAdmin(account.id, admin);
  }

  /** Every admin, with where the rights come from. */
  async list(): Promise<AdminEntry[]> {
    const entries: AdminEntry[] = (await this.#store.listAdmins()).map((account) => ({
      name: account.name,
      source: "granted",
    }));
    for (const name of this.#fromEnvironment.values()) {
      if (!entries.some((entry) => entry.name === name)) {
        entries.push({ name, source: "MYTHOS_ADMINS" });
      }
    }
    return entries.sort((a, b) => a.name.localeCompare(b.name));
  }
}
