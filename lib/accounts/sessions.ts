/**
 * Sessions: random 256-bit ids in a cookie, stored hashed, with a sliding seven-day expiry.
 *
 * @module
 */

import { encodeBase64Url } from "@std/encoding/base64url";
import { encodeHex } from "@std/encoding/hex";
import type { Store } from "../store/store.ts";

/** The session cookie's name. */
export const SESSION_COOKIE = "mythos_session";

/** How long a session lives after its last use. */
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** A session id is 32 random bytes, base64url without padding. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** Extending a session is written at most this often. */
const REFRESH_AFTER_MS = 60 * 60 * 1000;

/** A resolved session. */
export interface Session {
  /** Whose session. */
  accountId: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Whether the expiry was just extended (the cookie should be sent again). */
  refreshed: boolean;
  /** The hash the session is stored under: names it without revealing the cookie. */
  key: string;
}

async function hashId(id: string): Promise<string> {
  return encodeHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(id)));
}

/** Creates, resolves and deletes sessions. */
export class Sessions {
  readonly #store: Store;
  readonly #now: () => number;

  /** Uses `store` for persistence. */
  constructor(store: Store, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  /** Starts a session for `accountId`; returns its id (for the cookie) and expiry. */
  async create(accountId: string): Promise<{ id: string; expiresAt: number }> {
    const id = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
    const now = this.#now();
    const expiresAt = now + SESSION_TTL_MS;
    await this.#store.putSession(await hashId(id), {
      accountId,
      expiresAt,
      createdAt: new Date(now).toISOString(),
    });
    return { id, expiresAt };
  }

  /** The live session for `id`, extending it when it has been a while; `undefined` if none. */
  async resolve(id: string | undefined): Promise<Session | undefined> {
    if (id === undefined || !SESSION_ID.test(id)) return undefined;
    const key = await hashId(id);
    const session = await this.#store.getSession(key);
    if (session === undefined) return undefined;
    const now = this.#now();
    if (session.expiresAt <= now) return undefined;
    if (session.expiresAt - now > SESSION_TTL_MS - REFRESH_AFTER_MS) {
      return { accountId: session.accountId, expiresAt: session.expiresAt, refreshed: false, key };
    }
    const expiresAt = now + SESSION_TTL_MS;
    await this.#store.putSession(key, { ...session, expiresAt });
    return { accountId: session.accountId, expiresAt, refreshed: true, key };
  }

  /** Ends every session of `accountId` except the one stored under `keepKey`; returns how many. */
  async deleteAllOf(accountId: string, keepKey?: string): Promise<number> {
    return await this.#store.deleteSessionsOf(accountId, keepKey);
  }

  /** Ends the session `id`. */
  async delete(id: string | undefined): Promise<void> {
    if (id === undefined || !SESSION_ID.test(id)) return;
    await this.#store.deleteSession(await hashId(id));
  }
}
