/** Small order statistics and trend estimators for the soak's time series (pure). */

/** The `q`-quantile (0..1) of `values` by nearest rank; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** A point of a time series: seconds since the soak started submitting, and a value. */
export interface Point {
  readonly tSeconds: number;
  readonly value: number;
}

/**
 * Theil–Sen slope (value units per second): the median of the slopes between every pair of
 * points. Unlike least squares, a few outliers (a GC pause, a neighbour's build on this shared
 * machine) cannot tilt it; up to ~29% of the points may be arbitrary. NaN for < 2 points.
 */
export function theilSenSlope(points: readonly Point[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const a = points[i] as Point;
      const b = points[j] as Point;
      if (b.tSeconds !== a.tSeconds) slopes.push((b.value - a.value) / (b.tSeconds - a.tSeconds));
    }
  }
  return median(slopes);
}

/** Ordinary least-squares slope (value units per second), reported beside Theil–Sen. */
export function leastSquaresSlope(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const meanT = points.reduce((sum, p) => sum + p.tSeconds, 0) / n;
  const meanV = points.reduce((sum, p) => sum + p.value, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.tSeconds - meanT) * (p.value - meanV);
    den += (p.tSeconds - meanT) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

/** Latency figures of one time window. */
export interface LatencyWindow {
  /** Start of the window, seconds since the soak started submitting. */
  readonly tSeconds: number;
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
}

/** Groups samples into windows of `windowSeconds` (by start time) with p50 and p99 in ms. */
export function latencyWindows(samples: readonly Point[], windowSeconds: number): LatencyWindow[] {
  const byWindow = new Map<number, number[]>();
  for (const sample of samples) {
    const start = Math.floor(sample.tSeconds / windowSeconds) * windowSeconds;
    const values = byWindow.get(start) ?? [];
    values.push(sample.value);
    byWindow.set(start, values);
  }
  return [...byWindow.entries()]
    .sort(([a], [b]) => a - b)
    .map(([tSeconds, values]) => ({
      tSeconds,
      count: values.length,
      p50: round(quantile(values, 0.5)),
      p99: round(quantile(values, 0.99)),
    }));
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
