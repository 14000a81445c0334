/**
 * What a bus would send a player who resumes from an id, as text: for comparing two buses.
 *
 * @module
 */

import type { EventBus } from "../../lib/bus/event_bus.ts";
import type { GameEvent } from "../../lib/bus/events.ts";

const decoder = new TextDecoder();

/** Everything `key` is sent after `lastEventId`, as text, without waiting for more. */
export function framesAfter(bus: EventBus, key: string, lastEventId: string): string[] {
  using subscription = bus.subscribe(key, { lastEventId });
  const frames: string[] = [];
  for (let frame = subscription.take(); frame !== undefined; frame = subscription.take()) {
    frames.push(decoder.decode(frame.bytes));
  }
  return frames;
}

/** A room say from `from`. */
export function say(from: string, text: string): GameEvent {
  return { type: "room.say", data: { from, text } };
}
