/**
 * A node's place in the cluster (docs/cluster-events.md): its Redis clients, its heartbeat, the
 * cluster view, and the tasks of its role. `main.ts` builds the game (world) or the streams
 * (edge) and calls {@linkcode startWorldRole} or {@linkcode startEdgeRole} with them.
 *
 * @module
 */

import type { EventBus } from "../bus/event_bus.ts";
import type { Supervisor } from "../lifecycle/supervisor.ts";
import { every } from "../lifecycle/ticker.ts";
import { errorFields, type Logger } from "../log.ts";
import type { Metric } from "../metrics.ts";
import type { SseHub } from "../sse/hub.ts";
import { ClusterView } from "./cluster_view.ts";
import { CommandClient, CommandServer } from "./command_channel.ts";
import { ControlChannel } from "./control_channel.ts";
import { EdgePresence } from "./edge_presence.ts";
import { EventLogReader, type EventLogWriter, type RedisClient } from "./event_log.ts";
import { FencedOutError } from "./fence.ts";
import type { TakeoverNotes } from "./takeover_notes.ts";
import { NodeRegistry, type NodeReport } from "./node_registry.ts";
import { closeRedis, keepRunning, openRedis } from "./redis.ts";
import { WorldClient } from "./world_client.ts";
import { WorldService, type WorldServiceParts } from "./world_service.ts";

/** The settings a cluster node reads. */
export interface ClusterSettings {
  /** `world` or `edge`. */
  role: "world" | "edge";
  /** `MYTHOS_REDIS_URL`. */
  redisUrl: string;
  /** `MYTHOS_NODE_ID`; empty generates one. */
  nodeId: string;
  /** `MYTHOS_NODE_TTL_MS`. */
  nodeTtlMs: number;
  /** `MYTHOS_WORLD_DEADLINE_MS`. */
  worldDeadlineMs: number;
  /** `MYTHOS_HISTORY_MS`: how long the event stream keeps entries. */
  historyMs: number;
  /** `MYTHOS_MAX_STREAMS`. */
  maxStreamsPerPlayer: number;
}

/** How often the cluster view is refreshed, in milliseconds. */
const VIEW_INTERVAL_MS = 1000;

/** A node joined to the cluster. */
export interface ClusterLink {
  /** This node's id. */
  id: string;
  /** Its role. */
  role: "world" | "edge";
  /** The client that does not block. */
  redis: RedisClient;
  /** Heartbeat and stream counts. */
  registry: NodeRegistry;
  /** The cluster as `/admin/status` shows it. */
  view: ClusterView;
  /** Opens another client for a loop that blocks; closed at shutdown. */
  blockingClient(purpose: string): Promise<RedisClient>;
  /** `/metrics` families. */
  metrics(): Metric[];
}

/** A node id for `role` when `MYTHOS_NODE_ID` is unset: role, host name and a random suffix. */
export function generatedNodeId(role: string): string {
  let host = "host";
  try {
    host = Deno.hostname().replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 40);
  } catch {
    // Without --allow-sys the host name is unknown; the suffix keeps ids apart.
  }
  return `${role}-${host}-${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * Connects to Redis, starts the heartbeat and the cluster view, and registers leaving the cluster
 * (persist phase) and closing the clients (close phase) with the supervisor.
 *
 * @throws {RedisUnavailableError} when Redis cannot be reached.
 */
export async function joinCluster(
  supervisor: Supervisor,
  settings: ClusterSettings,
  logger: Logger,
  report: () => NodeReport,
): Promise<ClusterLink> {
  const id = settings.nodeId !== "" ? settings.nodeId : generatedNodeId(settings.role);
  const clusterLogger = logger.child({ part: "cluster", node: id });
  const clients: RedisClient[] = [];
  supervisor.onShutdown("close", "redis", async () => {
    await Promise.all(clients.map((client) => closeRedis(client)));
  });
  const open = async (purpose: string) => {
    const client = await openRedis(settings.redisUrl, {
      logger: clusterLogger,
      name: `${id}:${purpose}`,
    });
    clients.push(client);
    return client;
  };
  const redis = await open("main");
  const registry = new NodeRegistry(redis, {
    node: { id, role: settings.role, startedAt: Date.now() },
    ttlMs: settings.nodeTtlMs,
    report,
    logger: clusterLogger,
  });
  await registry.beat();
  registry.start(supervisor);
  supervisor.onShutdown("persist", "cluster membership", async () => {
    // A planned stop leaves at once: its streams stop counting without waiting for the TTL.
    await registry.leave().catch((error) =>
      clusterLogger.warn("could not leave the cluster; the heartbeat will lapse", {
        error: errorFields(error),
      })
    );
  });
  const view = new ClusterView(redis, registry, { id, role: settings.role });
  await view.refresh();
  view.start(supervisor, VIEW_INTERVAL_MS);
  clusterLogger.info("joined the cluster", { role: settings.role, ttlMs: settings.nodeTtlMs });
  return {
    id,
    role: settings.role,
    redis,
    registry,
    view,
    blockingClient: open,
    metrics: () => view.metrics(),
  };
}

/** Names of the world role's tasks. */
export const WORLD_TASKS = {
  follow: "cluster.events.follow",
  write: "cluster.events.write",
  snapshot: "cluster.snapshot",
  commands: "cluster.commands",
} as const;

/** Names of the edge role's tasks. */
export const EDGE_TASKS = {
  read: "cluster.events.read",
  replies: "cluster.replies",
  control: "cluster.control",
} as const;

/** The world lease this node holds, as the world's writers need it. */
export interface WorldFence {
  /** The lease's fencing token. */
  token: number;
  /** Stops the node: another world holds the lease now. */
  onFencedOut(error: FencedOutError): void;
}

/**
 * Runs `body`; a {@linkcode FencedOutError} stops the node through `fence` instead of failing
 * (and restarting) the task: a world that another has fenced out must not try again.
 */
function stoppingWhenFenced(
  fence: WorldFence,
  body: (signal: AbortSignal) => Promise<void>,
): (signal: AbortSignal) => Promise<void> {
  return async (signal) => {
    try {
      await body(signal);
    } catch (error) {
      if (!(error instanceof FencedOutError)) throw error;
      fence.onFencedOut(error);
    }
  };
}

/**
 * Starts the world's side, once this node holds the world lease: the event writer (critical: a
 * world that cannot record is stale), the bus snapshots edges start from, the command server and
 * the linkdead check. `writer` must carry the lease's token; so do the answers. `notes` are what
 * an earlier world noted in the event stream, as this node read it while standing by.
 */
export async function startWorldRole(
  supervisor: Supervisor,
  link: ClusterLink,
  writer: EventLogWriter,
  parts: Omit<WorldServiceParts, "writer" | "registry">,
  settings: ClusterSettings,
  logger: Logger,
  fence: WorldFence,
  notes?: TakeoverNotes,
): Promise<WorldService> {
  const log = logger.child({ part: "cluster", node: link.id });
  supervisor.spawn(WORLD_TASKS.write, stoppingWhenFenced(fence, (signal) => writer.run(signal)), {
    critical: true,
  });
  // Edges that start later begin at a snapshot; one is always within the kept history.
  parts.bus.recordSnapshot();
  supervisor.spawn(
    WORLD_TASKS.snapshot,
    (signal) =>
      every(Math.max(1000, Math.floor(settings.historyMs / 4)), () => parts.bus.recordSnapshot(), {
        signal,
      }),
  );
  // The linkdead check reads every player's stream counts at once: on a client of its own, so
  // the burst does not queue ahead of the writer's entries and the answers on the main one.
  const counts = new NodeRegistry(await link.blockingClient("presence"), {
    node: { id: link.id, role: "world", startedAt: Date.now() },
    ttlMs: settings.nodeTtlMs,
  });
  const service = new WorldService({ ...parts, writer, registry: counts }, { logger: log });
  const server = new CommandServer(link.redis, (request) => service.handle(request), {
    node: link.id,
    flushed: () => writer.flushed(),
    saved: () => parts.game.saveDirty(),
    // Noted in the event stream after the batch's events: a world that takes over after a crash
    // before the answers went out answers from the note and takes the players as noted.
    ran: (answers) => writer.recordAnswered({ answers, players: parts.game.dirtyRecords() }),
    hold: () => writer.hold(),
    earlier: (key) => notes?.answerOf(key),
    fenceToken: fence.token,
    logger: log,
  });
  const blocking = await link.blockingClient("commands");
  supervisor.spawn(
    WORLD_TASKS.commands,
    stoppingWhenFenced(
      fence,
      (signal) =>
        keepRunning("reading commands", signal, log, (signal) => server.run(blocking, signal)),
    ),
    { critical: true },
  );
  service.start(supervisor, Math.max(200, Math.floor(settings.nodeTtlMs / 2)));
  return service;
}

/** An edge's running parts. */
export interface EdgeRole {
  /** Opens streams. */
  presence: EdgePresence;
  /** Sends the routes' game calls to the world. */
  world: WorldClient;
  /** Follows the event stream. */
  reader: EventLogReader;
  /** Sends commands. */
  commands: CommandClient;
}

/**
 * Starts an edge's side: reads the event stream into `bus` (catching up before it returns, so the
 * edge is ready with the world's state), reads the world's replies, and listens to the other
 * edges.
 */
export async function startEdgeRole(
  supervisor: Supervisor,
  link: ClusterLink,
  parts: { bus: EventBus; hub: SseHub },
  settings: ClusterSettings,
  logger: Logger,
): Promise<EdgeRole> {
  const log = logger.child({ part: "cluster", node: link.id });
  const readClient = await link.blockingClient("events");
  const reader = new EventLogReader(readClient, parts.bus, { logger: log });
  while ((await reader.readOnce()) > 0) {
    // Catching up with what the stream holds before serving anyone.
  }
  supervisor.spawn(
    EDGE_TASKS.read,
    (signal) => keepRunning("reading events", signal, log, (signal) => reader.run(signal)),
    { critical: true },
  );
  const commands = new CommandClient(link.redis, {
    node: link.id,
    deadlineMs: settings.worldDeadlineMs,
    logger: log,
  });
  const replyClient = await link.blockingClient("replies");
  supervisor.spawn(
    EDGE_TASKS.replies,
    (signal) =>
      keepRunning("reading replies", signal, log, (signal) => commands.run(replyClient, signal)),
    { critical: true },
  );
  // Requests in flight are answered before the reply reader stops.
  supervisor.onShutdown("streams", "commands in flight", () => commands.settled());
  const control = new ControlChannel(link.redis, { logger: log });
  const world = new WorldClient(commands);
  const presence = new EdgePresence(
    { bus: parts.bus, hub: parts.hub, reader, registry: link.registry, world, control },
    { maxStreams: settings.maxStreamsPerPlayer, deadlineMs: settings.worldDeadlineMs, logger: log },
  );
  const subscriber = await link.blockingClient("control");
  supervisor.spawn(
    EDGE_TASKS.control,
    (signal) =>
      keepRunning(
        "listening to the other edges",
        signal,
        log,
        (signal) =>
          control.listen(subscriber, (message) => presence.handleControl(message), signal),
      ),
  );
  return { presence, world, reader, commands };
}
