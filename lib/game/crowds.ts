/**
 * Crowded rooms without O(N²): a look names a bounded number of the others present and counts the
 * rest, and in a room with more than {@linkcode CROWDED} players arrivals, departures, players
 * falling silent (linkdead) and stirring again are not announced one by one to everyone there —
 * they are gathered and announced together, one `room.crowd` event per room per flush (the
 * `world.crowds` task). Filling a room with N players, or N of them losing their connection at
 * once, then costs O(N) events per flush instead of N per arrival.
 *
 * @module
 */

import type { GameEvent } from "../bus/events.ts";

/** Above this many players in a room, arrivals and departures are announced in batches. */
export const CROWDED = 40;

/** A look names at most this many other players, and counts the rest. */
export const LOOK_NAMES = 30;

/** A batch names at most this many who arrived (and as many who left), and counts the rest. */
export const BATCH_NAMES = 10;

/** How often gathered arrivals and departures are announced, in milliseconds. */
export const CROWD_FLUSH_MS = 1000;

interface RoomNews {
  arrived: string[];
  left: string[];
  /** Went linkdead. */
  silent: string[];
  /** Came back from linkdead. */
  stirred: string[];
}

/** Removes `name` from `names`; whether it was there. */
function cancel(names: string[], name: string): boolean {
  const index = names.indexOf(name);
  if (index < 0) return false;
  names.splice(index, 1);
  return true;
}

/** The first {@linkcode BATCH_NAMES} of `names`, and how many more there are. */
function named(names: string[]): [string[], number] {
  return [names.slice(0, BATCH_NAMES), Math.max(0, names.length - BATCH_NAMES)];
}

/** Arrivals and departures in crowded rooms, gathered until the next flush. */
export class CrowdNews {
  readonly #rooms = new Map<string, RoomNews>();

  /** Rooms with news waiting. */
  get size(): number {
    return this.#rooms.size;
  }

  /** `name` arrived in `room`. */
  arrived(room: string, name: string): void {
    const news = this.#news(room);
    // Left and came back within one batch: nothing to tell.
    if (!cancel(news.left, name)) news.arrived.push(name);
  }

  /** `name` left `room`. */
  left(room: string, name: string): void {
    const news = this.#news(room);
    // Whether they fell silent or stirred no longer matters to those still there.
    cancel(news.silent, name);
    cancel(news.stirred, name);
    if (!cancel(news.arrived, name)) news.left.push(name);
  }

  /** `name`, in `room`, went linkdead. */
  fellSilent(room: string, name: string): void {
    const news = this.#news(room);
    // Stirred and fell silent again within one batch: as they were, nothing to tell.
    if (!cancel(news.stirred, name)) news.silent.push(name);
  }

  /** `name`, in `room`, came back from linkdead. */
  stirred(room: string, name: string): void {
    const news = this.#news(room);
    if (!cancel(news.silent, name)) news.stirred.push(name);
  }

  /**
   * Takes back that `name` fell silent (`"silent"`) or stirred (`"stirred"`) in `room`, if that
   * news still waits for the batch; whether it did. (The room may have emptied below crowded
   * since: the opposite news then cancels it here rather than going out before it.)
   */
  takeBack(room: string, kind: "silent" | "stirred", name: string): boolean {
    const news = this.#rooms.get(room);
    return news !== undefined && cancel(news[kind], name);
  }

  /**
   * The `room.crowd` event for each room with news, and forgets the news. `present` says how
   * many players are in a room now.
   */
  take(present: (room: string) => number): { room: string; event: GameEvent }[] {
    const events: { room: string; event: GameEvent }[] = [];
    for (const [room, news] of this.#rooms) {
      const { arrived, left, silent, stirred } = news;
      if (arrived.length + left.length + silent.length + stirred.length === 0) continue;
      const [arrivedNamed, moreArrived] = named(arrived);
      const [leftNamed, moreLeft] = named(left);
      const [silentNamed, moreSilent] = named(silent);
      const [stirredNamed, moreStirred] = named(stirred);
      events.push({
        room,
        event: {
          type: "room.crowd",
          data: {
            arrived: arrivedNamed,
            moreArrived,
            left: leftNamed,
            moreLeft,
            silent: silentNamed,
            moreSilent,
            stirred: stirredNamed,
            moreStirred,
            present: present(room),
          },
        },
      });
    }
    this.#rooms.clear();
    return events;
  }

  #news(room: string): RoomNews {
    let news = this.#rooms.get(room);
    if (news === undefined) {
      news = { arrived: [], left: [], silent: [], stirred: [] };
      this.#rooms.set(room, news);
    }
    return news;
  }
}
