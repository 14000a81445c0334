/**
 * Small statistics for benchmark reports.
 *
 * @module
 */

/** The `p` quantile (0–1) of `values` (sorted here), or NaN when empty. */
export function percentile(values: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

/** `value` rounded to `digits` decimals. */
export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Least-squares slope of `y` over `x` (units of y per unit of x). */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - meanX) * (p.y - meanY);
    den += (p.x - meanX) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** How many latencies, and their p50, p99 and max in milliseconds. */
export interface LatencySummary {
  /** How many were measured. */
  count: number;
  /** The median, in milliseconds. */
  p50Ms: number;
  /** The 99th percentile, in milliseconds. */
  p99Ms: number;
  /** The largest, in milliseconds. */
  maxMs: number;
}

/** p50, p99 and max of latencies, in milliseconds, rounded. */
export function latencySummary(values: number[]): LatencySummary {
  return {
    count: values.length,
    p50Ms: round(percentile(values, 0.5)),
    p99Ms: round(percentile(values, 0.99)),
    maxMs: round(values.length ? Math.max(...values) : NaN),
  };
}
