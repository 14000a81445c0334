/**
 * The real-time core as the server runs it: the event bus, the SSE hub, the heartbeat task, and
 * their places in the shutdown sequence.
 *
 * @module
 */

import { EventBus, type EventBusOptions } from "./bus/event_bus.ts";
import { busMetrics } from "./bus/bus_metrics.ts";
import type { Metric } from "./metrics.ts";
import type { Supervisor } from "./lifecycle/supervisor.ts";
import type { Logger } from "./log.ts";
import { SseHub } from "./sse/hub.ts";
import { hubMetrics } from "./sse/hub_metrics.ts";

/** Settings the real-time core reads. */
export interface RealtimeSettings {
  /** Interval between `stream.ping` frames on idle streams. */
  heartbeatMs: number;
  /** A stream that cannot write for this long is ended. */
  stallTimeoutMs: number;
  /** Frames kept per player (replay window and buffer bound). */
  historyFrames: number;
  /** Bytes kept per player. */
  historyBytes: number;
  /** Longest an event is kept, in milliseconds. */
  historyMs: number;
}

/** The running real-time core. */
export interface Realtime {
  /** Where the game publishes. */
  bus: EventBus;
  /** Open streams. */
  hub: SseHub;
  /** `/admin/status` section. */
  status(): Record<string, unknown>;
  /** `/metrics` families. */
  metrics(): Metric[];
}

/** Name of the one heartbeat task. */
export const HEARTBEAT_TASK = "sse.heartbeat";

/**
 * Creates the bus (with `busOptions`: a cluster's world records its operations, an edge's bus
 * takes the world's ids) and the hub, spawns the heartbeat, and registers the streams phase (every
 * stream gets `stream.shutdown`) and the close phase (the bus closes).
 */
export function startRealtime(
  supervisor: Supervisor,
  settings: RealtimeSettings,
  logger: Logger,
  busOptions: Pick<EventBusOptions, "firstId" | "onOperation"> = {},
): Realtime {
  const bus = new EventBus({
    ...busOptions,
    history: {
      frames: settings.historyFrames,
      bytes: settings.historyBytes,
      ageMs: settings.historyMs,
    },
  });
  const hub = new SseHub({
    heartbeatMs: settings.heartbeatMs,
    stallTimeoutMs: settings.stallTimeoutMs,
    logger: logger.child({ part: "sse" }),
  });
  supervisor.spawn(HEARTBEAT_TASK, (signal) => hub.run(signal), { critical: true });
  supervisor.onShutdown("streams", "event streams", () => hub.closeAll("server restarting"));
  supervisor.onShutdown("close", "event bus", () => bus.close());
  return {
    bus,
    hub,
    status: () => ({ streams: hub.stats(), bus: bus.stats() }),
    metrics: () => [...busMetrics(bus), ...hubMetrics(hub)],
  };
}
