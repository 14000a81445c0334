/**
 * The cluster under load (`deno task bench:cluster`), beside one process in the same run.
 *
 * 1. **single** — the whole game in one process (`MYTHOS_ROLE=all`, Deno KV): N players, R
 *    commands/s through the crowd of `bench:load` (say, whisper, look, move; every delivery in a
 *    ledger). p99 command-to-event latency, lost, duplicated, and server CPU per delivery.
 * 2. **cluster** — the same crowd and traffic through HAProxy over two edges, with a world node,
 *    redis-server (append-only) and PostgreSQL, all real processes on this machine: the same
 *    figures, and CPU per delivery at each edge (edge CPU ÷ frames its hub delivered) beside the
 *    single process's.
 * 3. **rolling** — the traffic goes on while each edge in turn is stopped with SIGTERM and
 *    started again (its players get `stream.shutdown` and resume on the other edge through
 *    HAProxy): lost and duplicated must be 0; commands the stopping edge refused are counted.
 * 4. **world** — the world node is restarted (SIGTERM, start): commands are refused while it is
 *    away; every stream resumes; then traffic again with 0 lost, 0 duplicated.
 *
 * Each scenario prints one JSON line; exits 1 if a target is missed (p99 ≤ 100 ms in the
 * cluster, 0 lost, 0 duplicated).
 *
 * Usage: deno task bench:cluster [--players 2000] [--rate 200] [--seconds 30] [--verbose]
 *        [--cluster-only]
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { startPostgres } from "../tests/support/postgres.ts";
import { startRedis } from "../tests/support/redis.ts";
import { startHaproxy } from "../tests/support/haproxy.ts";
import { freePort } from "../tests/support/ports.ts";
import { flag, has } from "./lib/args.ts";
import { Crowd } from "./lib/crowd.ts";
import { type BenchServer, startBenchServer } from "./lib/server.ts";
import { round } from "./lib/stats.ts";
import { ScenarioReport, trafficSummary } from "./lib/report.ts";

const PLAYERS = flag("players", 2000);
const RATE = flag("rate", 200);
const SECONDS = flag("seconds", 30);
const verbose = has("verbose");
const scenarios = new ScenarioReport();
const report = scenarios.report.bind(scenarios);
const summarize = trafficSummary;

/** Frames the node's hub handed to streams so far. */
async function delivered(server: BenchServer): Promise<number> {
  return ((await server.status()).bus as { delivered: number }).delivered;
}

/** CPU milliseconds per thousand deliveries over a stretch. */
async function measured<T>(
  servers: BenchServer[],
  run: () => Promise<T>,
): Promise<{ result: T; cpuMsPerThousand: number[] }> {
  const before = await Promise.all(
    servers.map(async (server) => ({
      cpu: (await server.usage()).cpuMs,
      delivered: await delivered(server),
    })),
  );
  const result = await run();
  const after = await Promise.all(
    servers.map(async (server) => ({
      cpu: (await server.usage()).cpuMs,
      delivered: await delivered(server),
    })),
  );
  return {
    result,
    cpuMsPerThousand: after.map((a, i) => {
      const b = before[i] as { cpu: number; delivered: number };
      return round(((a.cpu - b.cpu) / Math.max(1, a.delivered - b.delivered)) * 1000, 3);
    }),
  };
}

const common = { MYTHOS_HEARTBEAT_MS: "5000" };

// 1. One process.
let singleCpu = 0;
if (!has("cluster-only")) {
  await using server = await startBenchServer(common, verbose);
  const crowd = await Crowd.create(server.url, PLAYERS);
  await crowd.setUp();
  const { result: traffic, cpuMsPerThousand } = await measured(
    [server],
    () => crowd.traffic(RATE, SECONDS),
  );
  singleCpu = cpuMsPerThousand[0] ?? 0;
  const summary = summarize(traffic);
  report(
    {
      scenario: "single",
      players: PLAYERS,
      rate: RATE,
      seconds: SECONDS,
      ...summary,
      cpuMsPerThousandDeliveries: singleCpu,
    },
    summary.lost === 0 && summary.duplicated === 0,
  );
  for (const bot of crowd.bots) bot.drop();
}

// 2–4. The cluster.
{
  await using redis = await startRedis({ appendOnly: true });
  await using postgres = await startPostgres();
  const database = await postgres.newDatabase();
  const clusterEnv = (role: string, id: string, port = 0) => ({
    ...common,
    MYTHOS_ROLE: role,
    MYTHOS_NODE_ID: id,
    MYTHOS_PORT: String(port),
    MYTHOS_REDIS_URL: redis.url,
    MYTHOS_DATABASE_URL: database,
    MYTHOS_NODE_TTL_MS: "3000",
  });
  const nodes = new Map<string, BenchServer>();
  const start = async (role: "world" | "edge", id: string, port = 0) => {
    const server = await startBenchServer(clusterEnv(role, id, port), verbose);
    nodes.set(id, server);
    if (role === "world") {
      // A world node stands by until it holds the world lease (at once, unless one still does).
      await server.lines.wait((line) => line.msg === "running the world", 60_000, "the world");
    }
    return server;
  };
  try {
    await start("world", "world");
    const ports = [freePort(), freePort()];
    const edgeIds = ["edge-1", "edge-2"];
    const edges = [
      await start("edge", "edge-1", ports[0]),
      await start("edge", "edge-2", ports[1]),
    ];
    await using haproxy = await startHaproxy(edges.map((edge) => edge.url));
    // --direct: every player on the first edge, no balancer (to tell the balancer's share).
    const crowd = await Crowd.create(
      has("direct") ? (edges[0] as BenchServer).url : haproxy.url,
      PLAYERS,
    );
    const setupStarted = performance.now();
    await crowd.setUp(32);
    const setupMs = Math.round(performance.now() - setupStarted);
    console.error(
      `cluster: set up ${PLAYERS} players in ${setupMs} ms (${crowd.connectRetries} set-up requests retried)`,
    );
    for (const bot of crowd.bots) bot.reconnecting = true;

    // 2. Steady traffic.
    {
      const world = nodes.get("world") as BenchServer;
      const worldCpuBefore = (await world.usage()).cpuMs;
      const { result: traffic, cpuMsPerThousand } = await measured(
        edges,
        () => crowd.traffic(RATE, SECONDS),
      );
      const worldCpuShare = round(
        ((await world.usage()).cpuMs - worldCpuBefore) / ((SECONDS + 2) * 1000),
        3,
      );
      const summary = summarize(traffic);
      report(
        {
          scenario: "cluster",
          players: PLAYERS,
          rate: RATE,
          seconds: SECONDS,
          ...summary,
          edgeCpuMsPerThousandDeliveries: cpuMsPerThousand,
          worldCpuShare,
          singleCpuMsPerThousandDeliveries: singleCpu,
          setupMs,
          setupRetries: crowd.connectRetries,
        },
        summary.sender.p99Ms <= 100 && summary.otherPlayer.p99Ms <= 100 && summary.lost === 0 &&
          summary.duplicated === 0,
      );
    }

    // 3. Rolling restart of the edges under traffic.
    {
      const restarts: Record<string, unknown>[] = [];
      const rolling = (async () => {
        for (const [i, id] of edgeIds.entries()) {
          await new Promise((resolve) => setTimeout(resolve, (SECONDS * 1000) / 4));
          const node = nodes.get(id) as BenchServer;
          const stopped = await node.stop("SIGTERM");
          await node[Symbol.asyncDispose]();
          const started = performance.now();
          await start("edge", id, ports[i]);
          restarts.push({
            node: id,
            exitCode: stopped.code,
            stopMs: round(stopped.ms),
            startMs: round(performance.now() - started),
          });
        }
      })();
      const traffic = await crowd.traffic(RATE, SECONDS, 5000);
      await rolling;
      const summary = summarize(traffic);
      const reconnects = crowd.bots.reduce((sum, bot) => sum + bot.reconnects, 0);
      const outOfOrder = crowd.bots.reduce((sum, bot) => sum + bot.outOfOrder, 0);
      report(
        { scenario: "rolling", ...summary, restarts, reconnects, outOfOrder },
        summary.lost === 0 && summary.duplicated === 0 && outOfOrder === 0 &&
          restarts.every((restart) => restart.exitCode === 0),
      );
    }

    // 4. The world restarted: commands refused meanwhile, streams resume, then 0 lost.
    {
      const world = nodes.get("world") as BenchServer;
      const stopped = await world.stop("SIGTERM");
      await world[Symbol.asyncDispose]();
      const started = performance.now();
      await start("world", "world");
      const restartMs = round(performance.now() - started);
      // Every player back in the world: the new world follows the stream and takes them back;
      // their streams stay open.
      const backBy = performance.now() + 60_000;
      const expected = PLAYERS;
      let open = 0;
      while (performance.now() < backBy) {
        const counts = await Promise.all(
          edgeIds.map(async (id) => {
            const status = await (nodes.get(id) as BenchServer).status();
            return (status.streams as { open: number }).open;
          }),
        );
        open = counts.reduce((a, b) => a + b, 0);
        const worldStatus = await (nodes.get("world") as BenchServer).status();
        const inWorld = (worldStatus.players as { inWorld: number }).inWorld;
        if (open >= expected && inWorld >= expected) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const traffic = await crowd.traffic(RATE, SECONDS / 2);
      const summary = summarize(traffic);
      const resyncs = crowd.bots.reduce((sum, bot) => sum + bot.resyncs, 0);
      report(
        {
          scenario: "world",
          exitCode: stopped.code,
          stopMs: round(stopped.ms),
          restartMs,
          streamsBack: open,
          ...summary,
          resyncs,
        },
        stopped.code === 0 && summary.lost === 0 && summary.duplicated === 0 && open >= expected,
      );
    }
    for (const bot of crowd.bots) await bot.stopReconnecting();
    for (const bot of crowd.bots) bot.drop();
  } finally {
    for (const node of [...nodes.values()].reverse()) await node[Symbol.asyncDispose]();
  }
}
Deno.exit(scenarios.failed ? 1 : 0);
