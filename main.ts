/**
 * The composition root: config → supervisor → app → `Deno.serve` → wait for shutdown.
 *
 * `deno task start` runs this file. Tests start the same server in-process with
 * {@linkcode startServer}, or as a real process when signals and exit codes are the point.
 *
 * @module
 */

import { type Config, ConfigError, type EnvReader, loadConfig } from "./lib/config.ts";
import { exitWhenIdle } from "./lib/lifecycle/exit.ts";
import { handleShutdownSignals } from "./lib/lifecycle/signals.ts";
import { type ShutdownReport, Supervisor } from "./lib/lifecycle/supervisor.ts";
import { supervisorMetrics } from "./lib/lifecycle/supervisor_metrics.ts";
import { processMetrics } from "./lib/http/metrics.ts";
import { serve } from "./lib/http/serve.ts";
import { createLogger, errorFields, type Logger } from "./lib/log.ts";
import { startRealtime } from "./lib/realtime.ts";
import { createApp } from "./routes/app.ts";

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
}

/** Starts every part of the server and begins listening. */
export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const supervisor = new Supervisor({ shutdownDeadlineMs: config.shutdownDeadlineMs, logger });
  try {
    const realtime = startRealtime(supervisor, config, logger);
    const app = createApp({
      supervisor,
      logger,
      adminToken: config.adminToken,
      status: () => ({ ...realtime.status() }),
      metrics: () => [
        ...processMetrics(),
        ...supervisorMetrics(supervisor),
        ...realtime.metrics(),
      ],
    });
    const { url, addr } = await serve(supervisor, app.fetch, {
      hostname: config.host,
      port: config.port,
    });
    supervisor.markReady();
    logger.info("listening", {
      address: url.href,
      hostname: addr.hostname,
      port: addr.port,
      publicUrl: config.publicUrl.href,
    });
    return {
      url,
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

/** Options for {@linkcode main}. */
export interface MainOptions {
  /** Reads settings; default `Deno.env.get`. */
  env?: EnvReader;
  /** Called once the server listens, before waiting for shutdown (test fixtures use it). */
  onStarted?: (server: RunningServer) => void;
}

/**
 * Runs the server until a signal, an admin or a failed critical task shuts it down, logs the
 * shutdown report, and returns the exit code: 0, 1 after a failure or a missed deadline, 2 for a
 * bad setting.
 */
export async function main(options: MainOptions = {}): Promise<number> {
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
    server = await startServer(config, { logger });
  } catch (error) {
    logger.error("start-up failed", { error: errorFields(error) });
    return 1;
  }
  using _signals = handleShutdownSignals(server.supervisor, { logger });
  options.onStarted?.(server);
  const report = await server.supervisor.finished;
  const { counts, ...rest } = report;
  logger.info("shutdown complete", { ...rest, ...counts });
  return report.exitCode;
}

if (import.meta.main) {
  const code = await main();
  exitWhenIdle(code, createLogger());
}
