/**
 * The composition root: config → store → world → supervisor tasks → app → `Deno.serve` → wait
 * for shutdown.
 *
 * `deno task start` runs this file. Tests start the same server in-process with
 * {@linkcode startServer}, or as a real process when signals and exit codes are the point.
 *
 * @module
 */

import { Accounts } from "./lib/accounts/accounts.ts";
import { Sessions, SINGLE_PROCESS_SESSION_MEMORY_MS } from "./lib/accounts/sessions.ts";
import { LoginThrottle } from "./lib/accounts/throttle.ts";
import {
  type Config,
  ConfigError,
  type EnvReader,
  loadConfig,
  settingsHelp,
} from "./lib/config.ts";
import { MythosClock } from "./lib/game/clock.ts";
import { Game } from "./lib/game/game.ts";
import { RecentCommands } from "./lib/game/recent_commands.ts";
import { gameMetrics } from "./lib/game/game_metrics.ts";
import { Presence, startPresenceTasks } from "./lib/presence/presence.ts";
import { ShutdownCountdown } from "./lib/game/shutdown_countdown.ts";
import { GAME_TASKS, startGameTasks } from "./lib/game/tasks.ts";
import { every } from "./lib/lifecycle/ticker.ts";
import { World } from "./lib/game/world.ts";
import { loadWorld, WorldError } from "./lib/game/world_data.ts";
import { exitWhenIdle } from "./lib/lifecycle/exit.ts";
import { handleShutdownSignals, type ShutdownSignalOptions } from "./lib/lifecycle/signals.ts";
import { type ShutdownReport, Supervisor } from "./lib/lifecycle/supervisor.ts";
import { supervisorMetrics } from "./lib/lifecycle/supervisor_metrics.ts";
import { processMetrics } from "./lib/metrics.ts";
import { serve, type Served } from "./lib/http/serve.ts";
import { addressesForOtherDevices, directOrigins, thisMachine } from "./lib/http/origins.ts";
import { shutdownSummary } from "./lib/lifecycle/shutdown_summary.ts";
import { defaultMaxConnections, readFileLimit } from "./lib/http/file_limit.ts";
import { createLogger, errorFields, type Logger } from "./lib/log.ts";
import { type Realtime, startRealtime } from "./lib/realtime.ts";
import { DataDirLockedError } from "./lib/store/data_dir_lock.ts";
import { openStore } from "./lib/store/open_store.ts";
import { canFenceWorld, StoreUnavailableError } from "./lib/store/store.ts";
import { StoreHealth } from "./lib/store/store_health.ts";
import { startStoreTasks } from "./lib/store/store_tasks.ts";
import { AdminRights } from "./lib/accounts/admin_rights.ts";
import {
  type ClusterLink,
  type ClusterSettings,
  joinCluster,
  startEdgeRole,
  startWorldRole,
  WORLD_TASKS,
  type WorldFence,
} from "./lib/cluster/cluster_node.ts";
import { EventLogReader, EventLogWriter, firstEventIdAfter } from "./lib/cluster/event_log.ts";
import { FencedOutError } from "./lib/cluster/fence.ts";
import { WorldLease } from "./lib/cluster/world_lease.ts";
import { TakeoverNotes } from "./lib/cluster/takeover_notes.ts";
import { keepRunning, RedisUnavailableError } from "./lib/cluster/redis.ts";
import type { Metric } from "./lib/metrics.ts";
import type { PlayerPresence } from "./lib/presence/presence.ts";
import type { SseHub } from "./lib/sse/hub.ts";
import type { Store } from "./lib/store/store.ts";
import type { WorldData } from "./lib/game/world_data.ts";
import type { CharacterDescriber } from "./routes/accounts.ts";
import type { CommandRunner } from "./routes/commands.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { createApp } from "./routes/app.ts";
import { commandRoutes } from "./routes/commands.ts";
import { playerEventsRoutes } from "./routes/events.ts";
import { staticRoutes } from "./routes/static.ts";

/** A running server. */
export interface RunningServer extends AsyncDisposable {
  /** Where it listens, such as `http://127.0.0.1:8000`. */
  readonly url: URL;
  /** Its supervisor: tasks, readiness, shutdown phases. */
  readonly supervisor: Supervisor;
  /** Starts the ordered shutdown (or returns the one under way). */
  shutdown(reason?: string): Promise<ShutdownReport>;
}

/** Options for {@linkcode startServer}. */
export interface StartOptions {
  /** Where logs go; default JSON lines on stdout at the configured level. */
  logger?: Logger;
  /**
   * Handle SIGINT and SIGTERM (with these options) from before the server listens until its
   * shutdown completes; default: leave signals alone (in-process tests).
   */
  signals?: ShutdownSignalOptions;
}

/** Starts every part of the server and begins listening, in the role `config.role` says. */
export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const supervisor = new Supervisor({ shutdownDeadlineMs: config.shutdownDeadlineMs, logger });
  if (options.signals !== undefined) {
    // Before anything listens: a stop request that arrives as soon as the server answers must
    // find its listener, or the process dies by the signal's default action, unsaved.
    // Removed once shutdown has finished: a second signal during any phase still forces the exit.
    const signals = handleShutdownSignals(supervisor, { logger, ...options.signals });
    const removeListeners = () => signals[Symbol.dispose]();
    supervisor.finished.then(removeListeners, removeListeners);
  }
  try {
    const opened = await openStore(config);
    const store = opened.store;
    const served: { current?: Served } = {};
    // The store closes last, after the HTTP server has finished its last requests.
    supervisor.onShutdown("close", "store", async () => {
      await served.current?.closed;
      await opened[Symbol.asyncDispose]();
    });
    startStoreTasks(supervisor, store, logger.child({ part: "store" }));
    const storeHealth = new StoreHealth(store, logger.child({ part: "store" }));
    storeHealth.start(supervisor);
    const adminRights = await AdminRights.load(store, config.admins, logger);
    const worldData = await loadWorld(config.worldDir);
    const base: NodeBase = {
      config,
      logger,
      supervisor,
      store,
      storeHealth,
      adminRights,
      worldData,
    };
    const node = config.role === "edge"
      ? await startEdgeNode(base)
      : config.role === "world"
      ? await startWorldNode(base)
      : await startGameNode(base);
    const throttle = new LoginThrottle({
      perAddressPerMinute: config.loginAttemptsPerMinute,
      failuresPerName: config.loginFailuresPerName,
    });
    node.startTasks(throttle);

    const sessionDeps = {
      // One process sees every logout and password change, so it may trust a session it read a
      // moment ago; a cluster node may not (another node may have ended it).
      sessions: new Sessions(store, {
        rememberMs: config.role === "all" ? SINGLE_PROCESS_SESSION_MEMORY_MS : 0,
      }),
      store,
      secureCookies: config.publicUrl.protocol === "https:",
    };
    const allowedOrigins = new Set([config.publicUrl.origin]);
    const playerRoutes = node.players === undefined ? [] : [
      accountRoutes({
        ...sessionDeps,
        accounts: new Accounts(store, {
          iterations: config.passwordIterations,
          startRoom: worldData.start,
        }),
        throttle,
        presence: node.players.presence,
        game: node.players.describer,
        trustedProxies: new Set(config.trustedProxies),
      }),
      commandRoutes({ ...sessionDeps, game: node.players.commands }),
      playerEventsRoutes({ ...sessionDeps, presence: node.players.presence }),
      await staticRoutes(config.staticDir),
    ];
    const app = createApp({
      supervisor,
      logger,
      adminToken: config.adminToken,
      unavailable: () =>
        !storeHealth.available
          ? "The game's database cannot be reached; please try again shortly"
          : node.unavailable(),
      admins: { rights: adminRights, applied: node.adminApplied },
      allowedOrigins,
      status: () => ({
        ...node.status(),
        store: storeHealth.status(),
        connections: served.current?.connections.stats(),
        throttled: throttle.size,
      }),
      metrics: () => [
        ...processMetrics(),
        ...supervisorMetrics(supervisor),
        ...node.metrics(),
        ...(served.current?.connections.metrics() ?? []),
      ],
      routes: playerRoutes,
    });
    const fileLimit = readFileLimit();
    const maxConnections = config.maxConnections ?? defaultMaxConnections(fileLimit);
    const server = served.current = serve(
      supervisor,
      (request, info) => app.fetch(request, info),
      {
        hostname: config.host,
        port: config.port,
        logger: logger.child({ part: "http" }),
        limits: {
          maxConnections,
          headerTimeoutMs: config.headerTimeoutMs,
          bodyTimeoutMs: config.bodyTimeoutMs,
          idleTimeoutMs: config.idleTimeoutMs,
        },
      },
    );
    logger.info("connection limit", {
      maxConnections,
      from: config.maxConnections === undefined ? "file limit" : "MYTHOS_MAX_CONNECTIONS",
      fileLimit: fileLimit.soft ?? "unknown",
      fileLimitSource: fileLimit.source,
    });
    const machine = thisMachine();
    for (const origin of directOrigins(server.addr, machine)) allowedOrigins.add(origin);
    node.listening?.(server.url);
    supervisor.markReady();
    logger.info("listening", {
      address: server.url.href,
      hostname: server.addr.hostname,
      port: server.addr.port,
      publicUrl: config.publicUrl.href,
      world: worldData.name,
      role: config.role,
    });
    const elsewhere = addressesForOtherDevices(server.addr, machine);
    if (elsewhere.length > 0 && node.players !== undefined) {
      logger.info("other devices on this network can open the game", { open: elsewhere });
    }
    return {
      url: server.url,
      supervisor,
      shutdown: (reason) => supervisor.shutdown({ reason: reason ?? "requested" }),
      [Symbol.asyncDispose]: async () => {
        await supervisor.shutdown({ reason: "disposed" });
      },
    };
  } catch (error) {
    await supervisor.shutdown({ reason: "start-up failed", exitCode: 1 });
    throw error;
  }
}

/** What every role starts from. */
interface NodeBase {
  config: Config;
  logger: Logger;
  supervisor: Supervisor;
  store: Store;
  storeHealth: StoreHealth;
  adminRights: AdminRights;
  worldData: WorldData;
}

/** One role's running parts, as the HTTP app needs them. */
interface RoleParts {
  /** What players' routes run on; unset on a world node (players reach it through edges). */
  players?: {
    presence: PlayerPresence;
    commands: CommandRunner;
    describer: CharacterDescriber;
  };
  /** Applies a change of admin rights to the character in the world. */
  adminApplied(accountId: string, admin: boolean): void | Promise<void>;
  /** Why the node cannot serve now (beyond the store), or `undefined`. */
  unavailable(): string | undefined;
  /** `/admin/status` sections. */
  status(): Record<string, unknown>;
  /** `/metrics` families. */
  metrics(): Metric[];
  /** Starts the tasks that need the login throttle. */
  startTasks(throttle: LoginThrottle): void;
  /** Told where the node listens. */
  listening?(url: URL): void;
}

/** What a cluster's world node brings to the game once it holds the world lease. */
interface HeldWorld {
  link: ClusterLink;
  settings: ClusterSettings;
  lease: WorldLease;
  fence: WorldFence;
  /** The bus and hub that followed the event stream while standing by. */
  realtime: Realtime;
  /** The event stream's newest entry, which the bus has applied. */
  streamHead: string;
  /** The earlier world's notes of answered requests, as read while standing by. */
  notes: TakeoverNotes;
}

/** The game's parts, and the event-stream position its writer has recorded (a world node). */
interface GameNode extends RoleParts {
  /** The newest event-stream entry recorded, on a cluster's world node. */
  position(): string | undefined;
}

/**
 * The game in this process: the single process (`all`), or the game of a cluster's world node
 * that holds the world lease (`held`).
 */
async function startGameNode(base: NodeBase, held?: HeldWorld): Promise<GameNode> {
  const { config, logger, supervisor, store, storeHealth, adminRights, worldData } = base;
  const writer = held === undefined ? undefined : new EventLogWriter(held.link.redis, {
    historyMs: config.historyMs,
    fenceToken: held.fence.token,
    continueAfter: held.streamHead,
    logger: logger.child({ part: "cluster", node: held.link.id }),
  });
  const world = new World(worldData, await store.loadPlacements());
  const clock = new MythosClock((await store.getMeta<{ hour: number }>("clock"))?.hour ?? 8);
  const realtime = held?.realtime ?? startRealtime(supervisor, config, logger);
  const countdown = new ShutdownCountdown(
    supervisor,
    (text) =>
      realtime.bus.publish({ type: "system.notice", data: { text, code: "admin.shutdown" } }, {
        to: "all",
      }),
  );
  const game = new Game({
    world,
    bus: realtime.bus,
    store,
    clock,
    commandRate: config.commandRate,
    commandBurst: config.commandBurst,
    logger: logger.child({ part: "game" }),
    recoveryRoom: worldData.recovery,
    scheduleShutdown: (seconds, by) => countdown.schedule(seconds, by),
  });
  const presence = new Presence({ game, bus: realtime.bus, store, hub: realtime.hub }, {
    linkdeadGraceMs: config.linkdeadGraceMs,
    maxStreams: config.maxStreamsPerPlayer,
    logger,
    isAdmin: (accountId) => adminRights.isAdmin(accountId),
  });
  if (held !== undefined && writer !== undefined) {
    // The bus followed the earlier world's record; from here it is the record. Its events are
    // numbered after everything in the stream.
    realtime.bus.startRecording(
      (operation) => writer.record(operation),
      await firstEventIdAfter(held.link.redis),
    );
    // The characters the earlier world had in the world come back as they were saved; their
    // streams at the edges go on.
    const resumed = await presence.resumeAll(realtime.bus.keys(), {
      newest: (saved) => held.notes.newest(saved),
    });
    logger.info("took over the world's players", { resumed });
    await startWorldRole(
      supervisor,
      held.link,
      writer,
      { game, bus: realtime.bus, presence },
      held.settings,
      logger,
      held.fence,
      held.notes,
    );
  }
  return {
    players: held === undefined
      ? { presence, commands: new RecentCommands(game), describer: game }
      : undefined,
    adminApplied: (accountId, admin) => game.setAdmin(accountId, admin),
    unavailable: () => undefined,
    status: () => ({
      ...realtime.status(),
      players: game.playerStats(),
      commands: game.commandsRun,
    }),
    metrics: () => [...realtime.metrics(), ...gameMetrics(game)],
    startTasks: (throttle) => {
      startGameTasks(supervisor, {
        game,
        throttle,
        storeHealth,
        // A planned stop keeps the lease while saving, then hands it to a standby at once.
        whileSaving: held === undefined ? undefined : (saving) => held.lease.handOverAfter(saving),
      }, config);
      startPresenceTasks(supervisor, presence);
    },
    position: () => writer?.position,
  };
}

/** Names of a world node's lease tasks. */
const WORLD_LEASE_TASKS = {
  standby: "world.standby",
  hold: "world.lease",
} as const;

/**
 * A cluster's world node: stands by (serving `/admin/status`, `/readyz` answering 503) until it
 * holds the world lease, then loads the world from the database and runs the game. Losing the
 * lease, or finding its writes fenced out, stops the node (exit 1): run it under a supervisor
 * that restarts it, and it comes back as a standby.
 */
async function startWorldNode(base: NodeBase): Promise<RoleParts> {
  const { config, logger, supervisor, store } = base;
  const settings = clusterSettings(config, "world");
  let listeningAt: URL | undefined;
  let game: GameNode | undefined;
  const link = await joinCluster(supervisor, settings, logger, () => ({
    position: game?.position(),
    url: listeningAt?.href,
    standby: game === undefined,
  }));
  // loadConfig refuses a cluster role without MYTHOS_DATABASE_URL, and that store fences.
  if (!canFenceWorld(store)) throw new TypeError("A world node needs the PostgreSQL store");
  const log = logger.child({ part: "cluster", node: link.id });
  const lease = new WorldLease(link.redis, {
    node: link.id,
    leaseMs: config.worldLeaseMs,
    logger: log,
  });
  const fencedOut = (error: Error) => {
    log.error("this node no longer holds the world lease; stopping", {
      error: errorFields(error),
    });
    // Awaited through the supervisor's `finished`, like any shutdown.
    supervisor.shutdown({ reason: "lost the world lease", exitCode: 1 }).catch(() => {});
  };
  // Standing by, the node follows the event stream into a bus of its own (as an edge does), so a
  // takeover carries on every mailbox, topic and history: the players' streams at the edges go on.
  const realtime = startRealtime(supervisor, config, logger, { firstId: 1 });
  const notes = new TakeoverNotes();
  const follower = new EventLogReader(await link.blockingClient("events"), realtime.bus, {
    logger: log,
    onAnswered: (note) => notes.note(note),
  });
  const following = supervisor.spawn(
    WORLD_TASKS.follow,
    (signal) =>
      keepRunning("following the event stream", signal, log, (signal) => follower.run(signal)),
  );
  const throttle = Promise.withResolvers<LoginThrottle>();
  supervisor.spawn(WORLD_LEASE_TASKS.standby, async (signal) => {
    const waitingSince = performance.now();
    const token = await lease.acquire(signal);
    supervisor.spawn(WORLD_LEASE_TASKS.hold, async (signal) => {
      try {
        await lease.hold(signal);
      } catch (error) {
        if (!(error instanceof FencedOutError)) throw error;
        fencedOut(error);
      }
      // Not restarted: a new hold would count the lease as just renewed.
    }, { critical: true, restart: false });
    const loadingSince = performance.now();
    // Claimed before loading: writes of an earlier world still in flight finish first, and any
    // after this are refused, so what is loaded is final.
    await store.claimWorld(token, () => fencedOut(new FencedOutError()));
    // The earlier world can no longer append (its token is refused): what the stream holds now
    // is final. Read to its end.
    await following.stop("took the world lease");
    while ((await follower.readOnce()) > 0) {
      // Catching up with the last entries the earlier world wrote.
    }
    game = await startGameNode(base, {
      link,
      settings,
      lease,
      fence: { token, onFencedOut: fencedOut },
      realtime,
      streamHead: follower.lastApplied,
      notes,
    });
    game.startTasks(await throttle.promise);
    log.info("running the world", {
      token,
      stoodByMs: Math.round(loadingSince - waitingSince),
      loadMs: Math.round(performance.now() - loadingSince),
    });
  }, { critical: true, restart: false });
  return {
    adminApplied: (accountId, admin) => game?.adminApplied(accountId, admin),
    unavailable: () =>
      !link.redis.isReady
        ? "Redis cannot be reached; the cluster is waiting for it"
        : game === undefined
        ? "Standing by: another node runs the world"
        : undefined,
    status: () => ({
      ...(game?.status() ?? realtime.status()),
      world: game === undefined ? "standby" : "running",
      lease: { token: lease.token, held: lease.held },
      cluster: link.view.status,
    }),
    metrics: () => [...(game?.metrics() ?? []), ...link.metrics()],
    startTasks: (given) => throttle.resolve(given),
    listening: (url) => {
      listeningAt = url;
    },
  };
}

/** A cluster's edge node: players' streams and requests, the game on the world node. */
async function startEdgeNode(base: NodeBase): Promise<RoleParts> {
  const { config, logger, supervisor } = base;
  const cluster = clusterSettings(config, "edge");
  let listeningAt: URL | undefined;
  const parts: { hub?: SseHub; reader?: EventLogReader } = {};
  const link = await joinCluster(supervisor, cluster, logger, () => ({
    streams: parts.hub?.stats().open,
    position: parts.reader?.lastApplied,
    url: listeningAt?.href,
  }));
  // The edge's bus follows the world's ids, so it starts below any of them.
  const realtime = startRealtime(supervisor, config, logger, { firstId: 1 });
  parts.hub = realtime.hub;
  const edge = await startEdgeRole(supervisor, link, realtime, cluster, logger);
  parts.reader = edge.reader;
  return {
    players: { presence: edge.presence, commands: edge.world, describer: edge.world },
    adminApplied: (accountId, admin) => edge.world.setAdmin(accountId, admin),
    // Not the world's liveness: an edge keeps its streams (and answers 503 to commands after
    // the deadline) while the world restarts, and a world slow to beat must not empty the
    // balancer of edges.
    unavailable: () =>
      link.redis.isReady ? undefined : "Redis cannot be reached; please try again shortly",
    status: () => ({
      ...realtime.status(),
      commandsWaiting: edge.commands.waiting,
      cluster: link.view.status,
    }),
    metrics: () => [...realtime.metrics(), ...link.metrics()],
    startTasks: (throttle) => {
      // The login throttle lives on each edge; forgetting full buckets keeps it flat.
      supervisor.spawn(
        GAME_TASKS.throttleSweep,
        (signal) => every(60_000, () => throttle.sweep(), { signal }),
      );
    },
    listening: (url) => {
      listeningAt = url;
    },
  };
}

/** The cluster settings of `config` for `role`. */
function clusterSettings(config: Config, role: "world" | "edge"): ClusterSettings {
  // loadConfig refuses a cluster role without a Redis URL.
  return { ...config, role, redisUrl: config.redisUrl ?? "" };
}

/** Options for {@linkcode main}. */
export interface MainOptions {
  /** Reads settings; default `Deno.env.get`. */
  env?: EnvReader;
  /** Called once the server listens, before waiting for shutdown (test fixtures use it). */
  onStarted?: (server: RunningServer) => void;
  /** Signal handling options (test fixtures shorten the duplicate window). */
  signals?: ShutdownSignalOptions;
  /** Command-line arguments; `--help` prints the settings and exits. */
  args?: string[];
}

/**
 * Runs the server until a signal, an admin or a failed critical task shuts it down, logs the
 * shutdown report, and returns the exit code: 0, 1 after a failure or a missed deadline, 2 for a
 * bad setting.
 */
export async function main(options: MainOptions = {}): Promise<number> {
  if (options.args?.some((arg) => arg === "--help" || arg === "-h")) {
    // deno-lint-ignore no-console
    console.log(settingsHelp());
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig(options.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      createLogger().error(error.message, { variable: error.variable, exitCode: 2 });
      return 2;
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  let server: RunningServer;
  try {
    server = await startServer(config, { logger, signals: options.signals ?? {} });
  } catch (error) {
    if (error instanceof WorldError || error instanceof DataDirLockedError) {
      logger.error(error.message, { exitCode: 2 });
      return 2;
    }
    if (error instanceof RedisUnavailableError) {
      logger.error(`MYTHOS_REDIS_URL: ${error.message}`, {
        variable: "MYTHOS_REDIS_URL",
        error: errorFields(error.cause),
        exitCode: 2,
      });
      return 2;
    }
    if (error instanceof StoreUnavailableError) {
      logger.error(`MYTHOS_DATABASE_URL: ${error.message}`, {
        variable: "MYTHOS_DATABASE_URL",
        error: errorFields(error.cause),
        exitCode: 2,
      });
      return 2;
    }
    if (error instanceof Deno.errors.AddrInUse) {
      logger.error(
        `Port ${config.port} is already in use (another server?); stop it, or set MYTHOS_PORT to another port`,
        { variable: "MYTHOS_PORT", exitCode: 2 },
      );
      return 2;
    }
    logger.error("start-up failed", { error: errorFields(error) });
    return 1;
  }
  options.onStarted?.(server);
  const report = await server.supervisor.finished;
  const { counts, ...rest } = report;
  logger.info("shutdown complete", { ...rest, ...counts });
  // The JSON line is for machines; a person at a terminal also gets a sentence.
  // deno-lint-ignore no-console
  if (Deno.stdout.isTerminal()) console.log(shutdownSummary(report));
  return report.exitCode;
}

if (import.meta.main) {
  const code = await main({ args: Deno.args });
  exitWhenIdle(code, createLogger());
}
