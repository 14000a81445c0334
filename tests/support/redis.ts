/**
 * A real redis-server for tests and benchmarks, on a loopback port of its own with its data in a
 * temporary directory; stopped and removed when disposed. Or, when `MYTHOS_TEST_REDIS_URL` is
 * set, that server.
 *
 * @module
 */

import { delay } from "@std/async/delay";
import { join } from "@std/path/join";
import { createClient } from "redis";
import { freePort } from "./ports.ts";

/** How to install Redis where it is missing. */
export const REDIS_INSTALL = "sudo apt-get install -y redis-server";

/** Why Redis tests are skipped, and how to get them running. */
export const REDIS_MISSING =
  `redis-server is not installed, so the Redis tests are skipped. Install it (${REDIS_INSTALL}) or set MYTHOS_TEST_REDIS_URL; CI (.ci/run) installs it.`;

/** Whether a Redis server can be had (installed, or given by URL). */
export function redisAvailable(): boolean {
  if (Deno.env.get("MYTHOS_TEST_REDIS_URL") !== undefined) return true;
  try {
    Deno.statSync("/usr/bin/redis-server");
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the tests of a file must be skipped for want of Redis; when they must, registers one
 * ignored test whose name says so and how to install it. Use as `{ name, ignore }`.
 */
export function skipWithoutRedis(what: string): boolean {
  if (redisAvailable()) return false;
  Deno.test({ name: `${what}: skipped. ${REDIS_MISSING}`, ignore: true, fn: () => {} });
  return true;
}

/** A connected node-redis client that quits when disposed. */
export type TestRedisClient = ReturnType<typeof createClient> & AsyncDisposable;

/** Connects a client: `await using client = await connectRedis(url)`. */
export async function connectRedis(url: string): Promise<TestRedisClient> {
  const client = createClient({ url });
  await client.connect();
  return Object.assign(client, {
    [Symbol.asyncDispose]: async () => {
      await client.quit();
    },
  });
}

/** A running redis-server. */
export interface TestRedis extends AsyncDisposable {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Stops the server (its append-only file stays; `start()` brings it back on the same port). */
  stop(): Promise<void>;
  /** Starts it again after `stop()`. */
  start(): Promise<void>;
}

/**
 * Starts redis-server: `await using redis = await startRedis()`. With `appendOnly`, every write
 * is logged to an append-only file (fsync every second), as production should run it.
 */
export async function startRedis(options: { appendOnly?: boolean } = {}): Promise<TestRedis> {
  const given = Deno.env.get("MYTHOS_TEST_REDIS_URL");
  if (given !== undefined) {
    return {
      url: given,
      stop: () =>
        Promise.reject(new Error("A server given by MYTHOS_TEST_REDIS_URL is not stopped")),
      start: () => Promise.resolve(),
      [Symbol.asyncDispose]: () => Promise.resolve(),
    };
  }
  if (!redisAvailable()) throw new Error(REDIS_MISSING);
  const dir = await Deno.makeTempDir({ prefix: "mythos-redis-" });
  const port = freePort();
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    options.appendOnly ? "yes" : "no",
    "--logfile",
    join(dir, "redis.log"),
  ];
  let child: Deno.ChildProcess | undefined;
  const start = async () => {
    child = new Deno.Command("/usr/bin/redis-server", {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    // Ready when it accepts a connection and answers PING.
    const deadline = performance.now() + 10_000;
    while (true) {
      try {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        try {
          await conn.write(new TextEncoder().encode("PING\r\n"));
          const buffer = new Uint8Array(16);
          const n = await conn.read(buffer);
          if (n !== null && new TextDecoder().decode(buffer.subarray(0, n)).startsWith("+PONG")) {
            return;
          }
        } finally {
          conn.close();
        }
      } catch {
        // Not listening yet.
      }
      if (performance.now() > deadline) throw new Error("redis-server did not start within 10 s");
      await delay(20);
    }
  };
  const stop = async () => {
    if (child === undefined) return;
    child.kill("SIGTERM");
    await child.status;
    child = undefined;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    [Symbol.asyncDispose]: async () => {
      await stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
