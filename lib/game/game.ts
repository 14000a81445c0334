/**
 * The game: players entering and leaving the world, commands, and what everyone sees.
 *
 * Every event a player receives goes through here to the bus, addressed to one player, a room (a
 * bus topic) or everyone. Commands from one player run one at a time, in order.
 *
 * @module
 */

import { DEFAULTS } from "../config.ts";
import type { EventBus } from "../bus/event_bus.ts";
import type { EventDataMap, GameEvent } from "../bus/events.ts";
import { type Frame, snapshotFrame } from "../bus/frame.ts";
import { errorFields, type Logger, silentLogger } from "../log.ts";
import type { ItemPlacement, PlayerRecord, Store } from "../store/store.ts";
import { MythosClock } from "./clock.ts";
import { parseCommand, type ParsedCommand } from "./commands/parser.ts";
import type { CommandGroup } from "./commands/command.ts";
import type { CommandContext } from "./commands/context.ts";
import { commandGroupsFor, runCommand } from "./commands/registry.ts";
import { questInHand, questProgress } from "./quests.ts";
import { CROWDED, CrowdNews, LOOK_NAMES } from "./crowds.ts";
import { CommandGate } from "./command_gate.ts";
import { clampLucidity, type ItemState, MAX_DP, type PlayerState, World } from "./world.ts";

/**
 * What a character new to the game is shown when its first stream opens: how to play, and where
 * the story starts.
 */
const WELCOME = [
  "Welcome to Arkham, Massachusetts, in the autumn of 1926.",
  "Type look to see where you are and help for everything you can do. Walk by clicking an exit or typing its direction (north, or just n).",
  "Your first goal: the papers say a Miskatonic professor has vanished. Find the newsboy on Garrison Street, north of the depot, and ask newsboy about professor.",
].join("\n");

/** The bus topic of a room. */
export function roomTopic(room: string): string {
  return `room:${room}`;
}

/** Options for {@linkcode Game}. */
export interface GameOptions {
  /** The live world. */
  world: World;
  /** Where events go. */
  bus: EventBus;
  /** Where characters and items are saved. */
  store: Store;
  /** The game clock. */
  clock?: MythosClock;
  /** Commands per second per player. */
  commandRate?: number;
  /** Commands a player may send in a burst. */
  commandBurst?: number;
  /** Where failures are logged. */
  logger?: Logger;
  /** Random numbers in [0, 1); tests may fix them. */
  random?: () => number;
  /** Asks for a server shutdown in `seconds` (or cancels one with `undefined`); admin only. */
  scheduleShutdown?: (seconds: number | undefined, by: string) => string;
  /** Room where a player whose lucidity reaches zero wakes up. */
  recoveryRoom?: string;
  /**
   * When a room counts as crowded, and how many others a look names; default
   * {@linkcode CROWDED} and {@linkcode LOOK_NAMES}. (`bench/crowd_bench.ts` sets both to
   * `Infinity` to measure the game as it was before crowds were bounded.)
   */
  crowding?: { crowdedAt: number; lookNames: number };
}

/** The outcome of a command submission. */
export type Submission =
  | { accepted: true }
  | { accepted: false; reason: "rate_limited"; retryAfterMs: number }
  | { accepted: false; reason: "not_in_world" }
  | { accepted: false; reason: "closing" };

/** An account's character as `/api/me` shows it. */
export interface CharacterSummary {
  /** Display name. */
  name: string;
  /** Whether the character is in the world now. */
  inWorld: boolean;
  /** Whether it is in the world with no stream open. */
  linkdead: boolean;
  /** Whether it has admin commands. */
  admin: boolean;
  /** Where it is (or was saved). */
  room: { id: string; name: string };
  /** Its stats. */
  stats: { lucidity: number };
  /** Names of the items it carries. */
  inventory: string[];
}

/** The running game. */
export class Game implements CommandContext {
  /** The live world. */
  readonly world: World;
  /** The game clock. */
  readonly clock: MythosClock;
  /** Random numbers in [0, 1). */
  readonly random: () => number;
  /** Room where a player whose lucidity reaches zero wakes up. */
  readonly recoveryRoom: string | undefined;
  readonly #bus: EventBus;
  readonly #store: Store;
  readonly #logger: Logger;
  /** Players being taken out of the world (their streams end meanwhile). */
  readonly #leaving = new Set<string>();
  /** Arrivals and departures in crowded rooms, announced together by {@linkcode flushCrowds}. */
  readonly #crowds = new CrowdNews();
  readonly #crowding: { crowdedAt: number; lookNames: number };
  /** Characters that left while the store could not be reached: saved by the next autosave. */
  readonly #unsaved = new Map<string, PlayerRecord>();
  readonly #gate: CommandGate;
  readonly #scheduleShutdown: GameOptions["scheduleShutdown"];
  #commandsRun = 0;
  #savedHour: number | undefined;
  /** The save in progress (settled): saves run one after another. */
  #saving: Promise<unknown> = Promise.resolve();
  #accepting = true;

  /** Creates the game over a loaded world. */
  constructor(options: GameOptions) {
    this.world = options.world;
    this.#bus = options.bus;
    this.#store = options.store;
    this.clock = options.clock ?? new MythosClock();
    this.#logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
    this.recoveryRoom = options.recoveryRoom;
    this.#gate = new CommandGate({
      ratePerSecond: options.commandRate ?? DEFAULTS.commandRate,
      burst: options.commandBurst ?? DEFAULTS.commandBurst,
    });
    this.#scheduleShutdown = options.scheduleShutdown;
    this.#crowding = options.crowding ?? { crowdedAt: CROWDED, lookNames: LOOK_NAMES };
  }

  /** Commands run since start. */
  get commandsRun(): number {
    return this.#commandsRun;
  }

  /** Characters in the world, and how many of them are linkdead. */
  playerStats(): { inWorld: number; linkdead: number } {
    let linkdead = 0;
    for (const player of this.world.players()) if (player.linkdead) linkdead++;
    return { inWorld: this.world.playerCount, linkdead };
  }

  /** Whether the game still takes commands and lets time pass (false once shutdown begins). */
  get accepting(): boolean {
    return this.#accepting;
  }

  /**
   * Stops the world for shutdown: no command runs and no tick changes anything from now on, so
   * what players were last shown is what gets saved.
   */
  stopAccepting(): void {
    this.#accepting = false;
  }

  // --- What players see -------------------------------------------------------------------

  /** Sends an event to one player. */
  toPlayer(player: PlayerState | string, event: GameEvent): void {
    this.#bus.publish(event, {
      to: "player",
      key: typeof player === "string" ? player : player.id,
    });
  }

  /** Sends an event to everyone in a room, optionally but one. */
  toRoom(room: string, event: GameEvent, except?: PlayerState): void {
    this.#bus.publish(event, { to: "topic", topic: roomTopic(room), except: except?.id });
  }

  /** Sends an event to every player in the world, optionally but one. */
  toAll(event: GameEvent, except?: PlayerState): void {
    this.#bus.publish(event, { to: "all", except: except?.id });
  }

  /** Tells one player something. */
  notice(
    player: PlayerState,
    text: string,
    code?: string,
    extra: Record<string, unknown> = {},
  ): void {
    this.toPlayer(player, {
      type: "system.notice",
      data: { text, ...(code ? { code } : {}), ...extra },
    });
  }

  /** Tells one player what went wrong. */
  error(player: PlayerState, text: string, code?: string): void {
    this.toPlayer(player, { type: "system.error", data: { text, ...(code ? { code } : {}) } });
  }

  /** Shows a player the room they are in. */
  look(player: PlayerState): void {
    const room = this.world.view(player.room, player, this.#crowding.lookNames);
    if (room !== undefined) this.toPlayer(player, { type: "room.look", data: { room } });
  }

  /** Sends a player their stats. */
  stats(player: PlayerState): void {
    this.toPlayer(player, { type: "player.stats", data: this.#statsOf(player) });
  }

  /** The world time event. */
  timeEvent(): GameEvent {
    return { type: "world.time", data: { hour: this.clock.hour, daypart: this.clock.daypart } };
  }

  /** What a newly connected stream is shown first: the room, the player's stats, the time. */
  snapshot(playerId: string): Frame[] {
    const player = this.world.player(playerId);
    if (player === undefined) return [];
    const room = this.world.view(player.room, player, this.#crowding.lookNames);
    const frames: Frame[] = [];
    // Before the room, so the room is the last thing on screen.
    if (player.newcomer) {
      frames.push(
        snapshotFrame({ type: "system.notice", data: { text: WELCOME, code: "welcome" } }),
      );
    }
    if (room !== undefined) frames.push(snapshotFrame({ type: "room.look", data: { room } }));
    frames.push(snapshotFrame({ type: "player.stats", data: this.#statsOf(player) }));
    if (player.party !== undefined) {
      frames.push(snapshotFrame(this.#partyWhereEvent(this.world.partyOf(player.party))));
    }
    frames.push(snapshotFrame(this.timeEvent()));
    return frames;
  }

  // --- Entering and leaving -----------------------------------------------------------------

  /**
   * Puts a character into the world: its mailbox opens, its room sees it arrive. `admin` says
   * whether its account holds admin rights.
   */
  enter(saved: PlayerRecord, options: { admin?: boolean } = {}): PlayerState {
    const existing = this.world.player(saved.id);
    if (existing !== undefined) return existing;
    // A character that left while the store was away is newer in memory than in the store.
    const unsaved = this.#unsaved.get(saved.id);
    const record = unsaved ?? saved;
    this.#unsaved.delete(saved.id);
    this.#bus.open(record.id, { floorId: record.lastEventId });
    const player = this.world.addPlayer(record, options.admin ?? false);
    if (unsaved !== undefined) this.world.markDirty(player);
    this.#bus.joinTopic(player.id, roomTopic(player.room));
    this.#announceArrival(player.room, player);
    this.partyWhere(player.party);
    this.#logger.info("player entered", { player: player.name, room: player.room });
    return player;
  }

  /**
   * Takes back a character that an earlier world node had in the world (a takeover): its
   * mailbox was followed from the event stream and stays open, so its streams go on; nobody sees
   * it arrive. Its mailbox is put in the room it was saved in, if the stream left it elsewhere.
   */
  resume(saved: PlayerRecord, options: { admin?: boolean } = {}): PlayerState {
    const existing = this.world.player(saved.id);
    if (existing !== undefined) return existing;
    this.#bus.open(saved.id, { floorId: saved.lastEventId });
    const player = this.world.addPlayer(saved, options.admin ?? false);
    const topic = roomTopic(player.room);
    for (const other of this.#bus.topicsOf(player.id)) {
      if (other !== topic) this.#bus.leaveTopic(player.id, other);
    }
    this.#bus.joinTopic(player.id, topic);
    this.#logger.info("player resumed", { player: player.name, room: player.room });
    return player;
  }

  /** Marks a player linkdead: still in the world, shown so to others. */
  linkdead(player: PlayerState, now: number): void {
    if (player.linkdead) return;
    player.linkdead = true;
    player.linkdeadSince = now;
    player.resting = false;
    if (this.#crowded(player.room)) {
      this.#crowds.fellSilent(player.room, player.name);
      return;
    }
    // Stirred in a batch not sent yet: silent again, as the room last heard; nothing to tell.
    if (this.#crowds.takeBack(player.room, "stirred", player.name)) return;
    this.toRoom(player.room, {
      type: "system.notice",
      data: {
        text: `${player.name} falls silent and still, gaze fixed on nothing.`,
        code: "player.linkdead",
        who: player.name,
      },
    }, player);
  }

  /** A linkdead player is back within the grace period. */
  returned(player: PlayerState): void {
    if (!player.linkdead) return;
    player.linkdead = false;
    player.linkdeadSince = undefined;
    if (this.#crowded(player.room)) {
      this.#crowds.stirred(player.room, player.name);
      return;
    }
    // Fell silent in a batch not sent yet: back before the room heard of it; nothing to tell.
    if (this.#crowds.takeBack(player.room, "silent", player.name)) return;
    this.toRoom(player.room, {
      type: "system.notice",
      data: {
        text: `${player.name} blinks and stirs again.`,
        code: "player.returned",
        who: player.name,
      },
    }, player);
  }

  /**
   * Takes a character out of the world: its room sees it go, it is saved, and its mailbox is
   * released (its streams end, after `finalFrame` if given).
   */
  async leave(playerId: string, reason: string, finalFrame?: Frame): Promise<void> {
    const player = this.world.player(playerId);
    // One leave at a time per character, however it is asked for (quit, kick, reaper, logout).
    if (player === undefined || this.#leaving.has(playerId)) return;
    this.#leaving.add(playerId);
    try {
      await this.#takeOut(player, reason, finalFrame);
    } finally {
      this.#leaving.delete(playerId);
    }
  }

  async #takeOut(player: PlayerState, reason: string, finalFrame?: Frame): Promise<void> {
    const lastEventId = this.#bus.lastIdOf(player.id);
    this.world.removePlayer(player.id);
    this.#bus.leaveTopic(player.id, roomTopic(player.room));
    this.#announceDeparture(player.room, player);
    this.partyWhere(player.party);
    this.#bus.release(player.id, finalFrame);
    this.#logger.info("player left", { player: player.name, reason });
    const record = this.world.record(player, lastEventId);
    try {
      await this.#store.savePlayers([record]);
    } catch (error) {
      // Gone from the world but not yet saved: kept until a save gets through.
      this.#unsaved.set(record.id, record);
      throw error;
    }
  }

  // --- Commands -----------------------------------------------------------------------------

  /**
   * Runs one command for a player, after any of theirs still running. Resolves when it has run
   * (including any write it makes), so the caller can answer the request after it.
   */
  async submit(playerId: string, input: string): Promise<Submission> {
    if (!this.#accepting) return { accepted: false, reason: "closing" };
    const player = this.world.player(playerId);
    if (player === undefined) return { accepted: false, reason: "not_in_world" };
    // A refused command's answer is the HTTP 429 alone: publishing a notice for each would let
    // a player's own flood push their replay history out.
    const wait = this.#gate.admit(playerId);
    if (wait > 0) return { accepted: false, reason: "rate_limited", retryAfterMs: wait };
    await this.#gate.run(playerId, () => this.#run(playerId, input));
    return { accepted: true };
  }

  /** Forgets rate-limit buckets that have refilled; run now and then so memory stays flat. */
  sweepRateLimits(): void {
    this.#gate.sweep();
  }

  /** The commands `player` may use, in the order `help` lists them. */
  commandGroups(player: PlayerState): readonly CommandGroup[] {
    return commandGroupsFor(player);
  }

  /** The character in the world for this account, if it is there. */
  player(accountId: string): PlayerState | undefined {
    return this.world.player(accountId);
  }

  /** Whether a character is being taken out of the world right now. */
  isLeaving(playerId: string): boolean {
    return this.#leaving.has(playerId);
  }

  /**
   * What `/api/me` shows of an account's character: live if it is in the world, else as saved.
   */
  async describe(accountId: string, name: string): Promise<CharacterSummary> {
    const live = this.world.player(accountId);
    const saved = live === undefined ? await this.#store.getPlayer(accountId) : undefined;
    const roomId = live?.room ?? saved?.room ?? this.world.startRoom;
    return {
      name,
      inWorld: live !== undefined,
      linkdead: live?.linkdead ?? false,
      admin: live?.admin ?? false,
      room: { id: roomId, name: this.world.room(roomId)?.name ?? roomId },
      stats: { lucidity: live?.lucidity ?? saved?.stats.lucidity ?? 100 },
      inventory: this.world.itemsCarriedBy(accountId).map((item) => item.def.name),
    };
  }

  /** Gives or takes a character's admin commands at once, if it is in the world. */
  setAdmin(playerId: string, admin: boolean): void {
    const player = this.world.player(playerId);
    if (player === undefined || player.admin === admin) return;
    player.admin = admin;
    this.notice(
      player,
      admin
        ? "You have been given admin commands. Type help to see them."
        : "Your admin commands have been taken away.",
      admin ? "admin.granted" : "admin.revoked",
    );
  }

  /** Schedules (or cancels, with `undefined`) an admin shutdown; returns what to tell the admin. */
  scheduleShutdown(seconds: number | undefined, by: PlayerState): string {
    if (this.#scheduleShutdown === undefined) return "Shutdown is not available here.";
    return this.#scheduleShutdown(seconds, by.name);
  }

  async #run(playerId: string, input: string): Promise<void> {
    const player = this.world.player(playerId);
    // A command queued behind another can reach here after shutdown began: it does not run.
    if (player === undefined || !this.#accepting) return;
    const parsed: ParsedCommand = parseCommand(input);
    this.#commandsRun++;
    player.newcomer = false;
    try {
      await runCommand(this, player, parsed);
    } catch (error) {
      this.#logger.error("command failed", {
        player: player.name,
        input,
        error: errorFields(error),
      });
      this.error(
        player,
        "Something went wrong with that. The world shivers, and nothing happens.",
        "internal",
      );
    }
  }

  // --- Movement, items and stats ---------------------------------------------------------------

  /** Moves a player to `to`, telling both rooms which way they went and came. */
  move(player: PlayerState, to: string, how: { quietly?: boolean } = {}): void {
    const from = player.room;
    if (from === to) return;
    const leftBy = this.world.directionBetween(from, to);
    const cameFrom = this.world.directionBetween(to, from);
    this.#bus.leaveTopic(player.id, roomTopic(from));
    // Walking away ends a fight.
    player.fighting = undefined;
    this.world.movePlayer(player, to);
    if (!how.quietly) this.#announceDeparture(from, player, leftBy);
    this.#bus.joinTopic(player.id, roomTopic(to));
    this.partyWhere(player.party);
    if (!how.quietly) this.#announceArrival(to, player, cameFrom);
    this.look(player);
    if (
      this.world.room(to)?.flags.has("eldritch") && !this.world.room(from)?.flags.has("eldritch")
    ) {
      this.notice(player, "A chill settles on your thoughts.", "room.eerie");
    }
    if (how.quietly) return;
    questProgress(this, player, { enter: to });
    // Followers walk with their leader (and theirs with them); following cannot go in circles.
    for (const follower of [...this.world.playersIn(from)]) {
      if (follower.following !== player.id || follower.linkdead) continue;
      this.notice(
        follower,
        `You follow ${player.name}${leftBy === undefined ? "" : ` ${leftBy}`}.`,
        "following",
      );
      this.move(follower, to);
    }
  }

  /**
   * Moves an item, writing it through to the store with a checked, atomic write before the
   * change is announced. Nobody else can take the item while the write is under way.
   *
   * @returns whether the move happened.
   */
  async moveItem(item: ItemState, to: ItemPlacement): Promise<boolean> {
    if (item.moving) return false;
    item.moving = true;
    try {
      const version = await this.#store.moveItem(item.def.id, item.version, to);
      if (version === undefined) {
        this.#logger.warn("item moved elsewhere; reloading its placement", { item: item.def.id });
        const stored = (await this.#store.loadPlacements()).get(item.def.id);
        if (stored !== undefined) {
          item.placement = stored.placement;
          item.version = stored.version;
        }
        return false;
      }
      const from = item.placement;
      item.placement = to;
      item.version = version;
      // Everyone in a room the item left or reached sees what lies there now (the "Here" panel).
      for (const placement of [from, to]) {
        if ("room" in placement) this.#itemsChanged(placement.room);
      }
      return true;
    } finally {
      item.moving = false;
    }
  }

  /**
   * Tells a room that `player` arrived (from `from`): at once, or with the next batch when the
   * room is crowded.
   */
  #announceArrival(room: string, player: PlayerState, from?: string): void {
    if (this.#crowded(room)) {
      this.#crowds.arrived(room, player.name);
      return;
    }
    this.toRoom(room, {
      type: "room.enter",
      data: { who: player.name, ...(from ? { from } : {}) },
    }, player);
  }

  /**
   * Tells a room that `player`, no longer in it, left (towards `to`): at once, or with the next
   * batch when the room is crowded.
   */
  #announceDeparture(room: string, player: PlayerState, to?: string): void {
    if (this.world.playersInCount(room) >= this.#crowding.crowdedAt) {
      this.#crowds.left(room, player.name);
      return;
    }
    this.toRoom(room, { type: "room.leave", data: { who: player.name, ...(to ? { to } : {}) } });
  }

  /** Whether news of `room`'s players waits for the next batch (it holds more than enough). */
  #crowded(room: string): boolean {
    return this.world.playersInCount(room) > this.#crowding.crowdedAt;
  }

  /**
   * Announces the arrivals, departures and linkdead news gathered in crowded rooms (the
   * `world.crowds` task).
   */
  flushCrowds(): void {
    for (const { room, event } of this.#crowds.take((room) => this.world.playersInCount(room))) {
      this.toRoom(room, event);
    }
  }

  /** Tells the members of `party` in the world where each of them is (for the map). */
  partyWhere(party: string | undefined): void {
    if (party === undefined) return;
    const members = this.world.partyOf(party);
    const event = this.#partyWhereEvent(members);
    for (const member of members) this.toPlayer(member, event);
  }

  #partyWhereEvent(members: PlayerState[]): GameEvent {
    return {
      type: "party.where",
      data: { members: members.map((member) => ({ name: member.name, room: member.room })) },
    };
  }

  /** Tells a room what lies in it now (nothing, while it is dark). */
  #itemsChanged(room: string): void {
    const items = this.world.isLit(room)
      ? this.world.itemsIn(room).map((item) => item.def.name)
      : [];
    this.toRoom(room, { type: "room.items", data: { items } });
  }

  /** Marks a player as changed, so the next save writes it. */
  changed(player: PlayerState): void {
    this.world.markDirty(player);
  }

  /** Changes a player's lucidity (clamped to 0–100) and tells them; handles a collapse at 0. */
  changeLucidity(player: PlayerState, delta: number): void {
    const before = player.lucidity;
    player.lucidity = clampLucidity(before + delta);
    if (player.lucidity === before) return;
    this.world.markDirty(player);
    this.stats(player);
    if (player.lucidity === 0 && this.recoveryRoom !== undefined) {
      player.lucidity = 25;
      this.recover(
        player,
        "The world tilts, cracks, and goes dark. You wake, much later, to the smell of carbolic and the rustle of starched sheets.",
        "player.collapsed",
      );
    }
  }

  /** Takes a player who collapsed or fell to the recovery room (the infirmary), telling them. */
  recover(player: PlayerState, text: string, code: string): void {
    player.fighting = undefined;
    this.notice(player, text, code);
    if (this.recoveryRoom !== undefined) this.move(player, this.recoveryRoom, { quietly: true });
    this.world.markDirty(player);
    this.stats(player);
  }

  #statsOf(player: PlayerState): EventDataMap["player.stats"] {
    const quest = questInHand(this.world.quests(), player);
    return {
      lucidity: player.lucidity,
      resting: player.resting,
      dp: player.dp,
      maxDp: MAX_DP,
      ...(quest === undefined ? {} : { quest }),
    };
  }

  // --- Saving ----------------------------------------------------------------------------------

  /** The records of the players whose position or stats changed since they were last saved. */
  dirtyRecords(): PlayerRecord[] {
    return this.world.dirtyPlayers().map((player) =>
      this.world.record(player, this.#bus.lastIdOf(player.id))
    );
  }

  /**
   * Saves players whose position or stats changed, and the hour if it moved; returns how many
   * players. Saves run one at a time, in the order asked: a player's older record, still being
   * written, never lands after a newer one.
   */
  saveDirty(): Promise<number> {
    const saving = this.#saving.then(() => this.#saveDirtyNow());
    this.#saving = saving.catch(() => undefined);
    return saving;
  }

  async #saveDirtyNow(): Promise<number> {
    if (this.#savedHour !== this.clock.hour) {
      await this.#store.setMeta("clock", { hour: this.clock.hour });
      this.#savedHour = this.clock.hour;
    }
    const dirty = this.world.dirtyPlayers();
    const left = [...this.#unsaved.values()];
    if (dirty.length === 0 && left.length === 0) return 0;
    const records = [
      ...left,
      ...dirty.map((player) => this.world.record(player, this.#bus.lastIdOf(player.id))),
    ];
    this.world.markSaved(dirty);
    try {
      await this.#store.savePlayers(records);
    } catch (error) {
      // Tried again at the next autosave; a change made meanwhile marks the player again anyway.
      for (const player of dirty) this.world.markDirty(player);
      throw error;
    }
    for (const record of left) {
      if (this.#unsaved.get(record.id) === record) this.#unsaved.delete(record.id);
    }
    return records.length;
  }

  /** Saves every player in the world (shutdown); returns how many. */
  async saveAll(): Promise<number> {
    const players = [...this.world.players()];
    const left = [...this.#unsaved.values()];
    await this.#store.savePlayers([
      ...left,
      ...players.map((player) => this.world.record(player, this.#bus.lastIdOf(player.id))),
    ]);
    this.#unsaved.clear();
    this.world.markSaved(players);
    await this.#store.setMeta("clock", { hour: this.clock.hour });
    return players.length;
  }
}
