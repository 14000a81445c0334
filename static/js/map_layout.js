// @ts-check
// The map's memory and layout: the rooms this character has seen, remembered in the browser, and
// where each goes around the room the player is in, from the world's room coordinates. Pure (no
// DOM), so the tests run it without a browser; map.js draws it.

/** Pixels per step on the world's grid. */
export const UNIT = 56;
/** How many grid steps the map shows either side of the player: east–west, north–south. */
const REACH = { x: 2, y: 2 };

/** @type {Record<string, [number, number]>} */
const FLAT_VECTORS = {
  north: [0, 1],
  south: [0, -1],
  east: [1, 0],
  west: [-1, 0],
  northeast: [1, 1],
  northwest: [-1, 1],
  southeast: [1, -1],
  southwest: [-1, -1],
};

/**
 * @typedef {object} SeenRoom
 * @property {string} id
 * @property {string} name
 * @property {number} x
 * @property {number} y
 * @property {number} level
 * @property {{ direction: string, to: string }[]} exits
 */

/**
 * @typedef {object} MapLayout
 * @property {number} level the player's level
 * @property {{ id: string, name: string, cx: number, cy: number, here: boolean, walk?: string }[]} rooms
 * @property {{ x1: number, y1: number, x2: number, y2: number }[]} links between seen rooms
 * @property {{ x1: number, y1: number, x2: number, y2: number, walk?: string }[]} stubs exits to
 *   rooms not yet seen (from the player's room, `walk` is the direction)
 * @property {string[]} vertical the player's ways up and down
 * @property {{ name: string, cx: number, cy: number }[]} party the other members of the player's
 *   party in rooms on the map
 */

/** The rooms a character has seen, kept in the browser's storage under the character's name. */
export class MapMemory {
  /** @type {Map<string, SeenRoom>} */
  rooms = new Map();
  /** @type {Storage | undefined} */
  #storage;
  #key;

  /**
   * @param {string} player whose map
   * @param {Storage | undefined} storage where it is kept (none: forgotten on reload)
   */
  constructor(player, storage) {
    this.#storage = storage;
    this.#key = `mythos.map.${player.toLowerCase()}`;
    try {
      const saved = JSON.parse(storage?.getItem(this.#key) ?? "[]");
      if (Array.isArray(saved)) {
        for (const room of saved) if (isSeenRoom(room)) this.rooms.set(room.id, room);
      }
    } catch {
      // A damaged entry is a map to draw again.
    }
  }

  /**
   * Remembers a room that was looked at; answers whether it was new or changed.
   * @param {{ id: string, name: string, exits: { direction: string, to: string }[],
   *   map?: { x: number, y: number, level: number } }} room
   */
  remember(room) {
    if (room.map === undefined) return false;
    const seen = {
      id: room.id,
      name: room.name,
      x: room.map.x,
      y: room.map.y,
      level: room.map.level,
      exits: room.exits.map(({ direction, to }) => ({ direction, to })),
    };
    const before = this.rooms.get(room.id);
    if (before !== undefined && JSON.stringify(before) === JSON.stringify(seen)) return false;
    this.rooms.set(room.id, seen);
    try {
      this.#storage?.setItem(this.#key, JSON.stringify([...this.rooms.values()]));
    } catch {
      // Storage full or refused: the map still works until the page reloads.
    }
    return true;
  }
}

/**
 * @param {unknown} value
 * @returns {value is SeenRoom}
 */
function isSeenRoom(value) {
  const room = /** @type {any} */ (value);
  return typeof room?.id === "string" && typeof room.name === "string" &&
    Number.isFinite(room.x) && Number.isFinite(room.y) && Number.isFinite(room.level) &&
    Array.isArray(room.exits);
}

/**
 * Where everything goes, in pixels around the player's room at (0, 0), north up.
 * @param {Map<string, SeenRoom>} rooms
 * @param {string} hereId
 * @param {{ name: string, room: string }[]} [party] where the other members of the party are
 * @returns {MapLayout | undefined} nothing when the player's room has no place on the map
 */
export function mapLayout(rooms, hereId, party = []) {
  const here = rooms.get(hereId);
  if (here === undefined) return undefined;
  /** @param {SeenRoom} room */
  const place = (room) => ({ cx: (room.x - here.x) * UNIT, cy: (here.y - room.y) * UNIT });
  /** @param {SeenRoom} room */
  const inView = (room) =>
    room.level === here.level && Math.abs(room.x - here.x) <= REACH.x &&
    Math.abs(room.y - here.y) <= REACH.y;
  /** @type {Map<string, string>} */
  const walks = new Map();
  for (const exit of here.exits) {
    if (exit.direction in FLAT_VECTORS) walks.set(exit.to, exit.direction);
  }

  /** @type {MapLayout} */
  const layout = {
    level: here.level,
    rooms: [],
    links: [],
    stubs: [],
    vertical: here.exits.filter((exit) => !(exit.direction in FLAT_VECTORS)).map((exit) =>
      exit.direction
    ),
    party: [],
  };
  for (const member of party) {
    const room = rooms.get(member.room);
    if (room !== undefined && inView(room)) {
      layout.party.push({ name: member.name, ...place(room) });
    }
  }
  const linked = new Set();
  for (const room of rooms.values()) {
    if (!inView(room)) continue;
    const at = place(room);
    const walk = walks.get(room.id);
    layout.rooms.push({
      id: room.id,
      name: room.name,
      ...at,
      here: room.id === hereId,
      ...(walk === undefined ? {} : { walk }),
    });
    for (const exit of room.exits) {
      const vector = FLAT_VECTORS[exit.direction];
      if (vector === undefined) continue;
      const to = rooms.get(exit.to);
      if (to !== undefined && to.level === room.level) {
        const pair = [room.id, to.id].sort().join(" ");
        if (linked.has(pair)) continue;
        linked.add(pair);
        const end = place(to);
        layout.links.push({ x1: at.cx, y1: at.cy, x2: end.cx, y2: end.cy });
      } else if (to === undefined) {
        const [dx, dy] = vector;
        const length = UNIT * 0.5;
        const stubWalk = room.id === hereId ? exit.direction : undefined;
        layout.stubs.push({
          x1: at.cx,
          y1: at.cy,
          x2: at.cx + dx * length,
          y2: at.cy - dy * length,
          ...(stubWalk === undefined ? {} : { walk: stubWalk }),
        });
      }
    }
  }
  // The player's own room last, so it is drawn on top.
  layout.rooms.sort((a, b) => Number(a.here) - Number(b.here));
  return layout;
}
