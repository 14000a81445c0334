/**
 * The event types players receive, as a discriminated union.
 *
 * Game events travel through the bus and carry an id; `stream.*` events belong to one stream
 * (hello, ping, resync, superseded, shutdown) and carry none, so they never move a client's
 * `Last-Event-ID`.
 *
 * @module
 */

/** A room as `room.look` shows it. */
export interface RoomView {
  /** Stable room id. */
  id: string;
  /** Display name. */
  name: string;
  /** Prose description. */
  description: string;
  /** Ways out. */
  exits: { direction: string; to: string }[];
  /** Items lying here. */
  items: string[];
  /** NPCs present. */
  npcs: string[];
  /** Players present, linkdead ones marked. */
  players: { name: string; linkdead: boolean }[];
  /** How many more players are here than `players` names (a crowded room names only the first). */
  morePlayers?: number;
  /** Where the room is on the map (east +x, north +y, up +level), when the world files say. */
  map?: { x: number; y: number; level: number };
  /** Room flags such as `outdoors`, `rest`, `eldritch`. */
  flags?: string[];
}

/**
 * The event vocabulary: every event type the server sends, in one runtime table. The types below
 * are derived from it, the browser client's list is checked against it
 * (`tests/bus/events_test.ts`), and `stream.*` types belong to one stream and carry no id.
 */
export const EVENT_TYPES = [
  "room.look",
  "room.say",
  "room.emote",
  "room.enter",
  "room.leave",
  "room.items",
  "room.crowd",
  "chat.ooc",
  "party.say",
  "party.where",
  "quest.update",
  "combat.round",
  "tell.received",
  "tell.sent",
  "system.notice",
  "system.error",
  "world.time",
  "player.stats",
  "stream.hello",
  "stream.ping",
  "stream.resync",
  "stream.superseded",
  "stream.shutdown",
] as const;

/** Every event type name. */
export type EventType = typeof EVENT_TYPES[number];

/** Whether `type` is one of {@linkcode EVENT_TYPES}. */
export function isEventType(type: string): type is EventType {
  return (EVENT_TYPES as readonly string[]).includes(type);
}

/** The `data` of every event type. Fields may be added; these stay. */
export interface EventDataMap {
  "room.look": { room: RoomView };
  "room.say": { from: string; text: string; npc?: boolean; hallucination?: boolean };
  "room.emote": { from: string; text: string; npc?: boolean; hallucination?: boolean };
  "room.enter": { who: string; from?: string; npc?: boolean };
  "room.leave": { who: string; to?: string; npc?: boolean };
  /** What lies in the room now, after something was taken, dropped or put there. */
  "room.items": { items: string[] };
  /**
   * Who arrived in, left, fell silent (linkdead) or stirred again in a crowded room since the last
   * batch (at most ten names each, and how many more), and how many players are there now
   * (lib/game/crowds.ts).
   */
  "room.crowd": {
    arrived: string[];
    moreArrived: number;
    left: string[];
    moreLeft: number;
    /** Went linkdead ("fall silent"). */
    silent: string[];
    moreSilent: number;
    /** Came back from linkdead ("stir again"). */
    stirred: string[];
    moreStirred: number;
    present: number;
  };
  "chat.ooc": { from: string; text: string };
  /** A party member speaking to the party (`from`), or news of the party (no `from`). */
  "party.say": { from?: string; text: string };
  /** Where the members of the player's party in the world are (the map marks them). */
  "party.where": { members: { name: string; room: string }[] };
  /** A round of the player's fight: what happened, both sides' DP, and how it ended, if it did. */
  "combat.round": {
    text: string;
    foe: string;
    dp: number;
    foeDp: number;
    over?: "won" | "fell";
  };
  /** A quest step done (by the player, or by `by` of their party) and what to try next. */
  "quest.update": {
    quest: string;
    title: string;
    done: number;
    steps: number;
    text: string;
    complete: boolean;
    next?: string;
    by?: string;
  };
  "tell.received": { from: string; text: string };
  "tell.sent": { to: string; text: string };
  "system.notice": { text: string; code?: string; [detail: string]: unknown };
  "system.error": { text: string; code?: string };
  "world.time": { hour: number; daypart: string };
  "player.stats": { lucidity: number; [stat: string]: unknown };
  "stream.hello": { player: string; resumed: boolean };
  "stream.ping": Record<string, never>;
  "stream.resync": { reason: string };
  "stream.superseded": { reason: string };
  "stream.shutdown": { reason: string; retryMs: number };
}

/** True when `A` and `B` are the same set of names. */
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Fails to compile when {@linkcode EventDataMap} and {@linkcode EVENT_TYPES} disagree. */
const _vocabularyMatches: SameKeys<keyof EventDataMap, EventType> = true;

/** Event types that belong to one stream rather than to the game. */
export type StreamEventType = Extract<EventType, `stream.${string}`>;

/** Event types the game publishes through the bus. */
export type GameEventType = Exclude<EventType, StreamEventType>;

/** One event: `{ type, data }`, discriminated by `type`. */
export type MythosEvent<T extends EventType = EventType> = {
  [K in T]: { type: K; data: EventDataMap[K] };
}[T];

/** An event the game publishes. */
export type GameEvent = MythosEvent<GameEventType>;
