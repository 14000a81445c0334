/**
 * The cluster as any node shows it on `/admin/status` and `/metrics`: the live nodes, their
 * roles, streams per edge, how far each edge lags behind the world's event stream, and which
 * node is the world. Refreshed by one supervised task, so a scrape never waits on Redis.
 *
 * @module
 */

import type { Supervisor } from "../lifecycle/supervisor.ts";
import { every } from "../lifecycle/ticker.ts";
import type { Metric } from "../metrics.ts";
import { EVENT_STREAM, type RedisClient } from "./event_log.ts";
import type { LiveNode, NodeRegistry } from "./node_registry.ts";
import { LEASE_KEY, parseLeaseHolder } from "./world_lease.ts";

/** Name of the task that refreshes the view. */
export const CLUSTER_VIEW_TASK = "cluster.view";

/** One node in the view. */
export interface NodeView extends LiveNode {
  /** How many events its applied position is behind the event stream's newest entry. */
  lagEvents?: number;
}

/** What `/admin/status` shows under `cluster`. */
export interface ClusterStatus {
  /** This node's id. */
  node: string;
  /** This node's role. */
  role: string;
  /** Whether Redis answers this node now. */
  redis: boolean;
  /** The id of the node that holds the world lease (runs the world), if one does. */
  world?: string;
  /** The world lease's fencing token, while it is held. */
  worldToken?: number;
  /** The event stream's newest entry id. */
  streamHead?: string;
  /** The live nodes. */
  nodes: NodeView[];
  /** When the view was last refreshed (epoch milliseconds). */
  refreshedAt?: number;
}

/** A cached view of the cluster. */
export class ClusterView {
  readonly #redis: RedisClient;
  readonly #registry: NodeRegistry;
  readonly #self: { id: string; role: string };
  #status: ClusterStatus;

  /** Looks through `redis` and `registry`; `self` is this node. */
  constructor(redis: RedisClient, registry: NodeRegistry, self: { id: string; role: string }) {
    this.#redis = redis;
    this.#registry = registry;
    this.#self = self;
    this.#status = { node: self.id, role: self.role, redis: false, nodes: [] };
  }

  /** The view as last refreshed. */
  get status(): ClusterStatus {
    return { ...this.#status, redis: this.#redis.isReady };
  }

  /** Reads the nodes and the stream's head now. */
  async refresh(): Promise<void> {
    const [nodes, head, lease] = await Promise.all([
      this.#registry.liveNodes(),
      this.#redis.sendCommand(["XREVRANGE", EVENT_STREAM, "+", "-", "COUNT", "1"]) as Promise<
        [string, string[]][]
      >,
      this.#redis.sendCommand(["GET", LEASE_KEY]),
    ]);
    const holder = typeof lease === "string" ? parseLeaseHolder(lease) : undefined;
    const streamHead = head[0]?.[0];
    const headEvent = streamHead === undefined ? undefined : eventOf(streamHead);
    this.#status = {
      node: this.#self.id,
      role: this.#self.role,
      redis: true,
      world: holder?.node,
      worldToken: holder?.token,
      streamHead,
      nodes: nodes.map((node) => ({
        ...node,
        ...(node.role === "edge" && node.position !== undefined && headEvent !== undefined
          ? { lagEvents: Math.max(0, headEvent - eventOf(node.position)) }
          : {}),
      })),
      refreshedAt: Date.now(),
    };
  }

  /** Refreshes every `intervalMs` until the signal aborts; Redis trouble keeps the last view. */
  start(supervisor: Supervisor, intervalMs: number): void {
    supervisor.spawn(CLUSTER_VIEW_TASK, (signal) =>
      every(intervalMs, async () => {
        try {
          await this.refresh();
        } catch {
          // Redis away: `redis: false` says so; the nodes listed are as last seen.
          this.#status = { ...this.#status, redis: false };
        }
      }, { signal }));
  }

  /** `/metrics` families. */
  metrics(): Metric[] {
    const status = this.status;
    const edges = status.nodes.filter((node) => node.role === "edge");
    return [
      {
        name: "mythos_cluster_nodes",
        help: "Live cluster nodes, by role",
        type: "gauge",
        samples: ["world", "edge"].map((role) => ({
          labels: { role },
          value: status.nodes.filter((node) => node.role === role).length,
        })),
      },
      {
        name: "mythos_cluster_world_standbys",
        help: "World nodes standing by for the world lease",
        type: "gauge",
        samples: [{
          value: status.nodes.filter((node) => node.role === "world" && node.standby === true)
            .length,
        }],
      },
      {
        name: "mythos_cluster_world_token",
        help: "The world lease's fencing token (0 while nobody holds it)",
        type: "gauge",
        samples: [{ value: status.worldToken ?? 0 }],
      },
      {
        name: "mythos_cluster_redis_up",
        help: "Whether Redis answers this node (1) or not (0)",
        type: "gauge",
        samples: [{ value: status.redis ? 1 : 0 }],
      },
      {
        name: "mythos_cluster_edge_streams",
        help: "Event streams open on each live edge",
        type: "gauge",
        samples: edges.map((node) => ({ labels: { node: node.id }, value: node.streams ?? 0 })),
      },
      {
        name: "mythos_cluster_edge_lag_events",
        help: "How many events each edge's applied position is behind the event stream",
        type: "gauge",
        samples: edges.map((node) => ({ labels: { node: node.id }, value: node.lagEvents ?? 0 })),
      },
    ];
  }
}

/** The event id of an entry id (`<event id>-<n>`); event ids count one per event. */
function eventOf(id: string): number {
  return Number(id.split("-")[0]);
}
