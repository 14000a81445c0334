// @ts-check
// The map: the rooms this character has seen, remembered in the browser, laid out from the
// world's room coordinates around the room the player is in, and drawn as SVG. Rooms next to the
// player's are buttons that walk there.

/** Pixels per step on the world's grid. */
export const UNIT = 56;
/** A room's square, in pixels. */
const ROOM = 30;
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
 * @returns {MapLayout | undefined} nothing when the player's room has no place on the map
 */
export function mapLayout(rooms, hereId) {
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
  };
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

const SVG = "http://www.w3.org/2000/svg";

/**
 * @param {string} name
 * @param {Record<string, string | number>} attributes
 */
function svgElement(name, attributes) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/**
 * Makes an SVG element act as a button: focusable, named, and pressed by click, Enter or Space.
 * @param {SVGElement} element
 * @param {string} label
 * @param {() => void} press
 */
function asButton(element, label, press) {
  element.setAttribute("role", "button");
  element.setAttribute("tabindex", "0");
  element.setAttribute("aria-label", label);
  element.classList.add("walkable");
  element.addEventListener("click", press);
  element.addEventListener("keydown", (event) => {
    const key = /** @type {KeyboardEvent} */ (event).key;
    if (key === "Enter" || key === " ") {
      event.preventDefault();
      press();
    }
  });
}

/**
 * Draws the map into `svg`.
 * @param {SVGSVGElement} svg
 * @param {MapLayout | undefined} layout
 * @param {(direction: string) => void} walk what choosing a room next to the player does
 */
export function drawMap(svg, layout, walk) {
  svg.replaceChildren();
  if (layout === undefined) {
    const text = svgElement("text", { x: 0, y: 0, "text-anchor": "middle", class: "map-empty" });
    text.textContent = "No map of this place.";
    svg.append(text);
    return;
  }
  for (const link of layout.links) svg.append(svgElement("line", { ...link, class: "map-link" }));
  for (const stub of layout.stubs) {
    const line = svgElement("line", { ...stub, class: "map-stub" });
    if (stub.walk !== undefined) {
      const direction = stub.walk;
      const group = svgElement("g", {});
      // A dot marks the way; a wider, invisible circle makes it easy to hit with a finger.
      group.append(
        line,
        svgElement("circle", { cx: stub.x2, cy: stub.y2, r: 4, class: "map-stub-end" }),
        svgElement("circle", { cx: stub.x2, cy: stub.y2, r: 12, class: "map-hit" }),
      );
      asButton(group, `Walk ${direction}, somewhere not yet seen`, () => walk(direction));
      svg.append(group);
    } else {
      svg.append(line);
    }
  }
  for (const room of layout.rooms) {
    const group = svgElement("g", { class: room.here ? "map-room here" : "map-room" });
    const square = svgElement("rect", {
      x: room.cx - ROOM / 2,
      y: room.cy - ROOM / 2,
      width: ROOM,
      height: ROOM,
      rx: 3,
    });
    const title = svgElement("title", {});
    title.textContent = room.here ? `${room.name} (you are here)` : room.name;
    group.append(title, square);
    if (room.here) {
      group.append(svgElement("circle", { cx: room.cx, cy: room.cy, r: 5, class: "map-you" }));
      for (const [index, direction] of layout.vertical.entries()) {
        const mark = svgElement("text", {
          x: room.cx + ROOM / 2 + 3,
          y: room.cy - 2 + index * 11,
          class: "map-vertical",
        });
        mark.textContent = direction === "up"
          ? "▲ up"
          : direction === "down"
          ? "▼ down"
          : direction;
        group.append(mark);
      }
    }
    if (room.walk !== undefined) {
      const direction = room.walk;
      asButton(group, `Walk ${direction} to ${room.name}`, () => walk(direction));
    }
    svg.append(group);
  }
}
