/**
 * The Prometheus text exposition format, for `GET /metrics`.
 *
 * @module
 */

/** One sample of a metric. */
export interface Sample {
  /** Label names and values. */
  labels?: Record<string, string>;
  /** The value. */
  value: number;
}

/** A metric family: a name, its help text and type, and its samples. */
export interface Metric {
  /** Metric name, `mythos_...`. */
  name: string;
  /** One line saying what it measures. */
  help: string;
  /** `counter` only ever grows; `gauge` goes up and down. */
  type: "counter" | "gauge";
  /** Current samples. */
  samples: Sample[];
}

/** Produces the current metrics; called on every scrape. */
export type MetricsSource = () => Metric[];

/** A gauge with one unlabelled sample. */
export function gauge(name: string, help: string, value: number): Metric {
  return { name, help, type: "gauge", samples: [{ value }] };
}

/** A counter with one unlabelled sample. */
export function counter(name: string, help: string, value: number): Metric {
  return { name, help, type: "counter", samples: [{ value }] };
}

function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

function escapeHelp(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/** Renders metric families in the Prometheus text format (version 0.0.4). */
export function renderPrometheus(metrics: Metric[]): string {
  const lines: string[] = [];
  for (const metric of metrics) {
    lines.push(`# HELP ${metric.name} ${escapeHelp(metric.help)}`);
    lines.push(`# TYPE ${metric.name} ${metric.type}`);
    for (const sample of metric.samples) {
      const labels = Object.entries(sample.labels ?? {})
        .map(([key, value]) => `${key}="${escapeLabel(value)}"`)
        .join(",");
      lines.push(`${metric.name}${labels ? `{${labels}}` : ""} ${formatValue(sample.value)}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** Process figures: memory from `Deno.memoryUsage()`. */
export function processMetrics(): Metric[] {
  const memory = Deno.memoryUsage();
  return [
    gauge(
      "mythos_process_resident_memory_bytes",
      "Resident set size of the server process",
      memory.rss,
    ),
    gauge("mythos_process_heap_used_bytes", "V8 heap in use", memory.heapUsed),
    gauge("mythos_process_heap_total_bytes", "V8 heap reserved", memory.heapTotal),
    gauge(
      "mythos_process_external_memory_bytes",
      "Memory held outside the V8 heap by JavaScript objects",
      memory.external,
    ),
  ];
}
