/**
 * What a command may do: the narrow view of the game that commands (and the game's own ticks)
 * work through. The game implements it; nothing here reaches the bus, the store or the logger.
 *
 * @module
 */

import type { GameEvent } from "../../bus/events.ts";
import type { Frame } from "../../bus/frame.ts";
import type { ItemPlacement } from "../../store/store.ts";
import type { MythosClock } from "../clock.ts";
import type { ItemState, PlayerState, World } from "../world.ts";
import type { CommandGroup } from "./command.ts";

/** The game as a command sees it. */
export interface CommandContext {
  /** Rooms, players, items and NPCs, to read; change them only through the methods below. */
  readonly world: World;
  /** The game clock, to read. */
  readonly clock: MythosClock;
  /** Random numbers in [0, 1) (tests fix them). */
  random(): number;

  /** Sends an event to one player. */
  toPlayer(player: PlayerState | string, event: GameEvent): void;
  /** Sends an event to everyone in a room, optionally but one. */
  toRoom(room: string, event: GameEvent, except?: PlayerState): void;
  /** Sends an event to every player in the world, optionally but one. */
  toAll(event: GameEvent, except?: PlayerState): void;
  /** Tells one player something. */
  notice(player: PlayerState, text: string, code?: string, extra?: Record<string, unknown>): void;
  /** Tells one player what went wrong. */
  error(player: PlayerState, text: string, code?: string): void;
  /** Shows a player the room they are in. */
  look(player: PlayerState): void;
  /** Sends a player their stats. */
  stats(player: PlayerState): void;
  /** The `world.time` event for now. */
  timeEvent(): GameEvent;

  /** Moves a player to a room, telling both rooms (unless `quietly`). */
  move(player: PlayerState, to: string, how?: { quietly?: boolean }): void;
  /** Moves an item with a checked write; resolves whether it moved. */
  moveItem(item: ItemState, to: ItemPlacement): Promise<boolean>;
  /** Takes a player who collapsed or fell to the recovery room (the infirmary), telling them. */
  recover(player: PlayerState, text: string, code: string): void;
  /** Tells the members of `party` in the world where each of them is (for the map). */
  partyWhere(party: string | undefined): void;
  /** Marks a player as changed, so it is saved (a description, a party). */
  changed(player: PlayerState): void;
  /** Changes a player's lucidity, handling a collapse at zero. */
  changeLucidity(player: PlayerState, delta: number): void;
  /** Takes a character out of the world (quit, kick), ending its streams after `finalFrame`. */
  leave(playerId: string, reason: string, finalFrame?: Frame): Promise<void>;
  /** Schedules (or, with `undefined`, cancels) an admin shutdown; returns what to tell the admin. */
  scheduleShutdown(seconds: number | undefined, by: PlayerState): string;
  /** The commands `player` may use, by kind, in the order `help` lists them. */
  commandGroups(player: PlayerState): readonly CommandGroup[];
}
