/**
 * A whole cluster for one test: a real redis-server and PostgreSQL of its own, one world node and
 * edge nodes, each a server in this process (`MYTHOS_ROLE=world|edge`), disposed in order.
 *
 * @module
 */

import { startPostgres, type TestPostgres } from "./postgres.ts";
import { startRedis, type TestRedis } from "./redis.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { type TempDir, tempDir } from "./temp_dir.ts";
import { waitFor } from "./wait.ts";

/** A running test cluster. */
export interface TestCluster extends AsyncDisposable {
  /** Its Redis server. */
  readonly redis: TestRedis;
  /** The world node. */
  readonly world: TestServer;
  /** The edge nodes, `edge-1`, `edge-2`, ... */
  readonly edges: TestServer[];
  /** Starts another edge named `id`. */
  addEdge(id: string): Promise<TestServer>;
  /** The settings a node of this cluster runs with (to start one as a real process). */
  nodeEnv(role: "world" | "edge", id: string): Record<string, string>;
}

/** Options for {@linkcode startTestCluster}. */
export interface TestClusterOptions {
  /** How many edges; default 2. */
  edges?: number;
  /** Settings for every node, over the cluster's. */
  env?: Record<string, string>;
}

/**
 * Resolves once `node` runs the world: a world node answers `/readyz` with 503 while it stands by
 * for the world lease.
 */
export async function worldRunning(node: TestServer): Promise<void> {
  await waitFor(async () => {
    const response = await node.fetch("/readyz");
    await response.body?.cancel();
    return response.ok || undefined;
  }, { message: `${node.url} to take the world lease and run the world` });
}

/** Starts a cluster: `await using cluster = await startTestCluster()`. */
export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const stack = new AsyncDisposableStack();
  const edges: TestServer[] = [];
  try {
    const redis = stack.use(await startRedis({ appendOnly: true }));
    const postgres: TestPostgres = stack.use(await startPostgres());
    const database = await postgres.newDatabase();
    const dir: TempDir = stack.use(await tempDir());
    const env = (role: string, id: string): Record<string, string> => ({
      MYTHOS_ROLE: role,
      MYTHOS_NODE_ID: id,
      MYTHOS_REDIS_URL: redis.url,
      MYTHOS_DATABASE_URL: database,
      MYTHOS_NODE_TTL_MS: "1500",
      MYTHOS_WORLD_DEADLINE_MS: "5000",
      ...options.env,
    });
    const world = stack.use(
      await startTestServer({ dataDir: `${dir.path}/world`, env: env("world", "world") }),
    );
    await worldRunning(world);
    const addEdge = async (id: string) => {
      const edge = await startTestServer({ dataDir: `${dir.path}/${id}`, env: env("edge", id) });
      edges.push(edge);
      return edge;
    };
    for (let i = 1; i <= (options.edges ?? 2); i++) await addEdge(`edge-${i}`);
    const moved = stack.move();
    return {
      redis,
      world,
      edges,
      addEdge,
      nodeEnv: env,
      [Symbol.asyncDispose]: async () => {
        // Edges first, then the world, then Redis and PostgreSQL (the stack, in reverse).
        for (const edge of edges.splice(0).reverse()) await edge[Symbol.asyncDispose]();
        await moved.disposeAsync();
      },
    };
  } catch (error) {
    for (const edge of edges.splice(0).reverse()) await edge[Symbol.asyncDispose]();
    await stack.disposeAsync();
    throw error;
  }
}
