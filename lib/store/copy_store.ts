/**
 * Copying everything from one store into another, empty one: to move a world from the embedded
 * Deno KV file to PostgreSQL (and back).
 *
 * @module
 */

import type { Store } from "./store.ts";

/** What was copied. */
export interface CopyCounts {
  /** Accounts, each with its character. */
  accounts: number;
  /** Live sessions (players stay logged in). */
  sessions: number;
  /** Item placements. */
  items: number;
  /** Meta values (the world clock). */
  meta: number;
}

/**
 * Copies every account and character, live session, item placement and meta value of `from`
 * into `to`, which must be empty. Each account is created with the same checked write as a
 * registration, so the copy keeps every uniqueness rule.
 *
 * @throws {Error} when `to` is not empty, or an account cannot be created there.
 */
export async function copyStore(from: Store, to: Store): Promise<CopyCounts> {
  if (!(await to.isEmpty())) {
    throw new Error(`The ${to.kind} store to copy into is not empty; copy only into an empty one`);
  }
  const counts: CopyCounts = { accounts: 0, sessions: 0, items: 0, meta: 0 };
  for await (const entry of from.dump()) {
    switch (entry.kind) {
      case "account":
        if (!(await to.createAccount(entry.account, entry.player))) {
          throw new Error(`The account ${entry.account.name} could not be created in the copy`);
        }
        counts.accounts++;
        break;
      case "session":
        await to.putSession(entry.idHash, entry.session);
        counts.sessions++;
        break;
      case "item":
        if ((await to.moveItem(entry.id, null, entry.placement)) === undefined) {
          throw new Error(`The item ${entry.id} could not be placed in the copy`);
        }
        counts.items++;
        break;
      case "meta":
        await to.setMeta(entry.name, entry.value);
        counts.meta++;
        break;
    }
  }
  return counts;
}
