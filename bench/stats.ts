/** Percentiles and histograms of measured samples, as results.json keeps them. */

/** One bar of a histogram: samples in (fromMs, toMs]; the first bar also holds fromMs itself. */
export interface HistogramBin {
  readonly fromMs: number;
  readonly toMs: number;
  readonly count: number;
}

/** The distribution of one latency (or delay) in milliseconds. */
export interface Distribution {
  /** What was timed, in words a reader understands (route, batch, connections). */
  readonly label: string;
  readonly samples: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly histogram: readonly HistogramBin[];
  /** Every sample, ascending, kept when there are few (a strip chart shows each one). */
  readonly samplesMs?: readonly number[];
}

/** At most this many samples are kept beside the histogram. */
const KEEP_SAMPLES = 50;

/** The nearest-rank percentile (p in 0…100) of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/**
 * Bins of a "nice" width (1, 2 or 5 × 10^k ms) from the smallest to the largest sample,
 * about `bins` of them: a latency histogram reads best on round edges.
 */
function histogram(sorted: readonly number[], bins: number): HistogramBin[] {
  const min = sorted[0] ?? 0;
  const max = sorted.at(-1) ?? 0;
  const raw = Math.max((max - min) / bins, 1e-3);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const width = [1, 2, 5, 10].map((m) => m * magnitude).find((w) => w >= raw) ?? raw;
  const start = Math.floor(min / width) * width;
  const count = Math.max(1, Math.ceil((max - start) / width));
  const out = Array.from({ length: count }, (_, i) => ({
    fromMs: round(start + i * width, 6),
    toMs: round(start + (i + 1) * width, 6),
    count: 0,
  }));
  for (const value of sorted) {
    const index = Math.min(count - 1, Math.max(0, Math.ceil((value - start) / width) - 1));
    const bin = out[index];
    if (bin) bin.count++;
  }
  return out;
}

/** The distribution of `samplesMs` (any order), with a histogram of about `bins` bars. */
export function distribution(label: string, samplesMs: readonly number[], bins = 20): Distribution {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    label,
    samples: sorted.length,
    p50Ms: round(percentile(sorted, 50), 2),
    p90Ms: round(percentile(sorted, 90), 2),
    p99Ms: round(percentile(sorted, 99), 2),
    maxMs: round(sorted.at(-1) ?? Number.NaN, 2),
    histogram: histogram(sorted, bins),
    ...(sorted.length <= KEEP_SAMPLES ? { samplesMs: sorted.map((v) => round(v, 1)) } : {}),
  };
}
