/**
 * A crowd of bots playing the real game: residents spread over every room who talk, and walkers
 * who wander. Every say and whisper carries a unique token, so each expected delivery is checked
 * exactly: who got it, how fast, and whether anyone got it twice.
 *
 * @module
 */

import { loadWorld, type WorldData } from "../../lib/game/world_data.ts";
import { Bot, type BotEvent, botName, eachLimited } from "./bot.ts";
import { reachableWithoutDoors, route } from "../../tests/support/world_route.ts";

const PASSWORD = "benchmark password";
const TOKEN = /tok:(\d+)/;

/** A command whose results are awaited. */
interface Expectation {
  kind: "say" | "whisper";
  sender: Bot;
  sentAt: number;
  expected: Set<Bot>;
  received: Map<Bot, number>;
  otherSeen: boolean;
}

/** How a crowd is laid out. */
export interface CrowdOptions {
  /** The share of bots that stay in one room and talk; default 0.75. */
  residentShare?: number;
  /** A room where the first `crowdedCount` residents live. */
  crowdedRoom?: string;
  /** How many residents live in the crowded room. */
  crowdedCount?: number;
}

/** What a stretch of traffic measured. */
export interface TrafficReport {
  /** Commands sent. */
  commands: number;
  /** Commands per second actually sent. */
  commandsPerSecond: number;
  /** POST sent → the sender's resulting event, in ms. */
  senderLatencies: number[];
  /** POST sent → the first other player in the room (or the whisper's target) has it, in ms. */
  otherLatencies: number[];
  /** Commands answered with anything but 202, or not answered. */
  errors: number;
  /** Expected deliveries that never came, within the generous bound. */
  lost: number;
  /** Expected deliveries that came after the nominal settle, but within the generous bound. */
  late: number;
  /** Deliveries that came more than once. */
  duplicated: number;
  /**
   * Expected deliveries a player's `stream.resync` told it had missed (it fell behind, or came
   * back after too long): the protocol announces that gap, so it is not counted as lost.
   */
  missedInResync: number;
  /**
   * Who the lost deliveries were for, to tell a server that dropped frames from a reader that
   * was not reading: how many players, how many of them had no open stream at the end, and how
   * many deliveries each kind of event lost.
   */
  lostTo: { players: number; streamClosed: number; says: number; whispers: number; looks: number };
}

/** Bots in the world, their roles, and the ledger of what they should receive. */
export class Crowd {
  /** Every bot. */
  readonly bots: Bot[];
  /** Bots that stay in one room and talk. */
  readonly residents: Bot[];
  /** Bots that wander. */
  readonly walkers: Bot[];
  readonly #world: WorldData;
  readonly #homes = new Map<Bot, string>();
  readonly #roomResidents = new Map<string, Bot[]>();
  readonly #ledger = new Map<number, Expectation>();
  readonly #looks = new Map<Bot, number[]>();
  readonly #busy = new Set<Bot>();
  readonly #quiet = new Set<Bot>();
  readonly #reserved = new Set<Bot>();
  #nextToken = 1;
  /** Streams and walks refused (503) at set-up and tried again. */
  connectRetries = 0;
  #report: TrafficReport = Crowd.#empty();

  private constructor(base: URL, world: WorldData, count: number, options: CrowdOptions) {
    this.#world = world;
    this.bots = Array.from({ length: count }, (_, i) => new Bot(base, botName("Bot", i)));
    const residentCount = Math.round(count * (options.residentShare ?? 0.75));
    this.residents = this.bots.slice(0, residentCount);
    this.walkers = this.bots.slice(residentCount);
    // Rooms a bot can walk to: none behind a locked door (the crypt under the Order Hall).
    const reachable = reachableWithoutDoors(world);
    const rooms = [...world.rooms.keys()].filter((room) => reachable.has(room));
    const crowded = options.crowdedRoom;
    const crowdedCount = crowded === undefined ? 0 : options.crowdedCount ?? 0;
    this.residents.forEach((bot, i) => {
      const room = i < crowdedCount ? crowded as string : rooms[i % rooms.length] as string;
      this.#homes.set(bot, room);
      const list = this.#roomResidents.get(room) ?? [];
      list.push(bot);
      this.#roomResidents.set(room, list);
    });
    for (const bot of this.bots) bot.onEvent = (b, event) => this.#receive(b, event);
  }

  /** A crowd of `count` bots for the server at `base`. */
  static async create(base: URL, count: number, options: CrowdOptions = {}): Promise<Crowd> {
    const world = await loadWorld(new URL("../../data/world", import.meta.url).pathname);
    return new Crowd(base, world, count, options);
  }

  /** The residents living in `room`. */
  residentsOf(room: string): Bot[] {
    return [...(this.#roomResidents.get(room) ?? [])];
  }

  /**
   * Has `bots` (kept out of the measured traffic) say long lines at `rate` per second in total
   * until the returned function is called; resolves with the count of refused commands.
   */
  flood(bots: Bot[], rate: number, length = 450): () => Promise<number> {
    for (const bot of bots) this.#reserved.add(bot);
    let running = true;
    let refused = 0;
    const text = `say ${"The stars are right and the sea is rising. ".repeat(20).slice(0, length)}`;
    const loop = (async () => {
      const started = performance.now();
      for (let i = 0; running; i++) {
        const wait = started + (i * 1000) / rate - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const bot = bots[i % bots.length] as Bot;
        bot.command(text).then(({ status }) => {
          if (status !== 202) refused++;
        });
      }
    })();
    return async () => {
      running = false;
      await loop;
      for (const bot of bots) this.#reserved.delete(bot);
      return refused;
    };
  }

  static #empty(): TrafficReport {
    return {
      commands: 0,
      commandsPerSecond: 0,
      senderLatencies: [],
      otherLatencies: [],
      errors: 0,
      lost: 0,
      late: 0,
      duplicated: 0,
      missedInResync: 0,
      lostTo: { players: 0, streamClosed: 0, says: 0, whispers: 0, looks: 0 },
    };
  }

  /** Registers every bot, opens its stream, and walks residents to their rooms. */
  async setUp(concurrency = 64): Promise<void> {
    await eachLimited(this.bots, concurrency, (bot) => bot.authenticate(PASSWORD));
    await eachLimited(this.bots, concurrency, async (bot) => {
      // As the browser does: a refused stream (503 with Retry-After: a node busy or restarting)
      // is opened again shortly. Counted, so a figure taken with retries says so.
      for (let attempt = 1;; attempt++) {
        try {
          await bot.connect();
          return;
        } catch (error) {
          if (attempt >= 20) throw error;
          this.connectRetries++;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    });
    await eachLimited(this.residents, concurrency, async (bot) => {
      for (
        const direction of route(
          this.#world,
          bot.room ?? this.#world.start,
          this.#homes.get(bot) ?? "",
        )
      ) {
        let { status } = await bot.command(`go ${direction}`);
        // A 503 (a node busy or restarting) is tried again, as the browser's player would.
        for (let attempt = 1; status === 503 && attempt < 10; attempt++) {
          this.connectRetries++;
          await new Promise((resolve) => setTimeout(resolve, 500));
          ({ status } = await bot.command(`go ${direction}`));
        }
        if (status !== 202) throw new Error(`${bot.name} could not walk ${direction}: ${status}`);
      }
    });
  }

  /** Sets the bots that neither send nor are counted on to receive (slow readers, say). */
  quiet(bots: Iterable<Bot>): void {
    this.#quiet.clear();
    for (const bot of bots) this.#quiet.add(bot);
  }

  /**
   * Sends `rate` commands per second for `seconds`. A delivery still missing `settleMs` later is
   * late, not lost: it is waited for up to `lostAfterMs` more, and only one that never comes by
   * then counts as lost (a slow spell on a busy machine delays, it does not lose).
   */
  async traffic(
    rate: number,
    seconds: number,
    settleMs = 2000,
    lostAfterMs = 30_000,
  ): Promise<TrafficReport> {
    this.#report = Crowd.#empty();
    this.#ledger.clear();
    this.#looks.clear();
    const interval = 1000 / rate;
    const started = performance.now();
    const total = Math.round(rate * seconds);
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const wait = started + i * interval - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const sent = this.#one();
      if (sent !== undefined) inFlight.push(sent);
    }
    const elapsed = (performance.now() - started) / 1000;
    await Promise.all(inFlight);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const report = this.#report;
    report.commandsPerSecond = Math.round(report.commands / elapsed);
    const missingAtSettle = this.#missing();
    if (settleMs > 0) {
      const deadline = performance.now() + lostAfterMs;
      while (this.#missing() > 0 && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    report.lost = this.#missing();
    report.late = missingAtSettle - report.lost;
    report.lostTo = this.#lostTo();
    for (const expectation of this.#ledger.values()) {
      for (const count of expectation.received.values()) report.duplicated += count - 1;
    }
    return report;
  }

  /** Expected deliveries not yet received (by players still reading). */
  #missing(): number {
    let missing = 0;
    for (const expectation of this.#ledger.values()) {
      for (const bot of expectation.expected) {
        if (!this.#quiet.has(bot) && !expectation.received.has(bot)) missing++;
      }
    }
    for (const [bot, pending] of this.#looks) {
      if (!this.#quiet.has(bot)) missing += pending.length;
    }
    return missing;
  }

  /** Who the deliveries still missing were for (see `TrafficReport.lostTo`). */
  #lostTo(): TrafficReport["lostTo"] {
    const players = new Set<Bot>();
    const lostTo = { players: 0, streamClosed: 0, says: 0, whispers: 0, looks: 0 };
    for (const expectation of this.#ledger.values()) {
      for (const bot of expectation.expected) {
        if (this.#quiet.has(bot) || expectation.received.has(bot)) continue;
        players.add(bot);
        if (expectation.kind === "say") lostTo.says++;
        else lostTo.whispers++;
      }
    }
    for (const [bot, pending] of this.#looks) {
      if (this.#quiet.has(bot) || pending.length === 0) continue;
      players.add(bot);
      lostTo.looks += pending.length;
    }
    lostTo.players = players.size;
    for (const bot of players) if (bot.ended !== undefined) lostTo.streamClosed++;
    return lostTo;
  }

  #pick(list: Bot[]): Bot | undefined {
    for (let tries = 0; tries < 20; tries++) {
      const bot = list[Math.floor(Math.random() * list.length)];
      if (
        bot !== undefined && !this.#busy.has(bot) && !this.#quiet.has(bot) &&
        !this.#reserved.has(bot) && bot.ended === undefined
      ) {
        return bot;
      }
    }
    return undefined;
  }

  #one(): Promise<void> | undefined {
    const roll = Math.random();
    if (roll < 0.4) return this.#say();
    if (roll < 0.6) return this.#whisper();
    if (roll < 0.8) return this.#look(this.#pick(this.bots));
    return this.#move();
  }

  #say(): Promise<void> | undefined {
    const sender = this.#pick(this.residents);
    if (sender === undefined) return undefined;
    const token = this.#nextToken++;
    const room = this.#homes.get(sender) ?? "";
    const expected = new Set(
      (this.#roomResidents.get(room) ?? []).filter((bot) => !this.#quiet.has(bot)),
    );
    return this.#send(sender, `say tok:${token}`, () => {
      this.#ledger.set(token, {
        kind: "say",
        sender,
        sentAt: performance.now(),
        expected,
        received: new Map(),
        otherSeen: false,
      });
      return () => this.#ledger.delete(token);
    });
  }

  #whisper(): Promise<void> | undefined {
    const sender = this.#pick(this.residents);
    const target = this.#pick(this.residents);
    if (sender === undefined || target === undefined || sender === target) return undefined;
    const token = this.#nextToken++;
    return this.#send(sender, `whisper ${target.name} tok:${token}`, () => {
      this.#ledger.set(token, {
        kind: "whisper",
        sender,
        sentAt: performance.now(),
        expected: new Set([sender, target]),
        received: new Map(),
        otherSeen: false,
      });
      return () => this.#ledger.delete(token);
    });
  }

  #look(bot: Bot | undefined): Promise<void> | undefined {
    if (bot === undefined) return undefined;
    return this.#send(bot, "look", () => this.#expectLook(bot));
  }

  #move(): Promise<void> | undefined {
    const bot = this.#pick(this.walkers);
    if (bot === undefined) return undefined;
    const here = this.#world.rooms.get(bot.room ?? "");
    const exits = [...(here?.exits.keys() ?? [])].filter((direction) =>
      !here?.doors.has(direction)
    );
    const direction = exits[Math.floor(Math.random() * exits.length)];
    if (direction === undefined) return undefined;
    return this.#send(bot, `go ${direction}`, () => this.#expectLook(bot));
  }

  #expectLook(bot: Bot): () => void {
    const pending = this.#looks.get(bot) ?? [];
    const sentAt = performance.now();
    pending.push(sentAt);
    this.#looks.set(bot, pending);
    return () => {
      const index = pending.indexOf(sentAt);
      if (index !== -1) pending.splice(index, 1);
    };
  }

  async #send(bot: Bot, command: string, expect: () => () => void): Promise<void> {
    this.#busy.add(bot);
    this.#report.commands++;
    // Registered before sending: the event can arrive before the response does.
    const unexpect = expect();
    const { status } = await bot.command(command);
    if (status !== 202) {
      // A refused command (429, or 503 while a node restarts) has no events to expect.
      this.#report.errors++;
      unexpect();
    }
    this.#busy.delete(bot);
  }

  #receive(bot: Bot, event: BotEvent): void {
    if (event.type === "stream.resync") {
      this.#excuse(bot);
      return;
    }
    if (event.type === "room.look" && event.id !== undefined) {
      const sentAt = this.#looks.get(bot)?.shift();
      if (sentAt !== undefined) this.#report.senderLatencies.push(event.at - sentAt);
      return;
    }
    if (event.type !== "room.say" && event.type !== "tell.received" && event.type !== "tell.sent") {
      return;
    }
    const match = TOKEN.exec(String(event.data.text ?? ""));
    if (match === null) return;
    const expectation = this.#ledger.get(Number(match[1]));
    if (expectation === undefined) return;
    const count = (expectation.received.get(bot) ?? 0) + 1;
    expectation.received.set(bot, count);
    if (count > 1) return;
    const latency = event.at - expectation.sentAt;
    if (bot === expectation.sender) {
      this.#report.senderLatencies.push(latency);
    } else if (expectation.expected.has(bot) && !expectation.otherSeen) {
      expectation.otherSeen = true;
      this.#report.otherLatencies.push(latency);
    }
  }

  /**
   * `bot` was told it missed frames: what it was still waiting for is no longer expected (only
   * what was published after the resync is), and its pending looks are answered by the resync's
   * fresh snapshot rather than one each.
   */
  #excuse(bot: Bot): void {
    for (const expectation of this.#ledger.values()) {
      if (expectation.expected.has(bot) && !expectation.received.has(bot)) {
        expectation.expected.delete(bot);
        this.#report.missedInResync++;
      }
    }
    this.#looks.delete(bot);
  }
}
