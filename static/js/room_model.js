// @ts-check
// The room the player is in, kept live between looks: who arrives and leaves, what is taken and
// dropped, who falls silent. Pure functions, so the tests can run them without a browser.

/**
 * @typedef {object} RoomView
 * @property {string} id
 * @property {string} name
 * @property {string} [description]
 * @property {{ direction: string, to: string }[]} exits
 * @property {{ name: string, linkdead: boolean }[]} players
 * @property {number} [morePlayers] how many more players are here than `players` names
 * @property {string[]} npcs
 * @property {string[]} items
 * @property {{ x: number, y: number, level: number }} [map]
 */

/** The most players the room keeps by name, as the server's look (`LOOK_NAMES`). */
const LIST_LIMIT = 30;

/**
 * The room after an event, or the same room when the event does not change it.
 * @param {RoomView} room
 * @param {string} type the event type
 * @param {any} data its data
 * @param {string} me the player's own name (never listed as "here")
 * @returns {RoomView}
 */
export function roomAfter(room, type, data, me) {
  switch (type) {
    case "room.look":
      return data.room;
    case "room.enter": {
      if (data.who === me) return room;
      if (data.npc) {
        return room.npcs.includes(data.who) ? room : { ...room, npcs: [...room.npcs, data.who] };
      }
      const others = room.players.filter((player) => player.name !== data.who);
      if (others.length >= LIST_LIMIT) return { ...room, morePlayers: (room.morePlayers ?? 0) + 1 };
      return { ...room, players: [...others, { name: data.who, linkdead: false }] };
    }
    case "room.leave":
      if (data.npc) {
        const index = room.npcs.indexOf(data.who);
        // Two creatures may share a name: one leaving takes one entry away.
        return index < 0 ? room : { ...room, npcs: room.npcs.toSpliced(index, 1) };
      }
      if (room.players.some((player) => player.name === data.who)) {
        return { ...room, players: room.players.filter((player) => player.name !== data.who) };
      }
      // Someone counted, not named, left.
      return room.morePlayers ? { ...room, morePlayers: room.morePlayers - 1 } : room;
    case "room.crowd": {
      const leaving = new Set(data.left);
      const players = room.players.filter((player) => !leaving.has(player.name));
      for (const name of data.arrived) {
        if (name === me || players.length >= LIST_LIMIT) continue;
        if (!players.some((player) => player.name === name)) {
          players.push({ name, linkdead: false });
        }
      }
      // Everyone but the player, less those named: the rest are counted.
      const more = Math.max(0, data.present - 1 - players.length);
      const silent = new Set(data.silent ?? []);
      const stirred = new Set(data.stirred ?? []);
      const marked = players.map((player) =>
        silent.has(player.name)
          ? { ...player, linkdead: true }
          : stirred.has(player.name)
          ? { ...player, linkdead: false }
          : player
      );
      return { ...room, players: marked, morePlayers: more };
    }
    case "room.items":
      return Array.isArray(data.items) ? { ...room, items: data.items } : room;
    case "system.notice": {
      const linkdead = data.code === "player.linkdead"
        ? true
        : data.code === "player.returned"
        ? false
        : undefined;
      if (linkdead === undefined || typeof data.who !== "string") return room;
      return {
        ...room,
        players: room.players.map((player) =>
          player.name === data.who ? { ...player, linkdead } : player
        ),
      };
    }
    default:
      return room;
  }
}

/**
 * The "Here" list: players (marked when lost in thought), then creatures and people of the town,
 * then things.
 * @param {RoomView} room
 * @returns {{ text: string, kind: "player" | "npc" | "item", linkdead: boolean }[]}
 */
export function presentIn(room) {
  return [
    ...room.players.map((player) => ({
      text: player.linkdead ? `${player.name} (lost in thought)` : player.name,
      kind: /** @type {const} */ ("player"),
      linkdead: player.linkdead,
    })),
    ...(room.morePlayers
      ? [{
        text: `and ${room.morePlayers} more`,
        kind: /** @type {const} */ ("player"),
        linkdead: false,
      }]
      : []),
    ...room.npcs.map((name) => ({
      text: name,
      kind: /** @type {const} */ ("npc"),
      linkdead: false,
    })),
    ...room.items.map((name) => ({
      text: name,
      kind: /** @type {const} */ ("item"),
      linkdead: false,
    })),
  ];
}
