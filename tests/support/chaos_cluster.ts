/**
 * A whole cluster of real processes for the chaos suite: redis-server (append-only) and
 * PostgreSQL of its own, two world nodes (one runs, one stands by), two edges on fixed ports behind
 * HAProxy. It plays the part of a process supervisor: a world node that stops (killed, or stopping
 * itself after losing the lease) is replaced by a fresh standby, and a killed edge is started
 * again on its port.
 *
 * @module
 */

import { startHaproxy, type TestHaproxy } from "./haproxy.ts";
import { startPostgres, type TestPostgres } from "./postgres.ts";
import { type ServerProcess, spawnServer } from "./process.ts";
import { startRedis, type TestRedis } from "./redis.ts";
import { TEST_ADMIN_TOKEN } from "./server.ts";
import { freePort } from "./ports.ts";
import { type TempDir, tempDir } from "./temp_dir.ts";
import { waitFor, withTimeout } from "./wait.ts";

/** A node process and where it answers. */
export interface ChaosNode {
  /** Its `MYTHOS_NODE_ID`. */
  id: string;
  /** The process. */
  process: ServerProcess;
  /** Its base URL. */
  url: URL;
}

/** The cluster under test. */
export class ChaosCluster implements AsyncDisposable {
  /** The Redis server. */
  readonly redis: TestRedis;
  /** The PostgreSQL server. */
  readonly postgres: TestPostgres;
  /** The database the nodes share. */
  readonly database: string;
  /** HAProxy in front of the edges. */
  haproxy!: TestHaproxy;
  /** World nodes alive now (one runs the world). */
  readonly worlds: ChaosNode[] = [];
  /** Edge nodes, by id. */
  readonly edges: ChaosNode[] = [];
  readonly #dir: TempDir;
  readonly #env: Record<string, string>;
  #worldsStarted = 0;

  private constructor(
    parts: { redis: TestRedis; postgres: TestPostgres; database: string; dir: TempDir },
    env: Record<string, string>,
  ) {
    this.redis = parts.redis;
    this.postgres = parts.postgres;
    this.database = parts.database;
    this.#dir = parts.dir;
    this.#env = env;
  }

  /** Starts everything: `await using cluster = await ChaosCluster.start(env)`. */
  static async start(env: Record<string, string> = {}): Promise<ChaosCluster> {
    const stack = new AsyncDisposableStack();
    try {
      const redis = stack.use(await startRedis({ appendOnly: true }));
      const postgres = stack.use(await startPostgres());
      const database = await postgres.newDatabase();
      const dir = stack.use(await tempDir());
      const cluster = new ChaosCluster({ redis, postgres, database, dir }, env);
      stack.defer(() => cluster.#stopNodes());
      await cluster.startWorld();
      await cluster.runningWorld();
      await cluster.startWorld();
      const ports = [freePort(), freePort()];
      for (const [i, port] of ports.entries()) await cluster.startEdge(`edge-${i + 1}`, port);
      cluster.haproxy = await startHaproxy(
        ports.map((port) => new URL(`http://127.0.0.1:${port}`)),
      );
      stack.move();
      return cluster;
    } catch (error) {
      await stack.disposeAsync();
      throw error;
    }
  }

  /** The settings of a node of this cluster. */
  nodeEnv(role: "world" | "edge", id: string): Record<string, string> {
    return {
      MYTHOS_ROLE: role,
      MYTHOS_NODE_ID: id,
      MYTHOS_REDIS_URL: this.redis.url,
      MYTHOS_DATABASE_URL: this.database,
      MYTHOS_DATA_DIR: `${this.#dir.path}/${id}`,
      MYTHOS_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      MYTHOS_LOGIN_ATTEMPTS_PER_MINUTE: "100000",
      MYTHOS_NODE_TTL_MS: "2000",
      MYTHOS_LOG_LEVEL: "info",
      ...this.#env,
    };
  }

  /** Starts a world node (it stands by while another runs the world). */
  async startWorld(): Promise<ChaosNode> {
    const id = `world-${++this.#worldsStarted}`;
    const node = await this.#start("world", id);
    this.worlds.push(node);
    return node;
  }

  /** Starts edge `id` on `port` (the port HAProxy knows it by). */
  async startEdge(id: string, port: number): Promise<ChaosNode> {
    const node = await this.#start("edge", id, port);
    await waitFor(async () => (await readyz(node.url)) === 200 || undefined, {
      timeout: 60_000,
      message: `${id} to be ready`,
    });
    this.edges.push(node);
    return node;
  }

  /** The world node running the world, once one does. */
  async runningWorld(): Promise<ChaosNode> {
    return await waitFor(async () => {
      for (const world of this.worlds) if ((await readyz(world.url)) === 200) return world;
      return undefined;
    }, { timeout: 60_000, message: "a world node to run the world" });
  }

  /**
   * Acts as the supervisor: world nodes that have exited are dropped and replaced by standbys,
   * so two are alive again.
   */
  async replaceStoppedWorlds(): Promise<void> {
    for (const world of [...this.worlds]) {
      if (await exitedAlready(world.process)) {
        this.worlds.splice(this.worlds.indexOf(world), 1);
        await world.process[Symbol.asyncDispose]();
      }
    }
    while (this.worlds.length < 2) await this.startWorld();
  }

  /** Kills edge `node` with SIGKILL and starts it again on its port. */
  async restartEdge(node: ChaosNode, signal: Deno.Signal = "SIGKILL"): Promise<ChaosNode> {
    node.process.child.kill(signal);
    await node.process.exited(30_000);
    await node.process[Symbol.asyncDispose]();
    this.edges.splice(this.edges.indexOf(node), 1);
    return await this.startEdge(node.id, Number(node.url.port));
  }

  /** `/admin/status` of a node. */
  async status(node: ChaosNode): Promise<Record<string, unknown>> {
    const response = await fetch(new URL("/admin/status", node.url), {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    return await response.json();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#stopNodes();
    await this.haproxy?.[Symbol.asyncDispose]();
    await this.#dir[Symbol.asyncDispose]();
    await this.postgres[Symbol.asyncDispose]();
    await this.redis[Symbol.asyncDispose]();
  }

  async #start(role: "world" | "edge", id: string, port = 0): Promise<ChaosNode> {
    const process = spawnServer({ env: { ...this.nodeEnv(role, id), MYTHOS_PORT: String(port) } });
    try {
      const listening = await process.waitForLog((line) => line.msg === "listening", 60_000);
      return { id, process, url: new URL(`http://127.0.0.1:${listening.port}`) };
    } catch (error) {
      await process[Symbol.asyncDispose]();
      throw new Error(`${id} did not start: ${process.stderr().slice(-2000)}`, { cause: error });
    }
  }

  async #stopNodes(): Promise<void> {
    const nodes = [...this.edges.splice(0), ...this.worlds.splice(0)];
    await Promise.all(nodes.map((node) => node.process[Symbol.asyncDispose]()));
  }
}

/** The status `/readyz` answers, or 0 when nothing answers. */
export async function readyz(url: URL): Promise<number> {
  // A paused process accepts the connection and never answers: give up after a while, and
  // cancel the request given up on.
  const controller = new AbortController();
  try {
    const response = await withTimeout(
      fetch(new URL("/readyz", url), { signal: controller.signal }),
      5000,
      `${url} /readyz`,
    );
    await response.body?.cancel();
    return response.status;
  } catch {
    controller.abort();
    return 0;
  }
}

async function exitedAlready(process: ServerProcess): Promise<boolean> {
  try {
    await process.exited(1);
    return true;
  } catch {
    return false;
  }
}
