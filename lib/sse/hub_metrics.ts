/**
 * SSE hub figures for `/metrics`.
 *
 * @module
 */

import { counter, gauge, type Metric } from "../metrics.ts";
import type { SseHub } from "./hub.ts";

/** Open streams, streams ended by reason, and pings. */
export function hubMetrics(hub: SseHub): Metric[] {
  const stats = hub.stats();
  return [
    gauge("mythos_sse_streams_open", "Event streams open now", stats.open),
    counter("mythos_sse_streams_opened_total", "Event streams opened", stats.opened),
    {
      name: "mythos_sse_streams_ended_total",
      help: "Event streams ended, by reason",
      type: "counter",
      samples: Object.entries(stats.ended).map(([reason, value]) => ({
        labels: { reason },
        value,
      })),
    },
    counter("mythos_sse_pings_total", "Keep-alive pings queued on idle streams", stats.pings),
  ];
}
