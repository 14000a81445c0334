/**
 * SSE hub figures for `/metrics`.
 *
 * @module
 */

import type { Metric } from "../http/metrics.ts";
import type { SseHub } from "./hub.ts";

/** Open streams, streams ended by reason, and pings. */
export function hubMetrics(hub: SseHub): Metric[] {
  const stats = hub.stats();
  return [
    {
      name: "mythos_sse_streams_open",
      help: "Event streams open now",
      type: "gauge",
      samples: [{ value: stats.open }],
    },
    {
      name: "mythos_sse_streams_opened_total",
      help: "Event streams opened",
      type: "counter",
      samples: [{ value: stats.opened }],
    },
    {
      name: "mythos_sse_streams_ended_total",
      help: "Event streams ended, by reason",
      type: "counter",
      samples: Object.entries(stats.ended).map(([reason, value]) => ({
        labels: { reason },
        value,
      })),
    },
    {
      name: "mythos_sse_pings_total",
      help: "Keep-alive pings queued on idle streams",
      type: "counter",
      samples: [{ value: stats.pings }],
    },
  ];
}
