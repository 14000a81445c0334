/**
 * Accounts and sessions: register, log in, log out, who am I.
 *
 * @module
 */

import { Hono } from "hono";
import { AccountError, type Accounts } from "../lib/accounts/accounts.ts";
import type { LoginThrottle } from "../lib/accounts/throttle.ts";
import type { CharacterSummary } from "../lib/game/game.ts";
import type { PlayerPresence } from "../lib/presence/presence.ts";
import { HttpError } from "../lib/http/errors.ts";
import { clientAddress, readJsonObject } from "../lib/http/requests.ts";
import {
  clearSessionCookie,
  currentAccount,
  currentSession,
  type SessionDeps,
  sessionId,
  setSessionCookie,
} from "./session.ts";

/** What the account routes need. */
export interface AccountDeps extends SessionDeps {
  /** Registration and login. */
  accounts: Accounts;
  /** Login throttling. */
  throttle: LoginThrottle;
  /** Takes a character out of the world at logout. */
  presence: Pick<PlayerPresence, "logout" | "endOtherSessions">;
  /** The game, for `/api/me`. */
  game: CharacterDescriber;
  /** Proxy addresses whose `X-Forwarded-For` is believed. */
  trustedProxies?: ReadonlySet<string>;
}

/** Describes an account's character for `/api/me` (the game, or an edge asking the world). */
export interface CharacterDescriber {
  /** The character as `/api/me` shows it. */
  describe(accountId: string, name: string): Promise<CharacterSummary>;
}

/** One message for every bad credential, so it tells an attacker nothing. */
const BAD_LOGIN = "That name and password do not match an investigator";

function throttled(waitMs: number): HttpError {
  const seconds = String(Math.ceil(waitMs / 1000));
  return new HttpError(429, "too_many_attempts", `Too many attempts; try again in ${seconds} s`, {
    "retry-after": seconds,
  });
}

/**
 * Mounts `POST /api/accounts`, `POST /api/sessions`, `DELETE /api/sessions`, `GET /api/me`,
 * `POST /api/me/password` (change it; ends every other session) and `DELETE /api/me/sessions`
 * (log out everywhere).
 */
export function accountRoutes(deps: AccountDeps): Hono {
  const app = new Hono();

  app.post("/api/accounts", async (c) => {
    const body = await readJsonObject(c);
    const wait = deps.throttle.attempt(clientAddress(c, deps.trustedProxies), undefined);
    if (wait > 0) throw throttled(wait);
    let account;
    try {
      account = await deps.accounts.register(body.name, body.password);
    } catch (error) {
      if (error instanceof AccountError) {
        throw new HttpError(
          error.code === "name_taken" ? 409 : 400,
          error.code,
          error.message,
          {},
          { cause: error },
        );
      }
      throw error;
    }
    const session = await deps.sessions.create(account.id);
    setSessionCookie(c, deps, session.id);
    return c.json({ player: { name: account.name } }, 201);
  });

  app.post("/api/sessions", async (c) => {
    const body = await readJsonObject(c);
    const name = typeof body.name === "string" ? body.name.slice(0, 40) : undefined;
    const address = clientAddress(c, deps.trustedProxies);
    const wait = deps.throttle.attempt(address, name);
    if (wait > 0) throw throttled(wait);
    const account = await deps.accounts.login(body.name, body.password);
    if (account === undefined) {
      if (name !== undefined) deps.throttle.failed(address, name);
      throw new HttpError(401, "bad_credentials", BAD_LOGIN);
    }
    deps.throttle.succeeded(address, account.name);
    const session = await deps.sessions.create(account.id);
    setSessionCookie(c, deps, session.id);
    return c.json({ player: { name: account.name } });
  });

  app.delete("/api/sessions", async (c) => {
    const account = await currentAccount(c, deps);
    if (account !== undefined) await deps.presence.logout(account.id);
    await deps.sessions.delete(sessionId(c));
    clearSessionCookie(c, deps);
    return c.body(null, 204);
  });

  app.post("/api/me/password", async (c) => {
    const current = await currentSession(c, deps);
    if (current === undefined) {
      await c.req.raw.body?.cancel();
      throw new HttpError(401, "unauthorized", "Log in first");
    }
    const body = await readJsonObject(c);
    const { account, sessionKey } = current;
    const address = clientAddress(c, deps.trustedProxies);
    // A stolen session must not become a way to guess the password: the same throttle as login.
    const wait = deps.throttle.attempt(address, account.name);
    if (wait > 0) throw throttled(wait);
    let changed: boolean;
    try {
      changed = await deps.accounts.changePassword(account.id, body.password, body.newPassword);
    } catch (error) {
      if (error instanceof AccountError) {
        throw new HttpError(400, error.code, error.message, {}, { cause: error });
      }
      throw error;
    }
    if (!changed) {
      deps.throttle.failed(address, account.name);
      throw new HttpError(401, "bad_credentials", "The current password is not right");
    }
    deps.throttle.succeeded(address, account.name);
    // Whoever else held a session — perhaps the reason for the change — is out, streams too.
    await deps.sessions.deleteAllOf(account.id, sessionKey);
    await deps.presence.endOtherSessions(account.id, sessionKey);
    return c.body(null, 204);
  });

  app.delete("/api/me/sessions", async (c) => {
    const account = await currentAccount(c, deps);
    if (account === undefined) throw new HttpError(401, "unauthorized", "Log in first");
    await deps.sessions.deleteAllOf(account.id);
    await deps.presence.logout(account.id);
    clearSessionCookie(c, deps);
    return c.body(null, 204);
  });

  // The page asks this on every load: a visitor not signed in is an answer, not an error (no 401
  // in the browser's console before anyone has done anything).
  app.get("/api/session", async (c) => {
    const account = await currentAccount(c, deps);
    c.header("cache-control", "no-store");
    if (account === undefined) return c.json({ signedIn: false });
    return c.json({ signedIn: true, player: await deps.game.describe(account.id, account.name) });
  });

  app.get("/api/me", async (c) => {
    const account = await currentAccount(c, deps);
    if (account === undefined) throw new HttpError(401, "unauthorized", "Log in first");
    c.header("cache-control", "no-store");
    return c.json(await deps.game.describe(account.id, account.name));
  });

  return app;
}
