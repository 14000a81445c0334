/**
 * The real-time core as the server runs it — supervisor, event bus, SSE hub, heartbeat task,
 * signals and ordered shutdown — with the player named by a header instead of a session, and a
 * publish endpoint driven by the benchmark.
 *
 * @module
 */

import { Hono } from "hono";
import { loadConfig } from "../lib/config.ts";
import { serve } from "../lib/http/serve.ts";
import { defaultMaxConnections, readFileLimit } from "../lib/http/file_limit.ts";
import { exitWhenIdle } from "../lib/lifecycle/exit.ts";
import { handleShutdownSignals } from "../lib/lifecycle/signals.ts";
import { Supervisor } from "../lib/lifecycle/supervisor.ts";
import { createLogger } from "../lib/log.ts";
import { startRealtime } from "../lib/realtime.ts";
import { openEventStream } from "../lib/sse/open_stream.ts";
import { createApp } from "../routes/app.ts";
import { eventsRoutes } from "../routes/events.ts";
import { memory, paced, wallClock } from "./pace.ts";

const config = loadConfig();
const logger = createLogger({ level: config.logLevel });
const supervisor = new Supervisor({ shutdownDeadlineMs: config.shutdownDeadlineMs, logger });
const realtime = startRealtime(supervisor, config, logger);
const { bus, hub } = realtime;

const control = new Hono();
control.get("/bench/memory", (c) => c.json(memory()));
control.post("/bench/publish", async (c) => {
  const count = Number(c.req.query("count"));
  const rate = Number(c.req.query("rate"));
  await paced(count, rate, (seq) => {
    bus.publish({
      type: "room.say",
      data: { from: "bench", text: `${seq} ${wallClock()}` },
    }, { to: "all" });
  });
  return c.json({ published: count });
});

const app = createApp({
  supervisor,
  logger,
  adminToken: undefined,
  status: realtime.status,
  metrics: realtime.metrics,
  routes: [
    control,
    eventsRoutes({
      identify: (c) => {
        const player = c.req.header("x-bench-player");
        return player === undefined ? undefined : { key: player, name: player };
      },
      openStream: (viewer, lastEventId) => {
        bus.open(viewer.key);
        return openEventStream(bus, hub, viewer.key, {
          player: viewer.name ?? viewer.key,
          lastEventId,
        });
      },
    }),
  ],
});

const { addr } = serve(supervisor, (request, info) => app.fetch(request, info), {
  hostname: config.host,
  port: config.port,
  limits: { maxConnections: config.maxConnections ?? defaultMaxConnections(readFileLimit()) },
});
supervisor.markReady();
logger.info("listening", { port: addr.port });
{
  using _signals = handleShutdownSignals(supervisor, { logger });
  const report = await supervisor.finished;
  const { counts, ...rest } = report;
  logger.info("shutdown complete", { ...rest, ...counts });
  exitWhenIdle(report.exitCode, logger);
}
