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

/**
 * How long the single process trusts a session it has read (`SessionsOptions.rememberMs`): it
 * forgets one it deletes at once, so this bounds only changes made behind its back.
 */
export const SINGLE_PROCESS_SESSION_MEMORY_MS = 30_000;

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

/** Options for {@linkcode Sessions}. */
export interface SessionsOptions {
  /** The clock, in epoch milliseconds. */
  now?: () => number;
  /**
   * How long a session once read from the store is trusted from memory, in milliseconds; 0 (the
   * default) reads the store on every request. Only for a process that sees every change to the
   * sessions it serves (the single process): this instance forgets the sessions it deletes at once,
   * but one deleted by another node would stay usable here for this long.
   */
  rememberMs?: number;
}

/** A session this process has read, kept so the next request need not read or hash again. */
interface RememberedSession {
  key: string;
  accountId: string;
  expiresAt: number;
  /** When the store last confirmed it. */
  checkedAt: number;
}

/**
 * At most this many sessions are remembered (the oldest confirmed is forgotten first): well above
 * the players one process serves, and only sessions the store confirmed get in, so made-up ids
 * cannot push real ones out.
 */
const MAX_REMEMBERED = 20_000;

/** Creates, resolves and deletes sessions. */
export class Sessions {
  readonly #store: Store;
  readonly #now: () => number;
  readonly #rememberMs: number;
  /** By cookie id. Even with `rememberMs` 0 an entry saves hashing the id again. */
  readonly #remembered = new Map<string, RememberedSession>();
  /**
   * Counts deletions: a session read from the store while one ran is not remembered, since it
   * may be the one deleted.
   */
  #deletions = 0;

  /** Uses `store` for persistence. */
  constructor(store: Store, options: SessionsOptions = {}) {
    this.#store = store;
    this.#now = options.now ?? Date.now;
    this.#rememberMs = options.rememberMs ?? 0;
  }

  /** Starts a session for `accountId`; returns its id (for the cookie) and expiry. */
  async create(accountId: string): Promise<{ id: string; expiresAt: number }> {
    const id = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
    const now = this.#now();
    const expiresAt = now + SESSION_TTL_MS;
    const deletions = this.#deletions;
    const key = await hashId(id);
    await this.#store.putSession(key, {
      accountId,
      expiresAt,
      createdAt: new Date(now).toISOString(),
    });
    // The page opens its event stream right after logging in: no need to read it back (unless
    // a "log out everywhere" ran meanwhile and may have ended it).
    if (deletions === this.#deletions) {
      this.#remember(id, { key, accountId, expiresAt, checkedAt: now });
    }
    return { id, expiresAt };
  }

  /** The live session for `id`, extending it when it has been a while; `undefined` if none. */
  async resolve(id: string | undefined): Promise<Session | undefined> {
    if (id === undefined || !SESSION_ID.test(id)) return undefined;
    const now = this.#now();
    const remembered = this.#remembered.get(id);
    if (
      remembered !== undefined && now - remembered.checkedAt < this.#rememberMs &&
      remembered.expiresAt > now && !dueForRefresh(remembered.expiresAt, now)
    ) {
      const { accountId, expiresAt, key } = remembered;
      return { accountId, expiresAt, refreshed: false, key };
    }
    const deletions = this.#deletions;
    const key = remembered?.key ?? await hashId(id);
    this.#remembered.delete(id);
    const session = await this.#store.getSession(key);
    if (session === undefined || session.expiresAt <= now) return undefined;
    let { expiresAt } = session;
    const refreshed = dueForRefresh(expiresAt, now);
    if (refreshed) {
      expiresAt = now + SESSION_TTL_MS;
      await this.#store.putSession(key, { ...session, expiresAt });
    }
    if (deletions === this.#deletions) {
      this.#remember(id, { key, accountId: session.accountId, expiresAt, checkedAt: now });
    }
    return { accountId: session.accountId, expiresAt, refreshed, key };
  }

  /** Ends every session of `accountId` except the one stored under `keepKey`; returns how many. */
  async deleteAllOf(accountId: string, keepKey?: string): Promise<number> {
    return await this.#deleting(() => {
      for (const [id, session] of this.#remembered) {
        if (session.accountId === accountId && session.key !== keepKey) this.#remembered.delete(id);
      }
      return this.#store.deleteSessionsOf(accountId, keepKey);
    });
  }

  /** Ends the session `id`. */
  async delete(id: string | undefined): Promise<void> {
    if (id === undefined || !SESSION_ID.test(id)) return;
    await this.#deleting(async () => {
      const key = this.#remembered.get(id)?.key ?? await hashId(id);
      this.#remembered.delete(id);
      await this.#store.deleteSession(key);
    });
  }

  /**
   * Runs a deletion, counted before and after, so that a session read or created meanwhile (it
   * may be one deleted) is not remembered.
   */
  async #deleting<T>(deletion: () => Promise<T>): Promise<T> {
    this.#deletions++;
    try {
      return await deletion();
    } finally {
      this.#deletions++;
    }
  }

  #remember(id: string, session: RememberedSession): void {
    this.#remembered.set(id, session);
    if (this.#remembered.size > MAX_REMEMBERED) {
      const oldest = this.#remembered.keys().next();
      if (!oldest.done) this.#remembered.delete(oldest.value);
    }
  }
}

/** Whether a session expiring at `expiresAt` has been used long enough ago to be extended. */
function dueForRefresh(expiresAt: number, now: number): boolean {
  return expiresAt - now <= SESSION_TTL_MS - REFRESH_AFTER_MS;
}
