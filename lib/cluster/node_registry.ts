/**
 * Which nodes are alive, and how many event streams each player holds across the edges.
 *
 * Each node keeps a key `mythos:node:<id>` alive with a heartbeat (`SET ... PX <ttl>`): a node that
 * stops — even by `kill -9` — stops counting once its key expires. The ids of the nodes that ever
 * beat are kept in the set `mythos:nodes`, so finding the live ones is two cheap reads, not a scan
 * of every key in Redis (there are hundreds of thousands under load: answers, stream counts); an
 * id whose key has expired is taken out of the set by whoever notices. Each edge counts its own
 * streams per player in `mythos:streams:<player>` (a hash: node id → count); a player's streams
 * are the sum over the nodes still alive. So a player is linkdead when their last stream on any
 * live edge is gone, and tabs on different edges count against the limit together.
 *
 * @module
 */

import { delay } from "@std/async/delay";
import type { Supervisor } from "../lifecycle/supervisor.ts";
import { errorFields, type Logger, silentLogger } from "../log.ts";
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

/** What a node reports with each heartbeat, for the cluster view. */
export interface NodeReport {
  /** Event streams open on it. */
  streams?: number;
  /** The newest event-stream entry it has applied (edges) or recorded (the world). */
  position?: string;
  /** Where it answers HTTP. */
  url?: string;
  /** A world node that stands by for the world lease. */
  standby?: boolean;
}

/** A live node as the cluster sees it. */
export type LiveNode = NodeInfo & NodeReport;

/** Options for {@linkcode NodeRegistry}. */
export interface NodeRegistryOptions {
  /** This node. */
  node: NodeInfo;
  /** How long a node counts as alive after its last heartbeat, in milliseconds. */
  ttlMs: number;
  /** What to report with each heartbeat. */
  report?: () => NodeReport;
  /** Where trouble is logged. */
  logger?: Logger;
}

/** Name of the heartbeat task. */
export const NODE_HEARTBEAT_TASK = "cluster.heartbeat";

function nodeKey(id: string): string {
  return `mythos:node:${id}`;
}

/** The set of the ids of nodes that have beaten (some may have stopped since). */
const NODES_KEY = "mythos:nodes";

/**
 * Takes stopped nodes (their key expired) out of the set — checked again inside Redis, so a node
 * that beat again since it was seen stopped stays in. KEYS: the set. ARGV: the ids.
 */
const FORGET_STOPPED = `for _, id in ipairs(ARGV) do
  if redis.call('EXISTS', 'mythos:node:' .. id) == 0 then redis.call('SREM', KEYS[1], id) end
end
return 'OK'`;

function streamsKey(player: string): string {
  return `mythos:streams:${player}`;
}

/**
 * This node's entry in the cluster, and the stream counts it keeps. Counts are kept here and
 * written to Redis as absolute numbers (so writing one again is harmless): at once when a stream
 * opens, by the heartbeat task when one ends, and all of them again after Redis was away.
 */
export class NodeRegistry {
  readonly #redis: RedisClient;
  readonly #options: NodeRegistryOptions;
  readonly #logger: Logger;
  readonly #local = new Map<string, number>();
  readonly #dirty = new Set<string>();
  #wake = new AbortController();

  /** Registers through `redis` (a client that does not block). */
  constructor(redis: RedisClient, options: NodeRegistryOptions) {
    this.#redis = redis;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** This node's id. */
  get id(): string {
    return this.#options.node.id;
  }

  /** Event streams open on this node. */
  get streams(): number {
    let total = 0;
    for (const count of this.#local.values()) total += count;
    return total;
  }

  /** Marks this node alive for another `ttlMs`, with its report. */
  async beat(): Promise<void> {
    await Promise.all([
      this.#redis.sendCommand([
        "SET",
        nodeKey(this.#options.node.id),
        JSON.stringify({ ...this.#options.node, ...this.#options.report?.() }),
        "PX",
        String(this.#options.ttlMs),
      ]),
      this.#redis.sendCommand(["SADD", NODES_KEY, this.#options.node.id]),
    ]);
  }

  /**
   * Beats every third of the time to live, and writes stream counts that changed, as a
   * supervised task. While Redis is away it keeps trying (the task does not fail); when Redis is
   * back it writes every count again, in case Redis lost them.
   */
  start(supervisor: Supervisor): void {
    supervisor.spawn(NODE_HEARTBEAT_TASK, async (signal) => {
      const interval = Math.max(10, Math.floor(this.#options.ttlMs / 3));
      let failing = false;
      let nextBeat = 0;
      while (!signal.aborted) {
        try {
          if (performance.now() >= nextBeat) {
            await this.beat();
            nextBeat = performance.now() + interval;
          }
          if (failing) {
            for (const player of this.#local.keys()) this.#dirty.add(player);
            this.#logger.info("node heartbeat reaches Redis again");
            failing = false;
          }
          await this.#flush();
        } catch (error) {
          if (!failing) {
            this.#logger.warn("node heartbeat cannot reach Redis; trying again", {
              error: errorFields(error),
            });
          }
          failing = true;
          nextBeat = 0;
          await delay(Math.min(interval, 500), { signal }).catch(() => {});
          continue;
        }
        await this.#idle(Math.max(1, nextBeat - performance.now()), signal);
      }
    }, { critical: true });
  }

  /** Leaves the cluster at once (a planned stop), taking this node's streams out of the counts. */
  async leave(): Promise<void> {
    await this.#redis.sendCommand(["DEL", nodeKey(this.#options.node.id)]);
    await this.#redis.sendCommand(["SREM", NODES_KEY, this.#options.node.id]);
    await Promise.all(
      [...this.#local.keys()].map((player) =>
        this.#redis.sendCommand(["HDEL", streamsKey(player), this.#options.node.id])
      ),
    );
  }

  /** The nodes alive now. */
  async liveNodes(): Promise<LiveNode[]> {
    const ids = await this.#redis.sendCommand(["SMEMBERS", NODES_KEY]) as string[];
    if (ids.length === 0) return [];
    const values = await this.#redis.sendCommand(["MGET", ...ids.map(nodeKey)]) as (
      | string
      | null
    )[];
    const stopped = ids.filter((_, index) => values[index] === null);
    if (stopped.length > 0) {
      await this.#redis.sendCommand(["EVAL", FORGET_STOPPED, "1", NODES_KEY, ...stopped]);
    }
    return values.filter((value): value is string => value !== null)
      .map((value) => JSON.parse(value) as LiveNode)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Counts a stream of `player` opened on this node; resolves once Redis has the count. */
  async streamOpened(player: string): Promise<void> {
    this.#local.set(player, (this.#local.get(player) ?? 0) + 1);
    this.#dirty.add(player);
    await this.#flush();
  }

  /** Counts a stream of `player` ended on this node; the heartbeat task writes it soon. */
  streamEnded(player: string): void {
    const left = (this.#local.get(player) ?? 0) - 1;
    if (left > 0) this.#local.set(player, left);
    else this.#local.delete(player);
    this.#dirty.add(player);
    this.#wake.abort();
  }

  /** Counts a stream of `player` closed on this node; resolves once Redis has the count. */
  async streamClosed(player: string): Promise<void> {
    this.streamEnded(player);
    await this.#flush();
  }

  /** The streams `player` holds on every node still alive. */
  async streamsOf(player: string): Promise<number> {
    return (await this.streamsOfMany([player])).get(player) ?? 0;
  }

  /** Per node, the streams `player` holds on the nodes still alive. */
  async streamsByNode(player: string): Promise<Map<string, number>> {
    const live = new Set((await this.liveNodes()).map((node) => node.id));
    const counts = await this.#redis.sendCommand(["HGETALL", streamsKey(player)]) as string[];
    const byNode = new Map<string, number>();
    for (let i = 0; i + 1 < counts.length; i += 2) {
      const node = counts[i] as string;
      const count = Number(counts[i + 1]);
      // A node whose heartbeat key is gone has stopped: its streams no longer count.
      if (count > 0 && live.has(node)) byNode.set(node, count);
    }
    return byNode;
  }

  /** The streams each of `players` holds on the nodes still alive (one round trip for all). */
  async streamsOfMany(players: readonly string[]): Promise<Map<string, number>> {
    const live = new Set((await this.liveNodes()).map((node) => node.id));
    const replies = await Promise.all(
      players.map((player) =>
        this.#redis.sendCommand(["HGETALL", streamsKey(player)]) as Promise<string[]>
      ),
    );
    const totals = new Map<string, number>();
    players.forEach((player, index) => {
      const counts = replies[index] ?? [];
      let total = 0;
      for (let i = 0; i + 1 < counts.length; i += 2) {
        const count = Number(counts[i + 1]);
        if (count > 0 && live.has(counts[i] as string)) total += count;
      }
      totals.set(player, total);
    });
    return totals;
  }

  async #flush(): Promise<void> {
    if (this.#dirty.size === 0) return;
    const players = [...this.#dirty];
    this.#dirty.clear();
    try {
      await Promise.all(players.map((player) => {
        const count = this.#local.get(player) ?? 0;
        return this.#redis.sendCommand(
          count > 0
            ? ["HSET", streamsKey(player), this.#options.node.id, String(count)]
            : ["HDEL", streamsKey(player), this.#options.node.id],
        );
      }));
    } catch (error) {
      for (const player of players) this.#dirty.add(player);
      throw error;
    }
  }

  async #idle(ms: number, signal: AbortSignal): Promise<void> {
    // A stream that ends wakes the loop early, so its count reaches Redis at once.
    if (this.#wake.signal.aborted) this.#wake = new AbortController();
    if (this.#dirty.size > 0) return;
    await delay(ms, { signal: AbortSignal.any([signal, this.#wake.signal]) }).catch(() => {});
  }
}
