/**
 * The world files (`data/world/`): their format, loading and validation.
 *
 * `world.json` names the world, the start room and the zone files; each zone file holds rooms,
 * items and NPCs keyed by id. The format is documented in `docs/world-format.md`. Every field is
 * checked at start-up; the first problem stops start-up with the file, the thing and the field
 * named, and every exit must lead to a room that exists.
 *
 * @module
 */

import { join } from "@std/path/join";

/** Ways out of a room. */
export const DIRECTIONS = [
  "north",
  "south",
  "east",
  "west",
  "northeast",
  "northwest",
  "southeast",
  "southwest",
  "up",
  "down",
] as const;

/** One of {@linkcode DIRECTIONS}. */
export type Direction = typeof DIRECTIONS[number];

/** Room flags. */
export const ROOM_FLAGS = ["outdoors", "rest", "eldritch", "dark"] as const;

/** One of {@linkcode ROOM_FLAGS}. */
export type RoomFlag = typeof ROOM_FLAGS[number];

/** A room as the world files define it. */
export interface RoomDef {
  /** Unique id, such as `arkham.station`. */
  id: string;
  /** The zone it belongs to. */
  zone: string;
  /** Display name. */
  name: string;
  /** Prose. */
  description: string;
  /** Flags. */
  flags: ReadonlySet<RoomFlag>;
  /** Exits by direction. */
  exits: ReadonlyMap<Direction, string>;
  /** Locked doors on exits, by direction: passable once opened with their key. */
  doors: ReadonlyMap<Direction, DoorDef>;
  /** Where it is on the map, if the world files say (for a client's map). */
  map: MapPoint | undefined;
}

/** A room's place on the map: east is +x, north is +y, up is +level. */
export interface MapPoint {
  /** West (−) to east (+). */
  x: number;
  /** South (−) to north (+). */
  y: number;
  /** Below (−) and above (+) the ground. */
  level: number;
}

/** The way each direction moves on the map: the signs of Δx, Δy and Δlevel. */
export const DIRECTION_VECTORS: Readonly<Record<Direction, readonly [number, number, number]>> = {
  north: [0, 1, 0],
  south: [0, -1, 0],
  east: [1, 0, 0],
  west: [-1, 0, 0],
  northeast: [1, 1, 0],
  northwest: [-1, 1, 0],
  southeast: [1, -1, 0],
  southwest: [-1, -1, 0],
  up: [0, 0, 1],
  down: [0, 0, -1],
};

/** What drinking or eating something does: changes to lucidity and DP, and what the player reads. */
export interface Consumable {
  /** Lucidity gained (or, below 0, lost). */
  lucidity: number;
  /** DP gained (or, below 0, lost; never below 1). */
  dp: number;
  /** What it is like. */
  text: string;
}

/** A locked door on an exit. */
export interface DoorDef {
  /** Display name, such as `an iron-bound trapdoor`. */
  name: string;
  /** Words that pick it out (lower case). */
  keywords: readonly string[];
  /** The id of the item that unlocks it. */
  key: string;
}

/** What a quest step waits for a player to do. */
export type QuestTrigger =
  | { ask: string; about: string }
  | { read: string }
  | { get: string }
  | { open: string; direction: Direction }
  | { give: string; to: string }
  | { enter: string };

/** One step of a quest. */
export interface QuestStep {
  /** What to try, shown by `journal` while this is the next step. */
  hint: string;
  /** What the journal records once it is done. */
  done: string;
  /** What completes it. */
  when: QuestTrigger;
}

/** A quest as the world files define it. */
export interface QuestDef {
  /** Unique id. */
  id: string;
  /** Its title. */
  title: string;
  /** Whether it is the main story (listed first). */
  main: boolean;
  /** Its steps, done in order. */
  steps: readonly QuestStep[];
}

/** An item as the world files define it. */
export interface ItemDef {
  /** Unique id. */
  id: string;
  /** Display name, such as `a brass lantern`. */
  name: string;
  /** Words that pick it out (lower case). */
  keywords: readonly string[];
  /** What `examine` shows. */
  description: string;
  /** Whether players can pick it up. */
  portable: boolean;
  /** What `read` shows, if it can be read. */
  text: string | undefined;
  /** Whether it gives light once lit (`light`). */
  light: boolean;
  /** What drinking it does, if it can be drunk. */
  drink: Consumable | undefined;
  /** What eating it does, if it can be eaten. */
  eat: Consumable | undefined;
  /** Whether things can be put in it; `lid`: it has a lid, closed at start-up. */
  container: "open" | "lid" | undefined;
  /** Where it lies when the world is new. */
  room: string;
}

/** An NPC as the world files define it. */
export interface NpcDef {
  /** Unique id. */
  id: string;
  /** Display name, such as `Old Zadok Allen`. */
  name: string;
  /** Words that pick it out (lower case). */
  keywords: readonly string[];
  /** What `examine` shows. */
  description: string;
  /** Where it starts. */
  room: string;
  /** Chance per NPC tick of moving to a neighbouring room in its zone (0 = never). */
  wander: number;
  /** Chance per NPC tick of saying or doing one of its lines (0 = never). */
  chatter: number;
  /** Lines it says. */
  says: readonly string[];
  /** Things it does (emotes). */
  emotes: readonly string[];
  /** Present only at night (from dusk to dawn). */
  nocturnal: boolean;
  /** What it says to `talk`, if it talks at all. */
  greeting: string | undefined;
  /** What it answers `ask <npc> about <topic>`, by topic (lower case, in the world file's order). */
  topics: ReadonlyMap<string, string>;
  /** The id of an item it guards: nobody takes it while the NPC watches (`distract`). */
  guards: string | undefined;
  /** Its DP if it can be fought (0: it cannot). */
  dp: number;
  /** The DP a blow of it takes, least and most. */
  damage: readonly [number, number];
  /** When it attacks players in its room (never in a `rest` room): never, at night, or always. */
  hostile: "never" | "night" | "always";
}

/** The whole world as loaded. */
export interface WorldData {
  /** The world's name. */
  name: string;
  /** Where new characters begin. */
  start: string;
  /** Where a character whose lucidity gives out wakes up, if anywhere. */
  recovery: string | undefined;
  /** Rooms by id. */
  rooms: ReadonlyMap<string, RoomDef>;
  /** Items by id. */
  items: ReadonlyMap<string, ItemDef>;
  /** NPCs by id. */
  npcs: ReadonlyMap<string, NpcDef>;
  /** Quests by id, the main story first. */
  quests: ReadonlyMap<string, QuestDef>;
}

/** A world file is wrong; the message names the file, the thing and the field. */
export class WorldError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "WorldError";
  }
}

type Json = Record<string, unknown>;

const ID = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;

class Checker {
  constructor(readonly file: string, readonly where: string) {}

  fail(field: string, problem: string): never {
    throw new WorldError(`${this.file}: ${this.where}: ${field} ${problem}`);
  }

  object(value: unknown, field: string): Json {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.fail(field, "must be an object");
    }
    return value as Json;
  }

  text(value: unknown, field: string, max = 2000): string {
    if (typeof value !== "string" || value.trim() === "" || value.length > max) {
      this.fail(field, `must be non-empty text of at most ${max} characters`);
    }
    return value;
  }

  texts(value: unknown, field: string, optional = true): string[] {
    if (value === undefined && optional) return [];
    if (!Array.isArray(value)) this.fail(field, "must be a list of text");
    return value.map((entry, i) => this.text(entry, `${field}[${i}]`, 500));
  }

  chance(value: unknown, field: string): number {
    if (value === undefined) return 0;
    if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
      this.fail(field, "must be a number from 0 to 1");
    }
    return value;
  }

  flag(value: unknown, field: string): boolean {
    if (value === undefined) return false;
    if (typeof value !== "boolean") this.fail(field, "must be true or false");
    return value;
  }

  id(value: string, field: string): string {
    if (!ID.test(value)) {
      this.fail(field, `${JSON.stringify(value)} is not a valid id (a-z, 0-9, _ and .)`);
    }
    return value;
  }

  known(keys: Set<string>, value: Json, field: string): void {
    for (const key of Object.keys(value)) {
      if (!keys.has(key)) this.fail(`${field}${key}`, "is not a known field");
    }
  }
}

const ROOM_FIELDS = new Set(["name", "description", "flags", "exits", "doors", "map"]);
const ITEM_FIELDS = new Set([
  "name",
  "keywords",
  "description",
  "portable",
  "room",
  "text",
  "light",
  "drink",
  "eat",
  "container",
]);
const NPC_FIELDS = new Set([
  "name",
  "keywords",
  "description",
  "room",
  "wander",
  "chatter",
  "says",
  "emotes",
  "nocturnal",
  "greeting",
  "topics",
  "guards",
  "dp",
  "damage",
  "hostile",
]);

/** A topic an NPC can be asked about: a word or a few, lower case. */
const TOPIC = /^[a-z][a-z' -]{0,38}[a-z]$/;

/** The checks items and NPCs share: id, fields, keywords and a room to be in. */
function placedThing(
  check: Checker,
  id: string,
  raw: unknown,
  existing: ReadonlyMap<string, unknown>,
  allowed: Set<string>,
): { fields: Json; keywords: string[]; room: string } {
  check.id(id, "id");
  if (existing.has(id)) check.fail("id", "is defined twice");
  const fields = check.object(raw, "the definition");
  check.known(allowed, fields, "");
  const keywords = check.texts(fields.keywords, "keywords", false).map((k) => k.toLowerCase());
  if (keywords.length === 0) check.fail("keywords", "must list at least one word");
  return { fields, keywords, room: check.text(fields.room, "room", 200) };
}

async function readJson(path: string, label: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new WorldError(`${label}: cannot be read (${(error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new WorldError(`${label}: is not valid JSON (${(error as Error).message})`);
  }
}

/** What the zone files add up to, with the references still to check once all are read. */
interface Collected {
  rooms: Map<string, RoomDef>;
  items: Map<string, ItemDef>;
  npcs: Map<string, NpcDef>;
  roomFiles: Map<string, string>;
  pendingExits: { file: string; room: string; direction: string; to: string }[];
  pendingPlaces: { file: string; what: string; room: string }[];
  pendingRefs: { file: string; what: string; field: string; kind: "item" | "npc"; id: string }[];
}

function parseRoom(label: string, zoneId: string, id: string, raw: unknown, into: Collected): void {
  const check = new Checker(label, `room ${id}`);
  check.id(id, "id");
  if (into.rooms.has(id)) check.fail("id", `is also defined in ${into.roomFiles.get(id)}`);
  const room = check.object(raw, "the room");
  check.known(ROOM_FIELDS, room, "");
  const flags = new Set<RoomFlag>();
  for (const [i, flag] of check.texts(room.flags, "flags").entries()) {
    if (!(ROOM_FLAGS as readonly string[]).includes(flag)) {
      check.fail(`flags[${i}]`, `must be one of ${ROOM_FLAGS.join(", ")}`);
    }
    flags.add(flag as RoomFlag);
  }
  const exits = new Map<Direction, string>();
  for (const [direction, to] of Object.entries(check.object(room.exits ?? {}, "exits"))) {
    if (!(DIRECTIONS as readonly string[]).includes(direction)) {
      check.fail(`exits.${direction}`, `is not a direction (${DIRECTIONS.join(", ")})`);
    }
    const target = check.text(to, `exits.${direction}`, 200);
    exits.set(direction as Direction, target);
    into.pendingExits.push({ file: label, room: id, direction, to: target });
  }
  const doors = new Map<Direction, DoorDef>();
  for (const [direction, rawDoor] of Object.entries(check.object(room.doors ?? {}, "doors"))) {
    if (!exits.has(direction as Direction)) {
      check.fail(`doors.${direction}`, "is not on an exit of the room");
    }
    const door = check.object(rawDoor, `doors.${direction}`);
    check.known(new Set(["name", "keywords", "key"]), door, `doors.${direction}.`);
    const key = check.text(door.key, `doors.${direction}.key`, 200);
    doors.set(direction as Direction, {
      name: check.text(door.name, `doors.${direction}.name`, 100),
      keywords: check.texts(door.keywords, `doors.${direction}.keywords`, false)
        .map((keyword) => keyword.toLowerCase()),
      key,
    });
    into.pendingRefs.push({
      file: label,
      what: `room ${id}`,
      field: `doors.${direction}.key`,
      kind: "item",
      id: key,
    });
  }
  into.rooms.set(id, {
    id,
    zone: zoneId,
    name: check.text(room.name, "name", 100),
    description: check.text(room.description, "description"),
    flags,
    exits,
    doors,
    map: mapPoint(check, room.map),
  });
  into.roomFiles.set(id, label);
}

function mapPoint(check: Checker, raw: unknown): MapPoint | undefined {
  if (raw === undefined) return undefined;
  if (
    !Array.isArray(raw) || raw.length !== 3 ||
    !raw.every((n) => Number.isInteger(n) && Math.abs(n) <= 1000)
  ) {
    check.fail("map", "must be [x, y, level], whole numbers from -1000 to 1000");
  }
  return { x: raw[0], y: raw[1], level: raw[2] };
}

/**
 * The map must agree with the exits: no two rooms in one place, and every exit leading the way
 * its direction says (north: same x, greater y, same level; up: same x and y, a higher level...).
 */
function checkMap(collected: Collected): void {
  const taken = new Map<string, string>();
  for (const room of collected.rooms.values()) {
    if (room.map === undefined) continue;
    const at = `${room.map.x},${room.map.y},${room.map.level}`;
    const other = taken.get(at);
    if (other !== undefined) {
      throw new WorldError(
        `${
          collected.roomFiles.get(room.id)
        }: room ${room.id}: map [${at}] is also room ${other}'s place`,
      );
    }
    taken.set(at, room.id);
  }
  const sign = (n: number) => Math.sign(n) + 0;
  for (const room of collected.rooms.values()) {
    for (const [direction, to] of room.exits) {
      const from = room.map;
      const there = collected.rooms.get(to)?.map;
      if (from === undefined || there === undefined) continue;
      const [dx, dy, dl] = DIRECTION_VECTORS[direction];
      const moved = [there.x - from.x, there.y - from.y, there.level - from.level].map(sign);
      if (moved[0] !== dx || moved[1] !== dy || moved[2] !== dl) {
        throw new WorldError(
          `${
            collected.roomFiles.get(room.id)
          }: room ${room.id}: exits.${direction} leads to ${to}, which the map puts elsewhere ([${there.x}, ${there.y}, ${there.level}] from [${from.x}, ${from.y}, ${from.level}])`,
        );
      }
    }
  }
}

function parseItem(label: string, id: string, raw: unknown, into: Collected): void {
  const check = new Checker(label, `item ${id}`);
  const { fields: item, keywords, room } = placedThing(check, id, raw, into.items, ITEM_FIELDS);
  into.pendingPlaces.push({ file: label, what: `item ${id}`, room });
  into.items.set(id, {
    id,
    name: check.text(item.name, "name", 100),
    keywords,
    description: check.text(item.description, "description"),
    portable: check.flag(item.portable, "portable"),
    room,
    text: item.text === undefined ? undefined : check.text(item.text, "text", 2000),
    light: check.flag(item.light, "light"),
    drink: consumable(check, item.drink, "drink"),
    eat: consumable(check, item.eat, "eat"),
    container: container(check, item.container),
  });
}

function consumable(check: Checker, raw: unknown, field: string): Consumable | undefined {
  if (raw === undefined) return undefined;
  const value = check.object(raw, field);
  check.known(new Set(["lucidity", "dp", "text"]), value, `${field}.`);
  const amount = (name: string) => {
    const n = value[name] ?? 0;
    if (typeof n !== "number" || !Number.isInteger(n) || n < -100 || n > 100) {
      check.fail(`${field}.${name}`, "must be a whole number from -100 to 100");
    }
    return n;
  };
  return {
    lucidity: amount("lucidity"),
    dp: amount("dp"),
    text: check.text(value.text, `${field}.text`, 500),
  };
}

function container(check: Checker, raw: unknown): "open" | "lid" | undefined {
  if (raw === undefined) return undefined;
  if (raw !== "open" && raw !== "lid") check.fail("container", "must be open or lid");
  return raw;
}

function parseNpc(label: string, id: string, raw: unknown, into: Collected): void {
  const check = new Checker(label, `npc ${id}`);
  const { fields: npc, keywords, room } = placedThing(check, id, raw, into.npcs, NPC_FIELDS);
  into.pendingPlaces.push({ file: label, what: `npc ${id}`, room });
  const says = check.texts(npc.says, "says");
  const emotes = check.texts(npc.emotes, "emotes");
  const chatter = check.chance(npc.chatter, "chatter");
  if (chatter > 0 && says.length + emotes.length === 0) {
    check.fail("chatter", "needs at least one line in says or emotes");
  }
  into.npcs.set(id, {
    id,
    name: check.text(npc.name, "name", 100),
    keywords,
    description: check.text(npc.description, "description"),
    room,
    wander: check.chance(npc.wander, "wander"),
    chatter,
    says,
    emotes,
    nocturnal: check.flag(npc.nocturnal, "nocturnal"),
    greeting: npc.greeting === undefined ? undefined : check.text(npc.greeting, "greeting", 500),
    topics: parseTopics(check, npc.topics),
    guards: npc.guards === undefined ? undefined : check.text(npc.guards, "guards", 200),
    ...parseDanger(check, npc),
  });
  if (typeof npc.guards === "string") {
    into.pendingRefs.push({
      file: label,
      what: `npc ${id}`,
      field: "guards",
      kind: "item",
      id: npc.guards,
    });
  }
}

function parseDanger(
  check: Checker,
  npc: Json,
): Pick<NpcDef, "dp" | "damage" | "hostile"> {
  const dp = npc.dp ?? 0;
  if (typeof dp !== "number" || !Number.isInteger(dp) || dp < 0 || dp > 100) {
    check.fail("dp", "must be a whole number from 0 to 100");
  }
  const damage = npc.damage ?? [1, 2];
  if (
    !Array.isArray(damage) || damage.length !== 2 ||
    !damage.every((n) => Number.isInteger(n) && n >= 0 && n <= 20) || damage[0] > damage[1]
  ) {
    check.fail("damage", "must be [least, most], whole numbers from 0 to 20");
  }
  const hostile = npc.hostile ?? "never";
  if (hostile !== "never" && hostile !== "night" && hostile !== "always") {
    check.fail("hostile", "must be never, night or always");
  }
  if (hostile !== "never" && dp === 0) check.fail("hostile", "needs dp above 0");
  return { dp, damage: [damage[0], damage[1]], hostile };
}

function parseTopics(check: Checker, raw: unknown): Map<string, string> {
  const topics = new Map<string, string>();
  if (raw === undefined) return topics;
  for (const [topic, answer] of Object.entries(check.object(raw, "topics"))) {
    if (!TOPIC.test(topic)) {
      check.fail(`topics.${topic}`, "must be 2 to 40 lower-case letters, spaces, ' or -");
    }
    topics.set(topic, check.text(answer, `topics.${topic}`, 1000));
  }
  return topics;
}

/** Reads one zone file into `into`. */
async function parseZone(dir: string, fileName: string, into: Collected): Promise<void> {
  const label = join(dir, fileName);
  const fileCheck = new Checker(label, "zone");
  const zone = fileCheck.object(await readJson(label, label), "the file");
  const zoneId = fileCheck.id(fileCheck.text(zone.zone, "zone", 50), "zone");
  fileCheck.text(zone.name, "name", 200);
  for (const [id, raw] of Object.entries(fileCheck.object(zone.rooms ?? {}, "rooms"))) {
    parseRoom(label, zoneId, id, raw, into);
  }
  for (const [id, raw] of Object.entries(fileCheck.object(zone.items ?? {}, "items"))) {
    parseItem(label, id, raw, into);
  }
  for (const [id, raw] of Object.entries(fileCheck.object(zone.npcs ?? {}, "npcs"))) {
    parseNpc(label, id, raw, into);
  }
}

/** Checks what could only be checked once every zone was read: exits and placements. */
function checkReferences(collected: Collected): void {
  for (const exit of collected.pendingExits) {
    if (!collected.rooms.has(exit.to)) {
      throw new WorldError(
        `${exit.file}: room ${exit.room}: exits.${exit.direction} leads to unknown room ${exit.to}`,
      );
    }
  }
  for (const place of collected.pendingPlaces) {
    if (!collected.rooms.has(place.room)) {
      throw new WorldError(`${place.file}: ${place.what}: room ${place.room} does not exist`);
    }
  }
  for (const ref of collected.pendingRefs) {
    const known = ref.kind === "item" ? collected.items : collected.npcs;
    if (!known.has(ref.id)) {
      throw new WorldError(
        `${ref.file}: ${ref.what}: ${ref.field} names unknown ${ref.kind} ${ref.id}`,
      );
    }
  }
}

/**
 * Loads and validates `world.json` and the zone files it lists from `dir`.
 *
 * @throws {WorldError} naming the file, the room, item or NPC, and the field at fault.
 */
export async function loadWorld(dir: string): Promise<WorldData> {
  const rootLabel = join(dir, "world.json");
  const root = new Checker(rootLabel, "world");
  const manifest = root.object(await readJson(rootLabel, rootLabel), "the file");
  const name = root.text(manifest.name, "name", 200);
  const start = root.text(manifest.start, "start", 200);
  const recovery = manifest.recovery === undefined
    ? undefined
    : root.text(manifest.recovery, "recovery", 200);
  if (!Array.isArray(manifest.zones) || manifest.zones.length === 0) {
    root.fail("zones", "must list the zone files");
  }
  const collected: Collected = {
    rooms: new Map(),
    items: new Map(),
    npcs: new Map(),
    roomFiles: new Map(),
    pendingExits: [],
    pendingPlaces: [],
    pendingRefs: [],
  };
  for (const [index, zoneFile] of (manifest.zones as unknown[]).entries()) {
    const fileName = root.text(zoneFile, `zones[${index}]`, 200);
    if (fileName.includes("/") || fileName.includes("\\")) {
      root.fail(`zones[${index}]`, "must be a file name in the world directory");
    }
    await parseZone(dir, fileName, collected);
  }
  checkReferences(collected);
  checkMap(collected);
  const { rooms, items, npcs } = collected;
  if (!rooms.has(start)) root.fail("start", `names unknown room ${start}`);
  if (recovery !== undefined && !rooms.has(recovery)) {
    root.fail("recovery", `names unknown room ${recovery}`);
  }
  let quests = new Map<string, QuestDef>();
  if (manifest.quests !== undefined) {
    const fileName = root.text(manifest.quests, "quests", 200);
    if (fileName.includes("/") || fileName.includes("\\")) {
      root.fail("quests", "must be a file name in the world directory");
    }
    const label = join(dir, fileName);
    quests = parseQuests(label, await readJson(label, label), collected);
  }
  return { name, start, recovery, rooms, items, npcs, quests };
}

const QUEST_FIELDS = new Set(["title", "main", "steps"]);
const STEP_FIELDS = new Set(["hint", "done", "when"]);

/** Reads the quests file: every step's trigger must name things the world has. */
function parseQuests(label: string, raw: unknown, world: Collected): Map<string, QuestDef> {
  const fileCheck = new Checker(label, "file");
  const file = fileCheck.object(raw, "the file");
  fileCheck.known(new Set(["quests"]), file, "");
  const quests = new Map<string, QuestDef>();
  for (const [id, rawQuest] of Object.entries(fileCheck.object(file.quests ?? {}, "quests"))) {
    const check = new Checker(label, `quest ${id}`);
    check.id(id, "id");
    const quest = check.object(rawQuest, "the quest");
    check.known(QUEST_FIELDS, quest, "");
    if (!Array.isArray(quest.steps) || quest.steps.length === 0) {
      check.fail("steps", "must list at least one step");
    }
    const steps = (quest.steps as unknown[]).map((rawStep, i) => {
      const step = check.object(rawStep, `steps[${i}]`);
      check.known(STEP_FIELDS, step, `steps[${i}].`);
      return {
        hint: check.text(step.hint, `steps[${i}].hint`, 500),
        done: check.text(step.done, `steps[${i}].done`, 1000),
        when: parseTrigger(check, `steps[${i}].when`, step.when, world),
      };
    });
    quests.set(id, {
      id,
      title: check.text(quest.title, "title", 100),
      main: check.flag(quest.main, "main"),
      steps,
    });
  }
  const main = [...quests.values()].filter((quest) => quest.main);
  if (main.length > 1) fileCheck.fail("quests", "may have only one main quest");
  return new Map(
    [...quests].sort(([, a], [, b]) => Number(b.main) - Number(a.main)),
  );
}

function parseTrigger(check: Checker, field: string, raw: unknown, world: Collected): QuestTrigger {
  const when = check.object(raw, field);
  const item = (id: unknown, name: string) => {
    const text = check.text(id, `${field}.${name}`, 200);
    if (!world.items.has(text)) check.fail(`${field}.${name}`, `names unknown item ${text}`);
    return text;
  };
  const npc = (id: unknown, name: string) => {
    const text = check.text(id, `${field}.${name}`, 200);
    if (!world.npcs.has(text)) check.fail(`${field}.${name}`, `names unknown npc ${text}`);
    return text;
  };
  const room = (id: unknown, name: string) => {
    const text = check.text(id, `${field}.${name}`, 200);
    if (!world.rooms.has(text)) check.fail(`${field}.${name}`, `names unknown room ${text}`);
    return text;
  };
  if ("ask" in when) {
    check.known(new Set(["ask", "about"]), when, `${field}.`);
    const asked = npc(when.ask, "ask");
    const about = check.text(when.about, `${field}.about`, 40);
    if (!world.npcs.get(asked)?.topics.has(about)) {
      check.fail(`${field}.about`, `is not a topic of npc ${asked}`);
    }
    return { ask: asked, about };
  }
  if ("read" in when) {
    check.known(new Set(["read"]), when, `${field}.`);
    const read = item(when.read, "read");
    if (world.items.get(read)?.text === undefined) {
      check.fail(`${field}.read`, `names item ${read}, which has no text to read`);
    }
    return { read };
  }
  if ("get" in when) {
    check.known(new Set(["get"]), when, `${field}.`);
    return { get: item(when.get, "get") };
  }
  if ("give" in when) {
    check.known(new Set(["give", "to"]), when, `${field}.`);
    return { give: item(when.give, "give"), to: npc(when.to, "to") };
  }
  if ("open" in when) {
    check.known(new Set(["open", "direction"]), when, `${field}.`);
    const opened = room(when.open, "open");
    const direction = check.text(when.direction, `${field}.direction`, 20) as Direction;
    if (!world.rooms.get(opened)?.doors.has(direction)) {
      check.fail(`${field}.direction`, `is not a door of room ${opened}`);
    }
    return { open: opened, direction };
  }
  if ("enter" in when) {
    check.known(new Set(["enter"]), when, `${field}.`);
    return { enter: room(when.enter, "enter") };
  }
  return check.fail(field, "must be one of ask/about, read, get, give/to, open/direction, enter");
}
