// @ts-check
// Turning events into lines of text. Everything becomes text nodes: nothing a player types is
// ever read as HTML.

/** @typedef {{ text: string, kind: string }} Line */

/**
 * Event types that add no line to the log: the panel, the status dot or the connection itself
 * shows them (app.js and connection.js). Every other type must add at least one line.
 */
export const NOT_LOGGED = [
  "room.items",
  "party.where",
  "world.time",
  "player.stats",
  "stream.hello",
  "stream.ping",
];

/**
 * A line for the output: its text and a style class.
 * @param {string} text
 * @param {string} kind
 * @returns {Line}
 */
function line(text, kind) {
  return { text, kind };
}

/** @param {string[]} words */
function list(words) {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/** @type {Record<string, string>} */
const GOES = { up: "goes up", down: "goes down" };

/** @type {Record<string, string>} */
const COMES = { up: "arrives from above", down: "arrives from below" };

/**
 * A name that starts a sentence: "the station conductor" → "The station conductor".
 * @param {string} name
 */
function opening(name) {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * "Ann, Bob and 12 others" — the player's own name left out.
 * @param {string[]} names
 * @param {number} more
 * @param {string} me
 */
function crowdNames(names, more, me) {
  const others = names.filter((name) => name !== me);
  return list(more > 0 ? [...others, `${more} ${more === 1 ? "other" : "others"}`] : others);
}

/**
 * @param {string[]} names
 * @param {number} more
 * @param {string} me
 * @param {string} one the verb for one
 * @param {string} many the verb for several
 */
function verb(names, more, me, one, many) {
  return names.filter((name) => name !== me).length + more === 1 ? one : many;
}

/**
 * A crowded room's batch line for one kind of news ("Bob, Cat and 3 others arrive."), or none
 * when it names nobody but the player.
 * @param {string[]} names
 * @param {number} more
 * @param {string} me
 * @param {[string, string]} verbs the verb for one, and for several
 * @param {string} rest what follows the verb
 * @param {Line["kind"]} kind
 * @returns {Line[]}
 */
function crowdLine(names, more, me, [one, many], rest, kind) {
  const who = crowdNames(names, more, me);
  return who ? [line(`${who} ${verb(names, more, me, one, many)}${rest}.`, kind)] : [];
}

/**
 * The lines an event adds to the output (none for events that only update the panel).
 * @param {string} type
 * @param {any} data
 * @param {string} me the player's own name
 * @returns {Line[]}
 */
export function linesFor(type, data, me) {
  switch (type) {
    case "room.look": {
      const room = data.room;
      const lines = [line(room.name, "room-title"), line(room.description, "room-description")];
      const exits = room.exits.map((/** @type {{ direction: string }} */ exit) => exit.direction);
      lines.push(
        line(
          exits.length ? `Exits: ${list(exits)}.` : "There is no obvious way out.",
          "room-detail",
        ),
      );
      if (room.items.length) lines.push(line(`You see ${list(room.items)}.`, "room-detail"));
      const beings = [
        ...room.npcs,
        ...room.players.map((/** @type {{ name: string, linkdead: boolean }} */ p) =>
          p.linkdead ? `${p.name} (lost in thought)` : p.name
        ),
      ];
      if (room.morePlayers) beings.push(`${room.morePlayers} others`);
      if (beings.length) lines.push(line(`Also here: ${list(beings)}.`, "room-detail"));
      return lines;
    }
    case "room.say":
      return [
        line(
          data.from === me
            ? `You say, "${data.text}"`
            : `${opening(data.from)} says, "${data.text}"`,
          "say",
        ),
      ];
    case "room.emote":
      return [line(`${opening(data.from)} ${data.text}`, "emote")];
    case "room.enter":
      return [
        line(
          data.from
            ? `${opening(data.who)} ${COMES[data.from] ?? `arrives from the ${data.from}`}.`
            : `${opening(data.who)} arrives.`,
          "movement",
        ),
      ];
    case "room.leave":
      return [line(
        data.to
          ? `${opening(data.who)} ${GOES[data.to] ?? `leaves ${data.to}`}.`
          : `${opening(data.who)} leaves.`,
        "movement",
      )];
    case "room.crowd":
      // Linkdead news is absent from batches written before it was gathered too.
      return [
        ...crowdLine(data.arrived, data.moreArrived, me, ["arrives", "arrive"], "", "movement"),
        ...crowdLine(data.left, data.moreLeft, me, ["leaves", "leave"], "", "movement"),
        ...crowdLine(
          data.silent ?? [],
          data.moreSilent ?? 0,
          me,
          ["falls", "fall"],
          " silent and still, gaze fixed on nothing",
          "notice",
        ),
        ...crowdLine(
          data.stirred ?? [],
          data.moreStirred ?? 0,
          me,
          ["blinks and stirs", "blink and stir"],
          " again",
          "notice",
        ),
      ];
    case "chat.ooc":
      return [line(`[OOC] ${data.from}: ${data.text}`, "ooc")];
    case "party.say":
      return [
        line(data.from ? `[Party] ${data.from}: ${data.text}` : `[Party] ${data.text}`, "party"),
      ];
    case "combat.round":
      return [line(`${data.text} (DP ${data.dp}; ${data.foe}: ${data.foeDp})`, "combat")];
    case "quest.update":
      return [
        line(`[${data.title}] ${data.by ? `${data.by}: ` : ""}${data.text}`, "quest"),
        line(data.complete ? "The story is complete." : `Next: ${data.next}`, "quest"),
      ];
    case "tell.received":
      return [line(`${data.from} whispers to you, "${data.text}"`, "tell")];
    case "tell.sent":
      return [line(`You whisper to ${data.to}, "${data.text}"`, "tell")];
    case "system.notice":
      return [line(data.text, "notice")];
    case "system.error":
      return [line(data.text, "error")];
    case "stream.shutdown":
      return [
        line(`${data.reason ?? "The server is restarting"}. Reconnecting by itself...`, "system"),
      ];
    case "stream.resync":
      return [line("Some events were missed while you were away; looking around again.", "system")];
    case "stream.superseded":
      return [line(`${data.reason}. This window is no longer connected.`, "system")];
    default:
      return [];
  }
}

/**
 * "3 a.m. — the witching hour".
 * @param {{ hour: number, daypart: string }} data
 */
export function describeTime(data) {
  const hour = data.hour;
  const twelve = hour % 12 === 0 ? 12 : hour % 12;
  const half = hour < 12 ? "a.m." : "p.m.";
  return `${twelve} ${half} — ${data.daypart}`;
}
