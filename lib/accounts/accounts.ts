/**
 * Registration and login.
 *
 * @module
 */

import type { AccountRecord, PlayerRecord, Store } from "../store/store.ts";
import { nameSkeleton } from "../text/name_skeleton.ts";
import { displayName, nameProblem, passwordProblem } from "./names.ts";
import { hashPassword, verifyPassword } from "./password.ts";

/** A registration or login the caller must refuse, with a code for the client. */
export class AccountError extends Error {
  /** `invalid_name`, `invalid_password` or `name_taken`. */
  readonly code: "invalid_name" | "invalid_password" | "name_taken";

  /** Creates the error. */
  constructor(code: AccountError["code"], message: string) {
    super(message);
    this.name = "AccountError";
    this.code = code;
  }
}

/** Options for {@linkcode Accounts}. */
export interface AccountsOptions {
  /** PBKDF2 iterations for new hashes. */
  iterations: number;
  /** Where new characters begin. */
  startRoom: string;
  /** Starting lucidity. */
  startLucidity?: number;
}

/** Creates accounts (with their characters) and checks logins. */
export class Accounts {
  readonly #store: Store;
  readonly #options: AccountsOptions;
  #decoy: Promise<string> | undefined;

  /** Uses `store` for persistence. */
  constructor(store: Store, options: AccountsOptions) {
    this.#store = store;
    this.#options = options;
  }

  /**
   * Registers a new account and its character in the start room.
   *
   * @throws {AccountError} for an invalid name or password, or a name already taken.
   */
  async register(name: unknown, password: unknown): Promise<AccountRecord> {
    const badName = nameProblem(name);
    if (badName !== undefined) throw new AccountError("invalid_name", badName);
    const badPassword = passwordProblem(password);
    if (badPassword !== undefined) throw new AccountError("invalid_password", badPassword);
    const display = displayName(name as string);
    const now = new Date().toISOString();
    const id = crypto.randomUUID();
    const account: AccountRecord = {
      id,
      name: display,
      nameKey: display.toLowerCase(),
      skeleton: nameSkeleton(display),
      passwordHash: await hashPassword(password as string, this.#options.iterations),
      createdAt: now,
    };
    const player: PlayerRecord = {
      id,
      name: display,
      room: this.#options.startRoom,
      stats: { lucidity: this.#options.startLucidity ?? 100 },
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.#store.createAccount(account, player))) {
      throw new AccountError(
        "name_taken",
        "That name is taken, or looks too much like one that is; please choose another",
      );
    }
    return account;
  }

  /**
   * Changes an account's password, if `current` is its password now.
   *
   * @returns `false` when `current` is wrong (nothing changes).
   * @throws {AccountError} `invalid_password` when `next` is not an acceptable password.
   */
  async changePassword(accountId: string, current: unknown, next: unknown): Promise<boolean> {
    const account = await this.#store.getAccount(accountId);
    if (account === undefined || typeof current !== "string" || current.length > 128) {
      return false;
    }
    const badPassword = passwordProblem(next);
    if (badPassword !== undefined) throw new AccountError("invalid_password", badPassword);
    if (!(await verifyPassword(current, account.passwordHash))) return false;
    await this.#store.setPasswordHash(
      accountId,
      await hashPassword(next as string, this.#options.iterations),
    );
    return true;
  }

  /**
   * The account whose name and password match, or `undefined` for any bad credential. An unknown
   * name costs as much time as a wrong password, so timing does not tell which it was.
   */
  async login(name: unknown, password: unknown): Promise<AccountRecord | undefined> {
    if (typeof name !== "string" || typeof password !== "string") return undefined;
    if (password.length > 128 || name.length > 20) return undefined;
    const account = nameProblem(name) === undefined
      ? await this.#store.findAccountByName(name)
      : undefined;
    if (account === undefined) {
      this.#decoy ??= hashPassword("decoy password", this.#options.iterations);
      await verifyPassword(password, await this.#decoy);
      return undefined;
    }
    return (await verifyPassword(password, account.passwordHash)) ? account : undefined;
  }
}
