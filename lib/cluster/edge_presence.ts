/**
 * Presence on an edge node: streams open here, on this edge's copy of the bus, while the world
 * node decides who is in the world. Opening a stream counts it in Redis first (so the world never
 * sees the player without one), asks the world to bring the character in, waits until this edge
 * has applied the event stream up to that moment, then subscribes with the world's greeting.
 *
 * @module
 */

import type { EventBus } from "../bus/event_bus.ts";
import { replayFrame } from "../bus/operations.ts";
import { Deadline } from "../lifecycle/deadline.ts";
import { errorFields, type Logger, silentLogger } from "../log.ts";
import {
  type PlayerPresence,
  PresenceError,
  SESSIONS_ENDED,
  SUPERSEDED,
} from "../presence/presence.ts";
import type { SseHub } from "../sse/hub.ts";
import { isUnavailable } from "./command_channel.ts";
import type { ControlChannel, ControlMessage } from "./control_channel.ts";
import type { EventLogReader } from "./event_log.ts";
import type { NodeRegistry } from "./node_registry.ts";
import { WORLD_AWAY, type WorldClient } from "./world_client.ts";

/** What an edge's presence joins. */
export interface EdgePresenceParts {
  /** This edge's copy of the world's bus. */
  bus: EventBus;
  /** Where streams are opened. */
  hub: SseHub;
  /** Applies the event stream to the bus. */
  reader: EventLogReader;
  /** Stream counts across the edges. */
  registry: NodeRegistry;
  /** The world node. */
  world: WorldClient;
  /** Messages to the other edges. */
  control: ControlChannel;
}

/** Options for {@linkcode EdgePresence}. */
export interface EdgePresenceOptions {
  /** Streams (tabs) one player may hold at once, across every edge. */
  maxStreams: number;
  /** How long to wait for this edge to catch up with the world, in milliseconds. */
  deadlineMs: number;
  /** Where trouble is logged. */
  logger?: Logger;
}

/** Opens players' streams on an edge. */
export class EdgePresence implements PlayerPresence {
  readonly #parts: EdgePresenceParts;
  readonly #options: EdgePresenceOptions;
  readonly #logger: Logger;

  /** Creates the edge's presence. */
  constructor(parts: EdgePresenceParts, options: EdgePresenceOptions) {
    this.#parts = parts;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** {@inheritDoc PlayerPresence.openStream} */
  async openStream(
    accountId: string,
    lastEventId: string | undefined,
    owner?: string,
  ): Promise<Response> {
    const { bus, hub, registry, world } = this.#parts;
    if (hub.closing) throw new PresenceError("closing", "The server is shutting down");
    try {
      await registry.streamOpened(accountId);
    } catch (error) {
      registry.streamEnded(accountId);
      this.#logger.warn("cannot count a stream in Redis", { error: errorFields(error) });
      throw new PresenceError("unavailable", WORLD_AWAY);
    }
    let handedOver = false;
    try {
      const answer = await world.open(accountId);
      if (isUnavailable(answer)) throw new PresenceError("unavailable", WORLD_AWAY);
      if (!answer.ok) throw new PresenceError(answer.code, answer.message);
      await this.#catchUp(answer.position);
      await this.#limitStreams(accountId);
      // Checked after the last wait: the edge may have begun to stop meanwhile.
      if (hub.closing) throw new PresenceError("closing", "The server is shutting down");
      const greeting = answer.greeting.map(replayFrame);
      const subscription = bus.subscribe(accountId, {
        lastEventId,
        greeting: () => greeting,
        greetingAfter: answer.at,
        owner,
      });
      const response = hub.open(subscription, {
        player: answer.name,
        onEnd: () => registry.streamEnded(accountId),
      });
      handedOver = true;
      return response;
    } finally {
      if (!handedOver) registry.streamEnded(accountId);
    }
  }

  /** {@inheritDoc PlayerPresence.logout} */
  async logout(accountId: string): Promise<void> {
    // The world takes the character out; its mailbox's release reaches every edge and ends the
    // streams there with "Logged out".
    await this.#parts.world.logout(accountId);
  }

  /** {@inheritDoc PlayerPresence.endOtherSessions} */
  async endOtherSessions(accountId: string, keepSession: string): Promise<void> {
    this.#parts.bus.endOthers(accountId, keepSession, SESSIONS_ENDED);
    await this.#parts.control.publish({
      kind: "end-others",
      player: accountId,
      keep: keepSession,
      from: this.#parts.registry.id,
    });
  }

  /** Acts on a message from another edge (the control channel's handler). */
  handleControl(message: ControlMessage): void {
    const { bus, registry } = this.#parts;
    if (message.kind === "supersede" && message.node === registry.id) {
      bus.endOldest(message.player, SUPERSEDED);
    } else if (message.kind === "end-others" && message.from !== registry.id) {
      bus.endOthers(message.player, message.keep, SESSIONS_ENDED);
    }
  }

  async #catchUp(position: string): Promise<void> {
    using deadline = new Deadline(this.#options.deadlineMs);
    try {
      await this.#parts.reader.reached(position, deadline.signal);
    } catch {
      throw new PresenceError("unavailable", WORLD_AWAY);
    }
  }

  /**
   * One tab more than the limit, counted over every edge, ends an older one: here if this edge
   * holds one, else on an edge that does.
   */
  async #limitStreams(accountId: string): Promise<void> {
    const { bus, registry, control } = this.#parts;
    const byNode = await registry.streamsByNode(accountId).catch(() => new Map<string, number>());
    let total = 0;
    for (const count of byNode.values()) total += count;
    // The count includes the stream being opened.
    if (total <= this.#options.maxStreams) return;
    if (bus.subscriberCount(accountId) > 0) {
      bus.endOldest(accountId, SUPERSEDED);
      return;
    }
    const other = [...byNode.keys()].find((node) => node !== registry.id);
    if (other !== undefined) {
      await control.publish({ kind: "supersede", player: accountId, node: other });
    }
  }
}
