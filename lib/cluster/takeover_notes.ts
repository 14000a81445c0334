/**
 * What a standby world learns from the event stream's notes of answered requests
 * ({@linkcode AnsweredNote}), for the moment it takes over: a request the old world ran and
 * recorded, but died before answering, is answered from the note instead of being run again, and
 * a player it changed but had not yet saved is taken back as the note has them.
 *
 * @module
 */

import type { PlayerRecord } from "../store/store.ts";
import type { AnsweredNote } from "./event_log.ts";

/** How many answers are kept at most (the oldest go first): far more than a deadline's worth. */
const MAX_ANSWERS = 100_000;

/** Answers and player records noted by the running world, as a standby has read them. */
export class TakeoverNotes {
  readonly #answers = new Map<string, string>();
  readonly #players = new Map<string, PlayerRecord>();
  readonly #maxAnswers: number;

  /** Keeps at most `maxAnswers` answers. */
  constructor(maxAnswers = MAX_ANSWERS) {
    this.#maxAnswers = maxAnswers;
  }

  /** How many answers are kept. */
  get answers(): number {
    return this.#answers.size;
  }

  /** Takes in a note read from the event stream. */
  note(note: AnsweredNote): void {
    for (const [key, answer] of note.answers) {
      this.#answers.delete(key);
      this.#answers.set(key, answer);
    }
    for (const key of this.#answers.keys()) {
      if (this.#answers.size <= this.#maxAnswers) break;
      this.#answers.delete(key);
    }
    for (const record of note.players) this.#players.set(record.id, record);
  }

  /** The answer noted for idempotency key `key`, if any. */
  answerOf(key: string): string | undefined {
    return this.#answers.get(key);
  }

  /** `saved`, or the noted record of the same player when that one is newer. */
  newest(saved: PlayerRecord): PlayerRecord {
    const noted = this.#players.get(saved.id);
    return noted !== undefined && noted.updatedAt > saved.updatedAt ? noted : saved;
  }
}
