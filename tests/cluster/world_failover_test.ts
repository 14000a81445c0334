/**
 * The world node fails over: a standby takes the world lease when the running world hands it
 * over (SIGTERM), dies (`kill -9`) or is paused past its lease (SIGSTOP), and the players' streams
 * at the edges go on — every acknowledged say arrives once, in order, on the stream that was
 * open before. Worlds run as real processes where signals are the point; redis-server and
 * PostgreSQL are real.
 */

import { assert, assertEquals } from "@std/assert";
import { startTestCluster, type TestCluster, worldRunning } from "../support/cluster.ts";
import { TestPlayer } from "../support/player.ts";
import { type ServerProcess, spawnServer } from "../support/process.ts";
import { skipWithoutPostgres } from "../support/postgres.ts";
import { skipWithoutRedis } from "../support/redis.ts";
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from "../support/server.ts";
import { tempDir } from "../support/temp_dir.ts";
import { waitFor } from "../support/wait.ts";

const ignore = skipWithoutRedis("World failover tests") ||
  skipWithoutPostgres("World failover tests");

/** A short lease (a busy machine still renews it in time), a deadline that waits out a takeover. */
const LEASE = { MYTHOS_WORLD_LEASE_MS: "2000", MYTHOS_WORLD_DEADLINE_MS: "15000" };

/** Two players on the cluster's edge who hear each other, and a ledger of what was said. */
class Table {
  readonly sent: string[] = [];
  constructor(readonly ann: TestPlayer, readonly bob: TestPlayer) {}

  /** Bob says `count` more lines; each is acknowledged (202) before the next. */
  async talk(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const text = `line ${this.sent.length}`;
      await this.bob.do(`say ${text}`);
      this.sent.push(text);
    }
  }

  /** Ann's one stream has shown every line once, in order; returns how many. */
  async annHeardAll(): Promise<number> {
    const heard: string[] = [];
    while (heard.length < this.sent.length) {
      heard.push(
        String((await this.ann.expect("room.say", (data) => data.npc !== true, 20_000)).text),
      );
    }
    assertEquals(heard, this.sent);
    assertEquals(this.ann.streams.length, 1, "Ann's stream stayed open throughout");
    return heard.length;
  }
}

async function seatTable(edge: TestServer): Promise<Table> {
  const ann = await TestPlayer.enter(edge.url, "Ann");
  const bob = await TestPlayer.enter(edge.url, "Bob");
  await ann.expect("room.enter", (data) => data.who === "Bob");
  return new Table(ann, bob);
}

/** A cluster with one edge, a short lease, and Ann and Bob at the table. */
async function failoverFixture() {
  const stack = new AsyncDisposableStack();
  try {
    const cluster = stack.use(await startTestCluster({ edges: 1, env: LEASE }));
    const dir = stack.use(await tempDir());
    const edge = cluster.edges[0] as TestServer;
    const table = await seatTable(edge);
    stack.use(table.ann);
    stack.use(table.bob);
    const moved = stack.move();
    return { cluster, dir, edge, table, [Symbol.asyncDispose]: () => moved.disposeAsync() };
  } catch (error) {
    await stack.disposeAsync();
    throw error;
  }
}

/** Starts a world node as a real process, standing by. */
async function spawnWorld(cluster: TestCluster, id: string, dataDir: string) {
  const world = spawnServer({
    env: { ...cluster.nodeEnv("world", id), ...LEASE, MYTHOS_DATA_DIR: `${dataDir}/${id}` },
  });
  await world.waitForLog((line) => line.msg === "listening", 30_000);
  return world;
}

/** Starts a world node in this process and waits until the cluster view shows it standing by. */
async function startStandby(cluster: TestCluster, id: string, dataDir: string) {
  const standby = await startTestServer({
    dataDir: `${dataDir}/${id}`,
    env: { ...cluster.nodeEnv("world", id), ...LEASE },
  });
  await waitFor(async () => {
    const view = await clusterView(cluster.edges[0] as TestServer);
    return view.nodes.some((node) => node.id === id && node.standby === true) || undefined;
  }, { message: `${id} to stand by` });
  return standby;
}

/** The cluster view as the edge shows it. */
async function clusterView(edge: TestServer) {
  const response = await edge.fetch("/admin/status", {
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
  });
  return (await response.json()).cluster as {
    world?: string;
    worldToken?: number;
    nodes: { id: string; role: string; standby?: boolean }[];
  };
}

/** Hands the world from the in-process node to the process `next` with SIGTERM's shutdown. */
async function handOver(cluster: TestCluster, next: ServerProcess) {
  await waitFor(async () => {
    const view = await clusterView(cluster.edges[0] as TestServer);
    return view.nodes.some((node) => node.standby === true) || undefined;
  }, { message: "the standby to show in the cluster view" });
  const report = await cluster.world.server.shutdown("SIGTERM");
  assertEquals(report.exitCode, 0, JSON.stringify(report));
  const took = await next.waitForLog((line) => line.msg === "running the world", 30_000);
  return took;
}

Deno.test({
  name:
    "SIGTERM hands the world to the standby after its save, and kill -9 of that world lets the next standby take over: streams at the edges stay open and every acknowledged say arrives once, in order",
  ignore,
}, async () => {
  await using fixture = await failoverFixture();
  const { cluster, dir, edge, table } = fixture;
  await table.talk(3);

  // A planned restart: the lease passes at the release, long before it could have lapsed.
  await using second = await spawnWorld(cluster, "world-2", dir.path);
  const handedOver = await handOver(cluster, second);
  const released = cluster.world.logs.find((line) => line.msg === "released the world lease");
  assertEquals(released?.released, true, "the old world gave the lease up");
  assert(Number(handedOver.stoodByMs) >= 0);
  // The cluster view (refreshed once a second) names the new world.
  await waitFor(async () => (await clusterView(edge)).world === "world-2" || undefined, {
    message: "the cluster view to name world-2",
  });
  await table.talk(3);

  // The running world dies: the next standby takes over once the lease lapses.
  await using third = await startStandby(cluster, "world-3", dir.path);
  second.child.kill("SIGKILL");
  await worldRunning(third);
  const view = await waitFor(async () => {
    const view = await clusterView(edge);
    return view.world === "world-3" ? view : undefined;
  }, { message: "the cluster view to name world-3" });
  assertEquals(view.worldToken, 3, "a newer token for each world");
  await table.talk(3);
  assertEquals(await table.annHeardAll(), 9);
  // Bob, taken back by each new world from his save, is where he was and can still move.
  await table.bob.do("look");
  await table.bob.expect("room.look");
});

Deno.test({
  name:
    "a world paused past its lease (SIGSTOP) is replaced, and when it wakes (SIGCONT) it writes nothing and stops",
  ignore,
}, async () => {
  await using fixture = await failoverFixture();
  const { cluster, dir, table } = fixture;
  await using paused = await spawnWorld(cluster, "world-2", dir.path);
  await handOver(cluster, paused);
  await table.talk(2);

  await using standby = await startStandby(cluster, "world-3", dir.path);
  paused.child.kill("SIGSTOP");
  try {
    await worldRunning(standby);
    await table.talk(2);
  } finally {
    paused.child.kill("SIGCONT");
  }
  const status = await paused.exited(30_000);
  assertEquals(status.code, 1, "the old world stopped");
  assert(
    paused.logs.some((line) => line.msg === "this node no longer holds the world lease; stopping"),
    "and said why",
  );
  await table.talk(2);
  assertEquals(await table.annHeardAll(), 6);
});
