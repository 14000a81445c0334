/**
 * Frames: events encoded once to SSE bytes and shared by every recipient.
 *
 * @module
 */

import { encodeFrame } from "../sse_format.ts";
import type { EventType, GameEvent, MythosEvent, StreamEventType } from "./events.ts";

/** One encoded event. Game frames carry the id the bus gave them; stream frames carry none. */
export interface Frame {
  /** The event id (game frames), or `undefined` (stream frames). */
  readonly id: number | undefined;
  /** The event type. */
  readonly type: EventType;
  /** The frame as it goes on the wire. */
  readonly bytes: Uint8Array;
  /** For a broadcast: the one recipient it is not for. */
  readonly except?: string;
  /** When a game frame was published (bus clock, milliseconds), for age-bounded history. */
  readonly at?: number;
}

/**
 * Encodes a game event with its id and publish time (and, for a broadcast, the recipient it
 * skips).
 */
export function gameFrame(id: number, event: GameEvent, at: number, except?: string): Frame {
  const bytes = encodeFrame({ id, event: event.type, data: JSON.stringify(event.data) });
  return except === undefined
    ? { id, type: event.type, bytes, at }
    : { id, type: event.type, bytes, at, except };
}

/**
 * Encodes a game event with no id, for one stream only (a snapshot such as the room a player
 * sees on connecting). It is not kept in any history and does not move `Last-Event-ID`.
 */
export function snapshotFrame(event: GameEvent): Frame {
  return {
    id: undefined,
    type: event.type,
    bytes: encodeFrame({ event: event.type, data: JSON.stringify(event.data) }),
  };
}

/** Encodes a stream event (no id), optionally with a `retry:` hint. */
export function streamFrame(event: MythosEvent<StreamEventType>, retry?: number): Frame {
  return {
    id: undefined,
    type: event.type,
    bytes: encodeFrame({ retry, event: event.type, data: JSON.stringify(event.data) }),
  };
}
