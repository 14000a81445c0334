/**
 * Bus figures for `/metrics`.
 *
 * @module
 */

import { counter, gauge, type Metric } from "../metrics.ts";
import type { EventBus } from "./event_bus.ts";

/** Published, delivered and resynced counts, subscribers, and what is buffered. */
export function busMetrics(bus: EventBus): Metric[] {
  const stats = bus.stats();
  return [
    counter(
      "mythos_bus_published_total",
      "Events published to at least one player",
      stats.published,
    ),
    counter("mythos_bus_delivered_total", "Event frames handed to subscribers", stats.delivered),
    counter("mythos_bus_resynced_total", "Subscribers told to resync", stats.resynced),
    gauge("mythos_bus_subscribers", "Live subscriptions", stats.subscribers),
    gauge("mythos_bus_mailboxes", "Players with an open mailbox", stats.mailboxes),
    gauge(
      "mythos_bus_buffered_frames",
      "Frames published to subscribers and not yet read",
      stats.bufferedFrames,
    ),
    gauge("mythos_bus_buffered_bytes", "Bytes of those frames", stats.bufferedBytes),
    gauge("mythos_bus_history_bytes", "Bytes of replay history kept", stats.historyBytes),
  ];
}
