/**
 * The persistence interface: accounts, sessions, players and item placements.
 *
 * The game keeps its live state in memory; the store is where it survives a restart. Writes that
 * must never be lost or duplicated (creating an account, moving an item) are atomic and checked;
 * player position and stats are written behind, in batches.
 *
 * @module
 */

/** A login account. One account has one character (the player with the same id). */
export interface AccountRecord {
  /** Stable id, shared with the player record. */
  id: string;
  /** The name as registered (display form). */
  name: string;
  /** The name in lower case: unique. */
  nameKey: string;
  /** The name's confusable skeleton (`nameSkeleton`): unique too, so look-alikes cannot register. */
  skeleton: string;
  /** `pbkdf2-sha256$<iterations>$<salt>$<hash>`. */
  passwordHash: string;
  /** ISO 8601. */
  createdAt: string;
  /**
   * Whether the account may use admin commands. Granted only by someone who already holds power
   * (the admin token, or `deno task admin` on the server machine), never by a name.
   */
  admin?: boolean;
}

/** A character's saved state. */
export interface PlayerRecord {
  /** Same as the account id. */
  id: string;
  /** Display name. */
  name: string;
  /** The room the character is in. */
  room: string;
  /** Stats that persist. */
  stats: { lucidity: number; dp?: number };
  /** What `look <player>` shows of the character, if its player described it. */
  description?: string;
  /** The party it belongs to (the id of the party), if any. */
  party?: string;
  /** Steps done of each quest it has begun, by quest id. */
  quests?: Record<string, number>;
  /** The newest event id the player was sent before the last save (replay floor after restart). */
  lastEventId?: number;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  updatedAt: string;
}

/** A login session. Stored under a hash of its id, never the id itself. */
export interface SessionRecord {
  /** Whose session. */
  accountId: string;
  /** Epoch milliseconds after which the session is void. */
  expiresAt: number;
  /** ISO 8601. */
  createdAt: string;
}

/** Where an item is: lying in a room, or carried by a player. */
export type ItemPlacement =
  | { room: string }
  | { player: string }
  | { npc: string }
  /** Inside a container (another item). */
  | { in: string };

/** A stored placement and its version (for the atomic check on the next move). */
export interface StoredPlacement {
  /** Where the item is. */
  placement: ItemPlacement;
  /** Opaque version of the stored value; `null` when the item has never moved. */
  version: string | null;
}

/**
 * The store cannot be reached (a database that is down or cut off). Callers treat it as a
 * passing condition: readiness goes false, requests get 503, saves are retried.
 */
export class StoreUnavailableError extends Error {
  /** Creates the error; `cause` is what the driver threw. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}

/**
 * A newer world node holds the world lease: this node's world writes (players, items, meta) are
 * refused, and it must stop acting as the world.
 */
export class WorldFencedError extends Error {
  /** Creates the error. */
  constructor(message = "A newer world node holds the world lease; this one's writes are refused") {
    super(message);
    this.name = "WorldFencedError";
  }
}

/**
 * A store that fences the world's writes with the world lease's token (docs/cluster-events.md,
 * "One world at a time"): the cluster's PostgreSQL store.
 */
export interface WorldFencing {
  /**
   * Makes `token` the newest world's, and carries it with this store's world writes from now on:
   * each runs only while `token` is still the newest (a newer claim waits for writes in flight,
   * then refuses the rest with {@linkcode WorldFencedError}, after calling `onFencedOut`).
   *
   * @throws {WorldFencedError} when a newer token has been claimed already.
   */
  claimWorld(token: number, onFencedOut: () => void): Promise<void>;
}

/** Whether `store` can fence the world's writes. */
export function canFenceWorld(store: Store): store is Store & WorldFencing {
  return typeof (store as Partial<WorldFencing>).claimWorld === "function";
}

/** One record of a whole store, as {@linkcode Store.dump} yields it (to copy a store). */
export type DumpEntry =
  | { kind: "account"; account: AccountRecord; player: PlayerRecord }
  | { kind: "session"; idHash: string; session: SessionRecord }
  | { kind: "item"; id: string; placement: ItemPlacement }
  | { kind: "meta"; name: string; value: unknown };

/** Persistence for the game. */
export interface Store extends AsyncDisposable {
  /** Which implementation this is (`kv`, `postgres`), for logs and the status page. */
  readonly kind: string;
  /**
   * Checks that the store can be reached.
   *
   * @throws {StoreUnavailableError} when it cannot.
   */
  ping(): Promise<void>;
  /** Deletes expired sessions; returns how many (stores that expire them by themselves: 0). */
  sweepExpired(): Promise<number>;

  /**
   * Creates an account and its character atomically: both or neither, and only if the name is
   * free (ignoring case) and no account has the same skeleton.
   *
   * @returns `false` when the name, or one that looks like it, is taken.
   */
  createAccount(account: AccountRecord, player: PlayerRecord): Promise<boolean>;
  /** The account with this name (any case). */
  findAccountByName(name: string): Promise<AccountRecord | undefined>;
  /** The account with this id. */
  getAccount(id: string): Promise<AccountRecord | undefined>;
  /**
   * Grants or revokes admin rights on an account.
   *
   * @returns the updated account, or `undefined` when there is no such account.
   */
  setAdmin(id: string, admin: boolean): Promise<AccountRecord | undefined>;
  /** Every account holding admin rights. */
  listAdmins(): Promise<AccountRecord[]>;

  /** Saves a session under `idHash` until its expiry. */
  putSession(idHash: string, session: SessionRecord): Promise<void>;
  /** The session stored under `idHash`, if it has not expired. */
  getSession(idHash: string): Promise<SessionRecord | undefined>;
  /** Deletes a session. */
  deleteSession(idHash: string): Promise<void>;
  /** Deletes every session of an account but `exceptIdHash`; returns how many. */
  deleteSessionsOf(accountId: string, exceptIdHash?: string): Promise<number>;
  /** Replaces an account's password hash. */
  setPasswordHash(accountId: string, passwordHash: string): Promise<void>;

  /** A character's saved state. */
  getPlayer(id: string): Promise<PlayerRecord | undefined>;
  /** Saves characters (write-behind flushes). */
  savePlayers(players: PlayerRecord[]): Promise<void>;

  /** Every item placement that differs from the world files, with its version. */
  loadPlacements(): Promise<Map<string, StoredPlacement>>;
  /**
   * Moves an item if its stored version is still `expected` (atomic check-and-set).
   *
   * @returns the new version, or `undefined` when the item was moved by someone else.
   */
  moveItem(
    itemId: string,
    expected: string | null,
    to: ItemPlacement,
  ): Promise<string | undefined>;

  /** A small value kept between runs (such as the world clock). */
  getMeta<T>(name: string): Promise<T | undefined>;
  /** Saves a small value. */
  setMeta(name: string, value: unknown): Promise<void>;

  /** Every account (with its character), live session, item placement and meta value. */
  dump(): AsyncIterable<DumpEntry>;
  /** Whether the store holds no account, session, item placement or meta value. */
  isEmpty(): Promise<boolean>;

  /** Closes the store, waiting for writes under way; later calls fail. */
  close(): Promise<void>;
}
