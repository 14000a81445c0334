/**
 * Connecting to Redis, and keeping the loops that read from it running while it comes and goes.
 *
 * A node's clients fail fast while Redis is away (no offline queue: a command queued then would
 * run long after its HTTP request was answered 503) and reconnect on their own; the loops that
 * block on Redis wrap themselves in {@linkcode keepRunning}, which waits and tries again rather
 * than failing the task, so nothing spins and nothing shuts the node down.
 *
 * @module
 */

import { delay } from "@std/async/delay";
import { createClient } from "redis";
import { errorFields, type Logger } from "../log.ts";
import type { RedisClient } from "./event_log.ts";
import { FencedOutError } from "./fence.ts";

/** Redis could not be reached at start-up. */
export class RedisUnavailableError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RedisUnavailableError";
  }
}

/** Longest pause between reconnection attempts, in milliseconds. */
const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * Connects a client to `url`. The first connection must succeed (within `connectTimeoutMs`);
 * after that the client reconnects by itself whenever the connection drops, logging once per
 * outage.
 *
 * @throws {RedisUnavailableError} when the first connection fails.
 */
export async function openRedis(
  url: string,
  options: { logger: Logger; name: string; connectTimeoutMs?: number },
): Promise<RedisClient> {
  let connectedOnce = false;
  let down = false;
  const client = createClient({
    url,
    name: options.name,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 3000,
      reconnectStrategy: (retries: number, cause: Error) =>
        connectedOnce ? Math.min(50 * 2 ** Math.min(retries, 5), MAX_RECONNECT_DELAY_MS) : cause,
    },
  });
  // node-redis throws an 'error' event nobody listens to; every client needs a listener.
  client.on("error", (error: unknown) => {
    if (!connectedOnce || down) return;
    down = true;
    options.logger.warn("lost the connection to Redis; reconnecting", {
      client: options.name,
      error: errorFields(error),
    });
  });
  client.on("ready", () => {
    if (down) options.logger.info("connected to Redis again", { client: options.name });
    down = false;
  });
  try {
    await client.connect();
  } catch (error) {
    throw new RedisUnavailableError(`cannot connect to Redis at ${redactUrl(url)}`, {
      cause: error,
    });
  }
  connectedOnce = true;
  return client as unknown as RedisClient;
}

/** Closes a client, whether or not Redis still answers. */
export async function closeRedis(client: RedisClient): Promise<void> {
  try {
    if (client.isOpen) await client.quit();
  } catch {
    // Redis away: drop the connection without the goodbye.
    client.destroy();
  }
}

/** A Redis URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.href;
  } catch {
    return "(not a URL)";
  }
}

/**
 * Runs `body` until `signal` aborts: when it throws (Redis away), logs once, waits (doubling up
 * to two seconds, abortably) and runs it again. A run that lasted a while resets the pause. A
 * {@linkcode FencedOutError} is thrown on: the node must stop acting as the world.
 */
export async function keepRunning(
  what: string,
  signal: AbortSignal,
  logger: Logger,
  body: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    const started = performance.now();
    try {
      await body(signal);
      if (signal.aborted) return;
      continue;
    } catch (error) {
      if (signal.aborted) return;
      // A world that another has fenced out must stop, not try again.
      if (error instanceof FencedOutError) throw error;
      if (performance.now() - started > 5000) failures = 0;
      failures++;
      if (failures === 1) {
        logger.warn(`${what}: Redis failed; trying again`, { error: errorFields(error) });
      }
    }
    await delay(Math.min(100 * 2 ** (failures - 1), 2000), { signal }).catch(() => {});
  }
}
