/**
 * Opening a player's event stream: subscribe to the player's mailbox and stream it.
 *
 * @module
 */

import type { EventBus } from "../bus/event_bus.ts";
import type { SseHub, StreamEndReason } from "./hub.ts";

/** Options for {@linkcode openEventStream}. */
export interface OpenEventStreamOptions {
  /** The player name `stream.hello` carries. */
  player: string;
  /** The `Last-Event-ID` the client sent. */
  lastEventId?: string;
  /** Called once when the stream ends. */
  onEnd?: (reason: StreamEndReason) => void;
}

/**
 * Subscribes `key` (whose mailbox must be open) and returns the streaming response.
 *
 * @throws {Error} when the hub is shutting down or the mailbox is not open.
 */
export function openEventStream(
  bus: EventBus,
  hub: SseHub,
  key: string,
  options: OpenEventStreamOptions,
): Response {
  if (hub.closing) throw new Error("The server is shutting down");
  const subscription = bus.subscribe(key, { lastEventId: options.lastEventId });
  return hub.open(subscription, { player: options.player, onEnd: options.onEnd });
}
