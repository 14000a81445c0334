/**
 * The live world: where every player, item and NPC is, and how a room looks.
 *
 * One process owns it and JavaScript runs one thing at a time, so a check and the change it
 * guards happen together: two players grabbing the same item cannot both succeed.
 *
 * @module
 */

import type { RoomView } from "../bus/events.ts";
import { LOOK_NAMES } from "./crowds.ts";
import type { ItemPlacement, PlayerRecord, StoredPlacement } from "../store/store.ts";
import type { Direction, ItemDef, NpcDef, QuestDef, RoomDef, WorldData } from "./world_data.ts";

/** A player's most DP (health). */
export const MAX_DP = 20;

/** What a dark room looks like without a light. */
export const DARKNESS =
  "It is pitch dark. Without a light you can make out nothing here but the way you came.";

/** A character in the world. */
export interface PlayerState {
  /** Account and player id (also the bus key). */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  /** Current room. */
  room: string;
  /** Lucidity, 0 to 100. */
  lucidity: number;
  /** Whether every stream has gone and the grace period is running. */
  linkdead: boolean;
  /** When the player went linkdead (epoch ms). */
  linkdeadSince: number | undefined;
  /** Whether the player is resting (in a rest room). */
  resting: boolean;
  /** Whether position or stats changed since the last save. */
  dirty: boolean;
  /**
   * Who last whispered to this player (for `reply`): their account id, so a reply never reaches
   * someone else who answers to the same name, and their name, to say they have gone.
   */
  replyTo: { id: string; name: string } | undefined;
  /** Whether the player may use admin commands. */
  admin: boolean;
  /** When the record was created (kept for saving). */
  readonly createdAt: string;
  /** A character new to the game that has not yet typed a command: its streams open with a welcome. */
  newcomer: boolean;
  /** What `look <player>` shows of it (`describe`). */
  description: string | undefined;
  /** The party it belongs to, if any (kept across restarts); changed by `World.setParty`. */
  readonly party: string | undefined;
  /** The party it was last invited to, and by whom (until it accepts or the game restarts). */
  invitedTo: { party: string; by: string } | undefined;
  /** The id of the player it follows, if any. */
  following: string | undefined;
  /** Steps done of each quest it has begun, by quest id (kept across restarts). */
  quests: Map<string, number>;
  /** Health: at 0 the character falls and wakes in the infirmary. */
  dp: number;
  /** The id of the creature it is fighting, if any. */
  fighting: string | undefined;
}

/** An item's live placement. */
export interface ItemState {
  /** Its definition. */
  readonly def: ItemDef;
  /** Where it is. */
  placement: ItemPlacement;
  /** Its stored version, for the next checked move. */
  version: string | null;
  /** Set while a move is being written: nobody else may take it meanwhile. */
  moving: boolean;
  /** Whether it is lit (a light source; lights go out when the game restarts). */
  lit: boolean;
  /** Whether its lid is open (containers with a lid; closed at start-up). */
  open: boolean;
}

/** An NPC's live state. */
export interface NpcState {
  /** Its definition. */
  readonly def: NpcDef;
  /** Where it is (or would be, while absent). */
  room: string;
  /** Whether it is in the world now (nocturnal NPCs leave by day). */
  present: boolean;
  /** The last line it said or did, so it never says the same one twice in a row. */
  lastLine?: string;
  /** The player holding its attention (`distract`), while they stay in its room. */
  distractedBy?: string;
  /** Its DP now (creatures). */
  dp: number;
  /** Beaten in a fight: gone until dawn. */
  fled: boolean;
}

/** Something in a room that a word can pick out. */
export type Target =
  | { kind: "player"; player: PlayerState }
  | { kind: "npc"; npc: NpcState }
  | { kind: "item"; item: ItemState };

/** Everything that lives in the world, indexed for the questions the game asks. */
export class World {
  readonly #data: WorldData;
  readonly #players = new Map<string, PlayerState>();
  /** Players whose position or stats changed since their last save. */
  readonly #dirty = new Set<PlayerState>();
  readonly #playersByName = new Map<string, PlayerState>();
  /** Players in the world by party, so a party's members are found without a scan. */
  readonly #parties = new Map<string, Set<PlayerState>>();
  readonly #roomPlayers = new Map<string, Set<PlayerState>>();
  readonly #items = new Map<string, ItemState>();
  readonly #npcs = new Map<string, NpcState>();
  /** Open doors, as `<room> <direction>`. */
  readonly #openDoors = new Set<string>();

  /** Places items (stored placements over the files' defaults) and NPCs. */
  constructor(data: WorldData, placements: Map<string, StoredPlacement> = new Map()) {
    this.#data = data;
    for (const def of data.items.values()) {
      const stored = placements.get(def.id);
      const placement = stored?.placement ?? { room: def.room };
      // An item stored in a room (or a container) that no longer exists goes home rather than
      // vanishing.
      const valid = "room" in placement
        ? data.rooms.has(placement.room)
        : "in" in placement
        ? data.items.get(placement.in)?.container !== undefined
        : true;
      this.#items.set(def.id, {
        def,
        placement: valid ? placement : { room: def.room },
        version: stored?.version ?? null,
        moving: false,
        lit: false,
        open: def.container === "open",
      });
    }
    for (const def of data.npcs.values()) {
      this.#npcs.set(def.id, {
        def,
        room: def.room,
        present: !def.nocturnal,
        dp: def.dp,
        fled: false,
      });
    }
  }

  /** Every room, in the order of the world files. */
  rooms(): Iterable<RoomDef> {
    return this.#data.rooms.values();
  }

  /** The room new characters begin in. */
  get startRoom(): string {
    return this.#data.start;
  }

  /** A room's definition. */
  room(id: string): RoomDef | undefined {
    return this.#data.rooms.get(id);
  }

  /** Every player in the world. */
  players(): IterableIterator<PlayerState> {
    return this.#players.values();
  }

  /** Players in the world. */
  get playerCount(): number {
    return this.#players.size;
  }

  /** A player in the world, by id. */
  player(id: string): PlayerState | undefined {
    return this.#players.get(id);
  }

  /** A player in the world, by exact name (any case). */
  playerByName(name: string): PlayerState | undefined {
    return this.#playersByName.get(name.toLowerCase());
  }

  /** Players in the world whose name starts with `prefix` (any case). */
  playersByPrefix(prefix: string): PlayerState[] {
    const wanted = prefix.toLowerCase();
    const exact = this.#playersByName.get(wanted);
    if (exact !== undefined) return [exact];
    return [...this.#players.values()].filter((p) => p.name.toLowerCase().startsWith(wanted));
  }

  /** Players in a room. */
  playersIn(room: string): PlayerState[] {
    return [...(this.#roomPlayers.get(room) ?? [])];
  }

  /** How many players are in a room. */
  playersInCount(room: string): number {
    return this.#roomPlayers.get(room)?.size ?? 0;
  }

  /**
   * The others in a room, as a look names them: the first `lookNames`, and how many more there
   * are (a crowded room's look stays small).
   */
  #othersFor(
    roomId: string,
    viewer: PlayerState | undefined,
    lookNames: number,
  ): Pick<RoomView, "players" | "morePlayers"> {
    const players: RoomView["players"] = [];
    const here = this.#roomPlayers.get(roomId) ?? new Set<PlayerState>();
    // Stops at the names a look shows: a look into a crowded room costs what any other does.
    for (const player of here) {
      if (players.length >= lookNames) break;
      if (player !== viewer) players.push({ name: player.name, linkdead: player.linkdead });
    }
    const others = here.size - (viewer !== undefined && here.has(viewer) ? 1 : 0);
    return others > players.length
      ? { players, morePlayers: others - players.length }
      : { players };
  }

  /** An NPC by id. */
  npc(id: string): NpcState | undefined {
    return this.#npcs.get(id);
  }

  /** Every NPC. */
  npcs(): IterableIterator<NpcState> {
    return this.#npcs.values();
  }

  /** NPCs present in a room. */
  npcsIn(room: string): NpcState[] {
    return [...this.#npcs.values()].filter((npc) => npc.present && npc.room === room);
  }

  /** Every item. */
  items(): IterableIterator<ItemState> {
    return this.#items.values();
  }

  /** An item by id. */
  item(id: string): ItemState | undefined {
    return this.#items.get(id);
  }

  /** Items lying in a room. */
  itemsIn(room: string): ItemState[] {
    return [...this.#items.values()].filter((item) =>
      "room" in item.placement && item.placement.room === room
    );
  }

  /** Items inside a container. */
  itemsInside(containerId: string): ItemState[] {
    return [...this.#items.values()].filter((item) =>
      "in" in item.placement && item.placement.in === containerId
    );
  }

  /** Items a player carries. */
  itemsCarriedBy(playerId: string): ItemState[] {
    return [...this.#items.values()].filter((item) =>
      "player" in item.placement && item.placement.player === playerId
    );
  }

  /** Puts a character into the world from its saved record. */
  addPlayer(record: PlayerRecord, admin: boolean): PlayerState {
    const room = this.#data.rooms.has(record.room) ? record.room : this.#data.start;
    const player: PlayerState = {
      id: record.id,
      name: record.name,
      room,
      lucidity: clampLucidity(record.stats.lucidity),
      linkdead: false,
      linkdeadSince: undefined,
      resting: false,
      dirty: false,
      replyTo: undefined,
      newcomer: record.lastEventId === undefined,
      description: record.description,
      party: record.party,
      invitedTo: undefined,
      following: undefined,
      quests: new Map(Object.entries(record.quests ?? {})),
      dp: Math.max(1, Math.min(MAX_DP, Math.trunc(record.stats.dp ?? MAX_DP))),
      fighting: undefined,
      admin,
      createdAt: record.createdAt,
    };
    this.#players.set(player.id, player);
    this.#playersByName.set(player.name.toLowerCase(), player);
    this.#roomSet(room).add(player);
    this.#joinParty(player);
    // Placed elsewhere than saved (its room is gone from the world files): save the new place.
    if (room !== record.room) this.markDirty(player);
    return player;
  }

  /** Marks a player in the world as changed since its last save. */
  markDirty(player: PlayerState): void {
    if (this.#players.get(player.id) !== player) return;
    player.dirty = true;
    this.#dirty.add(player);
  }

  /** Marks players as saved. */
  markSaved(players: Iterable<PlayerState>): void {
    for (const player of players) {
      player.dirty = false;
      this.#dirty.delete(player);
    }
  }

  /** The players in the world changed since their last save (kept as they change: no scan). */
  dirtyPlayers(): PlayerState[] {
    return [...this.#dirty];
  }

  /** Takes a character out of the world. */
  removePlayer(id: string): PlayerState | undefined {
    const player = this.#players.get(id);
    if (player === undefined) return undefined;
    this.#players.delete(id);
    this.#playersByName.delete(player.name.toLowerCase());
    this.#dirty.delete(player);
    this.#leaveRoom(player);
    this.#leaveParty(player);
    return player;
  }

  /** Moves a player to another room. */
  movePlayer(player: PlayerState, to: string): void {
    if (player.room === to) return;
    this.#leaveRoom(player);
    player.room = to;
    player.resting = false;
    this.markDirty(player);
    this.#roomSet(to).add(player);
  }

  /** The saved form of a player. */
  record(player: PlayerState, lastEventId: number | undefined): PlayerRecord {
    return {
      id: player.id,
      name: player.name,
      room: player.room,
      stats: { lucidity: player.lucidity, dp: player.dp },
      ...(player.description === undefined ? {} : { description: player.description }),
      ...(player.party === undefined ? {} : { party: player.party }),
      ...(player.quests.size === 0 ? {} : { quests: Object.fromEntries(player.quests) }),
      lastEventId,
      createdAt: player.createdAt,
      updatedAt: new Date().toISOString(),
    };
  }

  /** The direction in `room` that leads to `other`, if any (to say where someone came from). */
  directionBetween(room: string, other: string): Direction | undefined {
    for (const [direction, to] of this.#data.rooms.get(room)?.exits ?? []) {
      if (to === other) return direction;
    }
    return undefined;
  }

  /**
   * Finds what `word` names in a room: players, then NPCs, then items (the viewer's own items
   * first when `carriedBy` is given, or only those with `carriedOnly`), by keyword or name
   * prefix, ignoring case.
   *
   * @returns the unique match, `"none"`, or `"ambiguous"`.
   */
  find(
    room: string,
    word: string,
    options: {
      players?: boolean;
      npcs?: boolean;
      items?: boolean;
      carriedBy?: string;
      carriedOnly?: boolean;
    } = {},
  ): Target | "none" | "ambiguous" {
    const wanted = word.toLowerCase().trim();
    if (wanted === "") return "none";
    const matches = (name: string, keywords: readonly string[] = []) =>
      keywords.some((keyword) => keyword.startsWith(wanted)) ||
      name.toLowerCase().split(/\s+/).some((part) => part.startsWith(wanted)) ||
      name.toLowerCase().startsWith(wanted);
    const candidates: Target[] = [];
    if (options.players ?? true) {
      for (const player of this.#roomPlayers.get(room) ?? []) {
        if (player.name.toLowerCase() === wanted) return { kind: "player", player };
        if (matches(player.name)) candidates.push({ kind: "player", player });
      }
    }
    if (options.npcs ?? true) {
      for (const npc of this.npcsIn(room)) {
        if (matches(npc.def.name, npc.def.keywords)) candidates.push({ kind: "npc", npc });
      }
    }
    if (options.items ?? true) {
      const carried = options.carriedBy === undefined ? [] : this.itemsCarriedBy(options.carriedBy);
      const pool = options.carriedOnly ? carried : [...carried, ...this.itemsIn(room)];
      for (const item of pool) {
        if (matches(item.def.name, item.def.keywords)) candidates.push({ kind: "item", item });
      }
    }
    if (candidates.length === 0) return "none";
    // Several things share a word: an exact keyword or the first listed wins only if unique.
    const exact = candidates.filter((target) => exactName(target) === wanted);
    if (exact.length === 1) return exact[0] ?? "none";
    return candidates.length === 1 ? candidates[0] ?? "none" : "ambiguous";
  }

  /** How `room` looks to `viewer`, naming at most `lookNames` other players. */
  view(roomId: string, viewer?: PlayerState, lookNames = LOOK_NAMES): RoomView | undefined {
    const room = this.#data.rooms.get(roomId);
    if (room === undefined) return undefined;
    if (!this.isLit(roomId)) {
      return {
        id: room.id,
        name: room.name,
        description: DARKNESS,
        exits: [...room.exits].map(([direction, to]) => ({ direction, to })),
        items: [],
        npcs: [],
        ...this.#othersFor(roomId, viewer, lookNames),
        flags: [...room.flags],
        ...(room.map === undefined ? {} : { map: room.map }),
      };
    }
    return {
      id: room.id,
      name: room.name,
      description: room.description,
      exits: [...room.exits].map(([direction, to]) => ({ direction, to })),
      items: this.itemsIn(roomId).map((item) => item.def.name),
      npcs: this.npcsIn(roomId).map((npc) => npc.def.name),
      ...this.#othersFor(roomId, viewer, lookNames),
      flags: [...room.flags],
      ...(room.map === undefined ? {} : { map: room.map }),
    };
  }

  /** The members of `party` in the world, by name. */
  partyOf(party: string | undefined): PlayerState[] {
    const members = party === undefined ? undefined : this.#parties.get(party);
    if (members === undefined) return [];
    return [...members].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Puts a player into `party`, or out of any with `undefined`. */
  setParty(player: PlayerState, party: string | undefined): void {
    const inWorld = this.#players.get(player.id) === player;
    if (inWorld) this.#leaveParty(player);
    (player as { party: string | undefined }).party = party;
    if (inWorld) this.#joinParty(player);
  }

  #joinParty(player: PlayerState): void {
    if (player.party === undefined) return;
    const members = this.#parties.get(player.party) ?? new Set();
    members.add(player);
    this.#parties.set(player.party, members);
  }

  #leaveParty(player: PlayerState): void {
    if (player.party === undefined) return;
    const members = this.#parties.get(player.party);
    members?.delete(player);
    if (members?.size === 0) this.#parties.delete(player.party);
  }

  /** Whether a room can be seen in: not dark, or a lit light is carried or lies there. */
  isLit(roomId: string): boolean {
    if (!this.#data.rooms.get(roomId)?.flags.has("dark")) return true;
    return this.itemsIn(roomId).some((item) => item.lit) ||
      this.playersIn(roomId).some((player) =>
        this.itemsCarriedBy(player.id).some((item) => item.lit)
      );
  }

  /** Whether the door on `direction` out of `roomId` is open (doors start locked). */
  doorOpen(roomId: string, direction: Direction): boolean {
    return this.#openDoors.has(`${roomId} ${direction}`);
  }

  /** Opens or closes (locks) the door on `direction` out of `roomId`. */
  setDoor(roomId: string, direction: Direction, open: boolean): void {
    if (open) this.#openDoors.add(`${roomId} ${direction}`);
    else this.#openDoors.delete(`${roomId} ${direction}`);
  }

  /** The quests, the main story first. */
  quests(): IterableIterator<QuestDef> {
    return this.#data.quests.values();
  }

  #roomSet(room: string): Set<PlayerState> {
    let set = this.#roomPlayers.get(room);
    if (set === undefined) {
      set = new Set();
      this.#roomPlayers.set(room, set);
    }
    return set;
  }

  #leaveRoom(player: PlayerState): void {
    const set = this.#roomPlayers.get(player.room);
    set?.delete(player);
    if (set?.size === 0) this.#roomPlayers.delete(player.room);
  }
}

function exactName(target: Target): string {
  switch (target.kind) {
    case "player":
      return target.player.name.toLowerCase();
    case "npc":
      return target.npc.def.keywords[0] ?? "";
    case "item":
      return target.item.def.keywords[0] ?? "";
  }
}

/** Lucidity always stays within 0 to 100. */
export function clampLucidity(value: number): number {
  return Math.max(0, Math.min(100, Math.round(Number.isFinite(value) ? value : 100)));
}
