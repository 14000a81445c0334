/**
 * The Mythos clock: game hours, dayparts, and the hours worth announcing.
 *
 * The clock only counts; the `world.clock` task advances it once per configured interval, and
 * tests advance it by calling {@linkcode MythosClock.advance} directly.
 *
 * @module
 */

/** A part of the day. */
export type Daypart =
  | "dawn"
  | "morning"
  | "afternoon"
  | "dusk"
  | "evening"
  | "night"
  | "witching hour";

/** Which part of the day `hour` (0–23) falls in. */
export function daypartOf(hour: number): Daypart {
  if (hour === 3) return "witching hour";
  if (hour >= 5 && hour < 7) return "dawn";
  if (hour >= 7 && hour < 12) return "morning";
  if (hour >= 12 && hour < 17) return "afternoon";
  if (hour >= 17 && hour < 20) return "dusk";
  if (hour >= 20 && hour < 23) return "evening";
  return "night";
}

/**
 * The hour as a person would say it: "It is 8 o'clock in the morning.", "It is noon.",
 * "It is 3 o'clock in the morning — the witching hour."
 */
export function spokenTime(hour: number): string {
  if (hour === 0) return "It is midnight.";
  if (hour === 12) return "It is noon.";
  const twelve = hour % 12;
  const part = hour < 5
    ? "at night"
    : hour < 12
    ? "in the morning"
    : hour < 17
    ? "in the afternoon"
    : hour < 20
    ? "in the evening"
    : "at night";
  if (hour === 3) return "It is 3 o'clock in the morning — the witching hour.";
  return `It is ${twelve} o'clock ${part}.`;
}

/** Whether nocturnal things walk at `hour`: from 8 in the evening until dawn at 5. */
export function isNight(hour: number): boolean {
  return hour >= 20 || hour < 5;
}

/** Lines announced to players outdoors at particular hours. */
export const ANNOUNCEMENTS: Readonly<Record<number, { code: string; text: string }>> = {
  5: {
    code: "world.dawn",
    text: "A grey dawn seeps over the gambrel roofs. The night's terrors withdraw — for now.",
  },
  17: {
    code: "world.dusk",
    text: "The sun sinks behind the hills and long shadows reach across the streets.",
  },
  20: {
    code: "world.nightfall",
    text: "Night falls. Lamps are lit in the windows, and the dark between them grows deeper.",
  },
  3: {
    code: "world.witching",
    text: "It is the witching hour. Somewhere a dog howls and falls suddenly silent.",
  },
};

/** The game's time of day. */
export class MythosClock {
  #hour: number;

  /** Starts at `hour` (default 8 in the morning). */
  constructor(hour = 8) {
    this.#hour = ((Math.trunc(hour) % 24) + 24) % 24;
  }

  /** The current hour, 0–23. */
  get hour(): number {
    return this.#hour;
  }

  /** The current part of the day. */
  get daypart(): Daypart {
    return daypartOf(this.#hour);
  }

  /** Whether it is night. */
  get night(): boolean {
    return isNight(this.#hour);
  }

  /** Moves on one hour; returns the new hour. */
  advance(): number {
    this.#hour = (this.#hour + 1) % 24;
    return this.#hour;
  }
}
