/**
 * Messages between edges about streams they hold (Redis pub/sub, channel `mythos:control`): a
 * tab opened on one edge supersedes one held by another, and a password change ends the
 * account's streams under other sessions on every edge. Lost messages (Redis away) cost only a
 * tab left open; nothing in the game depends on them.
 *
 * @module
 */

import { untilAborted } from "../lifecycle/deadline.ts";
import { errorFields, type Logger, silentLogger } from "../log.ts";
import type { RedisClient } from "./event_log.ts";

/** The pub/sub channel. */
export const CONTROL_CHANNEL = "mythos:control";

/** A message to the edges. */
export type ControlMessage =
  /** Edge `node` ends its oldest stream of `player` (another edge opened one more). */
  | { kind: "supersede"; player: string; node: string }
  /** Every edge but `from` ends `player`'s streams not opened under the session `keep`. */
  | { kind: "end-others"; player: string; keep: string; from: string };

/** Publishes and receives control messages. */
export class ControlChannel {
  readonly #redis: RedisClient;
  readonly #logger: Logger;

  /** Publishes through `redis` (a client that does not block). */
  constructor(redis: RedisClient, options: { logger?: Logger } = {}) {
    this.#redis = redis;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Sends `message` to every edge; Redis trouble is logged, not thrown. */
  async publish(message: ControlMessage): Promise<void> {
    try {
      await this.#redis.sendCommand(["PUBLISH", CONTROL_CHANNEL, JSON.stringify(message)]);
    } catch (error) {
      this.#logger.warn("cannot reach the other edges", {
        kind: message.kind,
        error: errorFields(error),
      });
    }
  }

  /**
   * Hands each message to `handle` until `signal` aborts. `subscriber` must be a client of its
   * own (subscribing takes it over); node-redis subscribes again by itself after a reconnect.
   */
  async listen(
    subscriber: RedisClient,
    handle: (message: ControlMessage) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const listener = (text: string) => {
      try {
        handle(JSON.parse(text) as ControlMessage);
      } catch (error) {
        this.#logger.error("a control message could not be handled", { error: errorFields(error) });
      }
    };
    await subscriber.subscribe(CONTROL_CHANNEL, listener);
    try {
      await untilAborted(signal);
    } finally {
      await subscriber.unsubscribe(CONTROL_CHANNEL, listener).catch(() => {});
    }
  }
}
