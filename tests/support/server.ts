/**
 * An in-process server on port 0 with its own data directory, disposed at the end of a test.
 *
 * @module
 */

import { type Config, loadConfig } from "../../lib/config.ts";
import { createLogger, type Logger } from "../../lib/log.ts";
import { type RunningServer, startServer } from "../../main.ts";
import { createDatabase } from "./postgres.ts";
import { type TempDir, tempDir } from "./temp_dir.ts";

/** The admin token every test server accepts. */
export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789";

/** A server for one test. */
export interface TestServer extends AsyncDisposable {
  /** The running server. */
  readonly server: RunningServer;
  /** Its base URL. */
  readonly url: URL;
  /** The settings it runs with. */
  readonly config: Config;
  /** Every log line it wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  /** Fetches a path on the server. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/** Options for {@linkcode startTestServer}. */
export interface TestServerOptions {
  /** Settings as environment variables, over the test defaults. */
  env?: Record<string, string>;
  /** Reuse a data directory (to restart on the same data); default a fresh one. */
  dataDir?: string;
}

/** Settings for tests: port 0, a cheap password cost, the test admin token. */
export function testConfig(env: Record<string, string>): Config {
  const merged: Record<string, string> = {
    MYTHOS_PORT: "0",
    MYTHOS_PASSWORD_COST: "1000",
    MYTHOS_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    MYTHOS_SHUTDOWN_DEADLINE_MS: "5000",
    MYTHOS_LOG_LEVEL: "debug",
    ...env,
  };
  return loadConfig((name) => merged[name]);
}

function captureLogger(logs: Record<string, unknown>[]): Logger {
  const echo = Deno.env.get("MYTHOS_TEST_LOGS") === "1";
  return createLogger({
    level: "debug",
    write: (line) => {
      logs.push(JSON.parse(line));
      // deno-lint-ignore no-console
      if (echo) console.error(line);
    },
  });
}

/** Databases made for data directories when the suite runs on PostgreSQL (a restart reuses one). */
const databases = new Map<string, string>();

/**
 * With `MYTHOS_TEST_STORE=postgres` (set by `deno task test:postgres`), each server gets a
 * PostgreSQL database of its own on the server `MYTHOS_TEST_DATABASE_URL` names: the same test,
 * the other store.
 */
async function storeEnv(dataDir: string): Promise<Record<string, string>> {
  if (Deno.env.get("MYTHOS_TEST_STORE") !== "postgres") return {};
  const server = Deno.env.get("MYTHOS_TEST_DATABASE_URL");
  if (server === undefined) {
    throw new Error(
      "MYTHOS_TEST_STORE=postgres needs MYTHOS_TEST_DATABASE_URL: run deno task test:postgres",
    );
  }
  let url = databases.get(dataDir);
  if (url === undefined) {
    url = await createDatabase(server);
    databases.set(dataDir, url);
  }
  return { MYTHOS_DATABASE_URL: url };
}

/** Starts a server: `await using test = await startTestServer()`. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  let dir: TempDir | undefined;
  const dataDir = options.dataDir ?? (dir = await tempDir()).path;
  const config = testConfig({
    MYTHOS_DATA_DIR: dataDir,
    ...await storeEnv(dataDir),
    ...options.env,
  });
  const logs: Record<string, unknown>[] = [];
  let server: RunningServer;
  try {
    server = await startServer(config, { logger: captureLogger(logs) });
  } catch (error) {
    await dir?.[Symbol.asyncDispose]();
    throw error;
  }
  return {
    server,
    url: server.url,
    config,
    logs,
    fetch: (path, init) => fetch(new URL(path, server.url), init),
    [Symbol.asyncDispose]: async () => {
      try {
        await server[Symbol.asyncDispose]();
      } finally {
        await dir?.[Symbol.asyncDispose]();
      }
    },
  };
}
