/**
 * Commands remembered by their idempotency key (the browser's `Idempotency-Key` header), so a
 * retry after a lost answer — a dropped connection, a 503 while the server restarts — gets the
 * first answer instead of running the command twice. The cluster's world remembers keys in Redis
 * (`lib/cluster/command_channel.ts`); this is the single process's memory of them.
 *
 * @module
 */

import type { Submission } from "./game.ts";

/** Runs a player's command. */
export interface CommandSubmitter {
  /** Runs `command` for the account; resolves once it has run. */
  submit(accountId: string, command: string): Promise<Submission>;
}

/** Options for {@linkcode RecentCommands}. */
export interface RecentCommandsOptions {
  /** How long a key is remembered, in milliseconds; default ten minutes. */
  ttlMs?: number;
  /** How many keys are remembered at most (the oldest are forgotten first); default 10,000. */
  maxKeys?: number;
  /** Clock in milliseconds; tests may replace it. */
  now?: () => number;
}

/**
 * Wraps a command runner: a command sent again with the same key (by the same account) while it
 * runs, or after it was accepted, is answered as the first was and not run again. Refusals are
 * not remembered — a retry after a 429 or 503 is a new try. Memory is bounded by `maxKeys`, and
 * old keys are forgotten as new ones come (no timer).
 */
export class RecentCommands {
  readonly #runner: CommandSubmitter;
  readonly #ttlMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  /** Keys in the order they came (a Map keeps insertion order), with when and what. */
  readonly #answers = new Map<string, { at: number; answer: Promise<Submission> }>();

  /** Remembers the answers of `runner`. */
  constructor(runner: CommandSubmitter, options: RecentCommandsOptions = {}) {
    this.#runner = runner;
    this.#ttlMs = options.ttlMs ?? 600_000;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** How many keys are remembered now. */
  get size(): number {
    return this.#answers.size;
  }

  /** Runs `command`, or answers as before when `idempotencyKey` was seen. */
  submit(
    accountId: string,
    command: string,
    options: { idempotencyKey?: string } = {},
  ): Promise<Submission> {
    if (options.idempotencyKey === undefined) return this.#runner.submit(accountId, command);
    this.#forgetOld();
    // Keyed by account too: one player's key says nothing about another's commands.
    const key = `${accountId}\u0000${options.idempotencyKey}`;
    const known = this.#answers.get(key);
    if (known !== undefined) return known.answer;
    const answer = this.#runner.submit(accountId, command);
    this.#answers.set(key, { at: this.#now(), answer });
    answer.then((result) => {
      if (!result.accepted) this.#answers.delete(key);
    }, () => this.#answers.delete(key));
    return answer;
  }

  #forgetOld(): void {
    const cutoff = this.#now() - this.#ttlMs;
    for (const [key, { at }] of this.#answers) {
      if (at > cutoff && this.#answers.size < this.#maxKeys) break;
      this.#answers.delete(key);
    }
  }
}
