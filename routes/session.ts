/**
 * The session cookie, and who a request is from.
 *
 * @module
 */

import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import {
  type Session,
  SESSION_COOKIE,
  SESSION_TTL_MS,
  type Sessions,
} from "../lib/accounts/sessions.ts";
import type { AccountRecord, Store } from "../lib/store/store.ts";

/** What resolving a session needs. */
export interface SessionDeps {
  /** Session storage. */
  sessions: Sessions;
  /** Where accounts live. */
  store: Store;
  /** Send the cookie only over https. */
  secureCookies: boolean;
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, Path=/, Secure over https. */
export function setSessionCookie(c: Context, deps: SessionDeps, id: string): void {
  setCookie(c, SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: "Strict",
    path: "/",
    secure: deps.secureCookies,
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

/** Clears the session cookie. */
export function clearSessionCookie(c: Context, deps: SessionDeps): void {
  deleteCookie(c, SESSION_COOKIE, {
    path: "/",
    secure: deps.secureCookies,
    httpOnly: true,
    sameSite: "Strict",
  });
}

/** The session id the request carries, if any. */
export function sessionId(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

/**
 * The account the request's session belongs to, or `undefined` (no cookie, a forged or expired
 * one, or a deleted account). A session close to its sliding expiry is extended and re-sent.
 */
export async function currentAccount(
  c: Context,
  deps: SessionDeps,
): Promise<AccountRecord | undefined> {
  return (await currentSession(c, deps))?.account;
}

/** The account the request's session belongs to, and the session's key (see `Session.key`). */
export async function currentSession(
  c: Context,
  deps: SessionDeps,
): Promise<{ account: AccountRecord; sessionKey: string } | undefined> {
  const session = await currentSessionOnly(c, deps);
  if (session === undefined) return undefined;
  const account = await deps.store.getAccount(session.accountId);
  return account === undefined ? undefined : { account, sessionKey: session.key };
}

/**
 * The account id and the session's key (see `Session.key`) of the request's session, without
 * reading the account. (Accounts are never deleted, so a live session's account exists.)
 */
export async function currentSessionIds(
  c: Context,
  deps: SessionDeps,
): Promise<{ accountId: string; sessionKey: string } | undefined> {
  const session = await currentSessionOnly(c, deps);
  return session === undefined
    ? undefined
    : { accountId: session.accountId, sessionKey: session.key };
}

/**
 * The id of the account the request's session belongs to, without reading the account: what
 * every command needs, on the hottest path. (Accounts are never deleted, so a live session's
 * account exists.)
 */
export async function currentAccountId(
  c: Context,
  deps: SessionDeps,
): Promise<string | undefined> {
  return (await currentSessionOnly(c, deps))?.accountId;
}

async function currentSessionOnly(c: Context, deps: SessionDeps): Promise<Session | undefined> {
  const id = sessionId(c);
  const session = await deps.sessions.resolve(id);
  if (session === undefined) {
    if (id !== undefined) clearSessionCookie(c, deps);
    return undefined;
  }
  if (session.refreshed && id !== undefined) setSessionCookie(c, deps, id);
  return session;
}
