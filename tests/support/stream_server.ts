/**
 * A server with only the real-time core and `GET /api/events`, where the player is named by a
 * test header instead of a session. It runs the same supervisor, bus, hub, heartbeat task and
 * shutdown phases as the full server.
 *
 * @module
 */

import { EventBus } from "../../lib/bus/event_bus.ts";
import { serve } from "../../lib/http/serve.ts";
import { Supervisor } from "../../lib/lifecycle/supervisor.ts";
import { createLogger } from "../../lib/log.ts";
import { type RealtimeSettings, startRealtime } from "../../lib/realtime.ts";
import type { SseHub } from "../../lib/sse/hub.ts";
import { openEventStream } from "../../lib/sse/open_stream.ts";
import { createApp } from "../../routes/app.ts";
import { eventsRoutes } from "../../routes/events.ts";
import { type ConnectOptions, SseClient } from "./sse_client.ts";

/** A running stream server. */
export interface StreamServer extends AsyncDisposable {
  /** Base URL. */
  readonly url: URL;
  /** Its supervisor. */
  readonly supervisor: Supervisor;
  /** Its bus. */
  readonly bus: EventBus;
  /** Its hub. */
  readonly hub: SseHub;
  /** The events URL. */
  readonly eventsUrl: URL;
  /** Opens `player`'s mailbox (if needed) and connects a client as `player`. */
  connect(player: string, options?: ConnectOptions): Promise<SseClient>;
}

/** Header naming the player on the test events route. */
export const TEST_PLAYER_HEADER = "x-test-player";

/** Starts a stream server: `await using server = await startStreamServer()`. */
export function startStreamServer(
  settings: Partial<RealtimeSettings> & { shutdownDeadlineMs?: number } = {},
): Promise<StreamServer> {
  const logger = createLogger({ write: () => {} });
  const supervisor = new Supervisor({
    shutdownDeadlineMs: settings.shutdownDeadlineMs ?? 5000,
    logger,
  });
  const realtime = startRealtime(supervisor, {
    heartbeatMs: 15_000,
    stallTimeoutMs: 30_000,
    historyFrames: 1024,
    historyBytes: 1_048_576,
    historyMs: 120_000,
    ...settings,
  }, logger);
  const { bus, hub } = realtime;
  const app = createApp({
    supervisor,
    logger,
    adminToken: undefined,
    status: realtime.status,
    metrics: realtime.metrics,
    routes: [eventsRoutes({
      identify: (c) => {
        const player = c.req.header(TEST_PLAYER_HEADER);
        return player === undefined ? undefined : { key: player, name: player };
      },
      openStream: (viewer, lastEventId) => {
        bus.open(viewer.key);
        return openEventStream(bus, hub, viewer.key, {
          player: viewer.name ?? viewer.key,
          lastEventId,
        });
      },
    })],
  });
  const { url } = serve(supervisor, (request, info) => app.fetch(request, info), {
    hostname: "127.0.0.1",
    port: 0,
  });
  supervisor.markReady();
  const eventsUrl = new URL("/api/events", url);
  return Promise.resolve({
    url,
    supervisor,
    bus,
    hub,
    eventsUrl,
    connect: (player, options = {}) =>
      SseClient.connect(eventsUrl, {
        ...options,
        headers: { [TEST_PLAYER_HEADER]: player, ...options.headers },
      }),
    [Symbol.asyncDispose]: async () => {
      await supervisor.shutdown({ reason: "test over" });
    },
  });
}
