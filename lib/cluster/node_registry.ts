/**
 * Which nodes are alive, and how many event streams each player holds across the edges.
 *
 * Each node keeps a key `mythos:node:<id>` alive with a heartbeat (`SET ... PX <ttl>`): a node that
 * stops — even by `kill -9` — stops counting once its key expires. Each edge counts its own
 * streams per player in `mythos:streams:<player>` (a hash: node id → count); a player's streams
 * are the sum over the nodes still alive. So a player is linkdead when their last stream on any
 * live edge is gone, and tabs on different edges count against the limit together.
 *
 * @module
 */

import type { Supervisor } from "../lifecycle/supervisor.ts";
import { every } from "../lifecycle/ticker.ts";
import type { RedisClient } from "./event_log.ts";

/** What a node says about itself. */
export interface NodeInfo {
  /** Its id (`MYTHOS_NODE_ID`). */
  id: string;
  /** `world`, `edge` or `all`. */
  role: string;
  /** When it started (epoch milliseconds). */
  startedAt: number;
}

/** Options for {@linkcode NodeRegistry}. */
export interface NodeRegistryOptions {
  /** This node. */
  node: NodeInfo;
  /** How long a node counts as alive after its last heartbeat, in milliseconds. */
  ttlMs: number;
}

/** Name of the heartbeat task. */
export const NODE_HEARTBEAT_TASK = "cluster.heartbeat";

function nodeKey(id: string): string {
  return `mythos:node:${id}`;
}

function streamsKey(player: string): string {
  return `mythos:streams:${player}`;
}

/** This node's entry in the cluster, and the stream counts it keeps. */
export class NodeRegistry {
  readonly #redis: RedisClient;
  readonly #options: NodeRegistryOptions;

  /** Registers through `redis` (a client that does not block). */
  constructor(redis: RedisClient, options: NodeRegistryOptions) {
    this.#redis = redis;
    this.#options = options;
  }

  /** Marks this node alive for another `ttlMs`. */
  async beat(): Promise<void> {
    await this.#redis.sendCommand([
      "SET",
      nodeKey(this.#options.node.id),
      JSON.stringify(this.#options.node),
      "PX",
      String(this.#options.ttlMs),
    ]);
  }

  /** Beats every third of the time to live, as a supervised task. */
  start(supervisor: Supervisor): void {
    supervisor.spawn(NODE_HEARTBEAT_TASK, async (signal) => {
      await this.beat();
      await every(Math.max(10, Math.floor(this.#options.ttlMs / 3)), () => this.beat(), {
        signal,
      });
    }, { critical: true });
  }

  /** Leaves the cluster at once (a planned stop), taking this node's streams out of the counts. */
  async leave(): Promise<void> {
    await this.#redis.sendCommand(["DEL", nodeKey(this.#options.node.id)]);
  }

  /** The nodes alive now. */
  async liveNodes(): Promise<NodeInfo[]> {
    const keys = await this.#scan("mythos:node:*");
    if (keys.length === 0) return [];
    const values = await this.#redis.sendCommand(["MGET", ...keys]) as (string | null)[];
    return values.filter((value): value is string => value !== null).map((value) =>
      JSON.parse(value) as NodeInfo
    );
  }

  /** Counts a stream of `player` opened on this node. */
  async streamOpened(player: string): Promise<void> {
    await this.#redis.sendCommand(["HINCRBY", streamsKey(player), this.#options.node.id, "1"]);
  }

  /** Counts a stream of `player` closed on this node. */
  async streamClosed(player: string): Promise<void> {
    const left = Number(
      await this.#redis.sendCommand(["HINCRBY", streamsKey(player), this.#options.node.id, "-1"]),
    );
    if (left <= 0) {
      await this.#redis.sendCommand(["HDEL", streamsKey(player), this.#options.node.id]);
    }
  }

  /** The streams `player` holds on every node still alive. */
  async streamsOf(player: string): Promise<number> {
    const counts = await this.#redis.sendCommand(["HGETALL", streamsKey(player)]) as string[];
    let total = 0;
    for (let i = 0; i + 1 < counts.length; i += 2) {
      const node = counts[i] as string;
      const count = Number(counts[i + 1]);
      if (count <= 0) continue;
      // A node whose heartbeat key is gone has stopped: its streams no longer count.
      if (Number(await this.#redis.sendCommand(["EXISTS", nodeKey(node)])) === 1) total += count;
    }
    return total;
  }

  async #scan(pattern: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await this.#redis.sendCommand([
        "SCAN",
        cursor,
        "MATCH",
        pattern,
        "COUNT",
        "100",
      ]) as [string, string[]];
      keys.push(...batch);
      cursor = next;
    } while (cursor !== "0");
    return keys;
  }
}
