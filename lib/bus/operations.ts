/**
 * The event bus's operations as data, so another process can replay them in order and hold the
 * same mailboxes with the same histories (docs/cluster-events.md): the world node records them,
 * each edge applies them to its own bus with {@linkcode EventBus.apply}.
 *
 * @module
 */

import type { Address } from "./event_bus.ts";
import type { EventType, GameEvent } from "./events.ts";
import type { Frame } from "./frame.ts";

/** An address that can be written down (a `players` address as a list). */
export type RecordedAddress =
  | { to: "all"; except?: string }
  | { to: "player"; key: string }
  | { to: "players"; keys: string[] }
  | { to: "topic"; topic: string; except?: string };

/**
 * One thing the bus did, in the order it did it. Operations other than a publish carry `after`:
 * the newest event id when they happened, so a record can number them between events.
 */
export type BusOperation =
  | { op: "open"; after: number; key: string; floorId?: number }
  | { op: "join"; after: number; key: string; topic: string }
  | { op: "leave"; after: number; key: string; topic: string }
  /** A published event and the id it was given (an event nobody received is not recorded). */
  | { op: "publish"; id: number; event: GameEvent; address: RecordedAddress }
  /** A mailbox closed; its streams end after `final`, a stream frame as sent, if any. */
  | { op: "release"; after: number; key: string; final?: { type: EventType; text: string } }
  /**
   * Every open mailbox and its topics at one moment, so a bus that starts following the record
   * late (after older entries were trimmed) can begin from here.
   */
  | { op: "snapshot"; after: number; mailboxes: MailboxState[] };

/** One open mailbox in a snapshot. */
export interface MailboxState {
  /** The mailbox's key. */
  key: string;
  /** The topics it is in. */
  topics: string[];
}

/** An address as data. */
export function recordAddress(address: Address): RecordedAddress {
  return address.to === "players" ? { to: "players", keys: [...address.keys] } : address;
}

/** A frame as data: its type and its encoded text (stream frames carry no id). */
export function recordFrame(frame: Frame): { type: EventType; text: string } {
  return { type: frame.type, text: new TextDecoder().decode(frame.bytes) };
}

/** The frame a recorded one stands for. */
export function replayFrame(recorded: { type: EventType; text: string }): Frame {
  return { id: undefined, type: recorded.type, bytes: new TextEncoder().encode(recorded.text) };
}

/** An operation as flat string fields, as a stream entry holds them. */
export function encodeOperation(operation: BusOperation): string[] {
  return ["op", JSON.stringify(operation)];
}

/**
 * The operation a stream entry's fields hold.
 *
 * @throws {SyntaxError} when the fields are not an encoded operation.
 */
export function decodeOperation(fields: readonly string[]): BusOperation {
  const index = fields.indexOf("op");
  const text = index === -1 ? undefined : fields[index + 1];
  if (text === undefined) throw new SyntaxError("The entry holds no operation");
  const operation = JSON.parse(text) as BusOperation;
  if (
    typeof operation !== "object" || operation === null ||
    !["open", "join", "leave", "publish", "release", "snapshot"].includes(operation.op)
  ) {
    throw new SyntaxError("The entry holds no known operation");
  }
  return operation;
}
