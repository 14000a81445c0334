/**
 * The real server (`main.ts`) as a benchmark subject: a child process with benchmark settings,
 * its log lines, `/admin/status`, and its CPU and memory from /proc.
 *
 * @module
 */

import { SERVER_V8_FLAGS_ARGUMENT } from "../../lib/v8_flags.ts";
import { JsonLines } from "./lines.ts";
import { cpuMs, rssBytes } from "./proc.ts";

const ROOT = new URL("../../", import.meta.url);

const PROFILE_DIR = Deno.env.get("MYTHOS_BENCH_CPU_PROFILE");

/** The admin token the benchmark server accepts. */
export const BENCH_ADMIN_TOKEN = "bench-admin-token-0123456789";

/** A running server under test; disposing it kills it and removes its data directory. */
export interface BenchServer extends AsyncDisposable {
  /** Its data directory (a fresh temporary one). */
  dataDir: string;
  /** The child process. */
  child: Deno.ChildProcess;
  /** Its base URL. */
  url: URL;
  /** Its JSON log lines. */
  lines: JsonLines;
  /** `/admin/status`. */
  status(): Promise<Record<string, unknown>>;
  /** CPU milliseconds and RSS bytes from /proc. */
  usage(): Promise<{ cpuMs: number; rssBytes: number }>;
  /** Sends a signal and waits for exit; returns the exit code and milliseconds taken. */
  stop(signal?: Deno.Signal): Promise<{ code: number; ms: number }>;
}

/**
 * Starts `deno run main.ts` on a fresh data directory with the benchmark-only password cost, a
 * high login allowance (every bot connects from loopback), and `env` over that.
 */
export async function startBenchServer(
  env: Record<string, string>,
  verbose = false,
): Promise<BenchServer> {
  const dataDir = await Deno.makeTempDir({ prefix: "mythos-bench-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      // MYTHOS_BENCH_CPU_PROFILE=<dir>: the server writes a V8 CPU profile there when it exits.
      ...(PROFILE_DIR === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`]),
      // The server as `deno task start` runs it.
      SERVER_V8_FLAGS_ARGUMENT,
      new URL("main.ts", ROOT).pathname,
    ],
    cwd: ROOT.pathname,
    env: {
      MYTHOS_PORT: "0",
      MYTHOS_PASSWORD_COST: "1000",
      MYTHOS_LOGIN_ATTEMPTS_PER_MINUTE: "1000000",
      MYTHOS_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
      MYTHOS_LOG_LEVEL: "info",
      MYTHOS_DATA_DIR: dataDir,
      // The benches measure delivery, not danger: no creature fights a bot (a bot that fell would
      // wake elsewhere and miss what its room heard).
      MYTHOS_COMBAT_TICK_MS: "3600000",
      NO_COLOR: "1",
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: verbose ? "inherit" : "null",
  }).spawn();
  const lines = new JsonLines(
    child.stdout,
    // deno-lint-ignore no-console
    verbose ? (line) => console.error(`[server] ${line}`) : undefined,
  );
  const listening = await lines.wait(
    (line) => line.msg === "listening",
    30_000,
    "the server to listen",
  );
  const url = new URL(`http://127.0.0.1:${listening.port}`);
  return {
    dataDir,
    child,
    url,
    lines,
    status: async () => {
      const response = await fetch(new URL("/admin/status", url), {
        headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` },
      });
      return await response.json();
    },
    usage: async () => ({ cpuMs: await cpuMs(child.pid), rssBytes: await rssBytes(child.pid) }),
    stop: async (signal = "SIGTERM") => {
      const started = performance.now();
      child.kill(signal);
      const status = await child.status;
      await lines.done;
      return { code: status.code, ms: performance.now() - started };
    },
    [Symbol.asyncDispose]: async () => {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      await child.status;
      await lines.done;
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}
