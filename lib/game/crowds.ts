/**
 * Crowded rooms without O(N²): a look names a bounded number of the others present and counts the
 * rest, and in a room with more than {@linkcode CROWDED} players arrivals and departures are not
 * announced one by one to everyone there — they are gathered and announced together, one
 * `room.crowd` event per room per flush (the `world.crowds` task). Filling a room with N players
 * then costs O(N) events per flush instead of N per arrival.
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
    const index = news.left.indexOf(name);
    if (index >= 0) news.left.splice(index, 1);
    else news.arrived.push(name);
  }

  /** `name` left `room`. */
  left(room: string, name: string): void {
    const news = this.#news(room);
    const index = news.arrived.indexOf(name);
    if (index >= 0) news.arrived.splice(index, 1);
    else news.left.push(name);
  }

  /**
   * The `room.crowd` event for each room with news, and forgets the news. `present` says how
   * many players are in a room now.
   */
  take(present: (room: string) => number): { room: string; event: GameEvent }[] {
    const events: { room: string; event: GameEvent }[] = [];
    for (const [room, news] of this.#rooms) {
      if (news.arrived.length === 0 && news.left.length === 0) continue;
      events.push({
        room,
        event: {
          type: "room.crowd",
          data: {
            arrived: news.arrived.slice(0, BATCH_NAMES),
            moreArrived: Math.max(0, news.arrived.length - BATCH_NAMES),
            left: news.left.slice(0, BATCH_NAMES),
            moreLeft: Math.max(0, news.left.length - BATCH_NAMES),
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
      news = { arrived: [], left: [] };
      this.#rooms.set(room, news);
    }
    return news;
  }
}
