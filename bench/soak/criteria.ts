/**
 * The soak's pass/fail criteria (issue 8 part 3) as pure functions of the recorded series, so
 * that they can be tested on synthetic series (test/unit/soak-criteria.test.ts).
 */
import { latencyWindows, median, type Point, quantile, round, theilSenSlope } from "./stats.ts";

export interface Criterion {
  readonly name: string;
  readonly pass: boolean;
  /** Not judged: the run was too short to tell (counts as no failure, shown as SKIP). */
  readonly skipped?: true;
  /** One line a person can read: the figures the verdict came from. */
  readonly detail: string;
}

/** RSS must grow less than this fraction after warm-up. */
export const MAX_RSS_GROWTH = 0.1;
/**
 * Memory is judged only over at least this span after warm-up. Under the soak's load the stack's
 * V8 heap climbs for tens of seconds (~1.6 MB/s) before a major collection brings it back, so a
 * span of a minute (CI's 60 s soak) holds one such cycle, and whether it ends before or after the
 * collection decides the verdict: a coin toss either way, which a leak of the same slope could
 * hide in. `npm run soak` (540 s after warm-up) judges it.
 */
export const MIN_MEMORY_SPAN_SECONDS = 240;
/** The last third's p50 may be at most this many times the first third's (plus the slack). */
export const MAX_LATENCY_RATIO = 1.5;
/** The trend over the post-warm-up span may add at most this fraction of the first third's p50. */
export const MAX_LATENCY_TREND = 0.5;
/**
 * Absolute slack in ms on both latency checks: p50s of a few ms move by a millisecond or two
 * with the scheduler alone on a shared 2-core machine, which is no trend.
 */
export const LATENCY_SLACK_MS = 2;
/** Achieved rate must be at least this fraction of the target. */
export const MIN_RATE_FRACTION = 0.95;

export interface RssGrowth {
  /** The trend line's RSS at the end of warm-up. */
  readonly baselineMb: number;
  /** Theil–Sen slope of the windows' floors after warm-up, MB per second. */
  readonly slopeMbPerSecond: number;
  /** slope × the post-warm-up span ÷ baselineMb: what the trend adds over the run. */
  readonly growth: number;
  /** Floors of the first and the last window after warm-up, for the reader. */
  readonly firstWindowMb: number;
  readonly lastWindowMb: number;
  readonly peakMb: number;
}

/**
 * RSS growth after warm-up, as the trend of its floor: each window's lowest sample (what is left
 * right after a collection), a Theil–Sen line through those floors, and its rise over the
 * post-warm-up span relative to its value at the end of warm-up. Not two endpoints, and not every
 * sample: V8 grows and shrinks its heap by tens of MB between collections, so any two samples can
 * differ by more than 10% with nothing leaking (a 60 s run sees one or two such swings), while a
 * leak raises the floor. Undefined with fewer than 3 windows that hold samples.
 */
export function rssGrowth(
  samples: readonly Point[],
  warmupSeconds: number,
  durationSeconds: number,
  windowSeconds: number,
): RssGrowth | undefined {
  const after = samples.filter((s) => s.tSeconds >= warmupSeconds && s.tSeconds <= durationSeconds);
  const floors: Point[] = [];
  for (let from = warmupSeconds; from < durationSeconds; from += windowSeconds) {
    const inWindow = after.filter((s) => s.tSeconds >= from && s.tSeconds < from + windowSeconds);
    if (inWindow.length > 0)
      floors.push({
        tSeconds: from + windowSeconds / 2,
        value: Math.min(...inWindow.map((s) => s.value)),
      });
  }
  const [first, last] = [floors[0], floors.at(-1)];
  if (floors.length < 3 || first === undefined || last === undefined) return undefined;
  const slope = theilSenSlope(floors);
  const baselineMb = median(floors.map((f) => f.value - slope * (f.tSeconds - warmupSeconds)));
  return {
    baselineMb,
    slopeMbPerSecond: slope,
    growth: (slope * (durationSeconds - warmupSeconds)) / baselineMb,
    firstWindowMb: first.value,
    lastWindowMb: last.value,
    peakMb: Math.max(...after.map((s) => s.value)),
  };
}

export function rssCriterion(
  samples: readonly Point[],
  warmupSeconds: number,
  durationSeconds: number,
  windowSeconds: number,
): Criterion {
  const name = "stack RSS growth after warm-up < 10%";
  const span = durationSeconds - warmupSeconds;
  if (span < MIN_MEMORY_SPAN_SECONDS) {
    return {
      name,
      pass: true,
      skipped: true,
      detail: `not judged: ${span} s after warm-up is less than ${MIN_MEMORY_SPAN_SECONDS} s, within one of V8's heap cycles (the samples are in the results)`,
    };
  }
  const growth = rssGrowth(samples, warmupSeconds, durationSeconds, windowSeconds);
  if (growth === undefined) {
    return { name, pass: false, detail: "fewer than 3 windows of RSS samples after warm-up" };
  }
  const pass = growth.growth < MAX_RSS_GROWTH;
  return {
    name,
    pass,
    detail: `floor trend ${signedPercent(growth.growth)} over the ${durationSeconds - warmupSeconds} s after warm-up (Theil–Sen over each ${windowSeconds} s window's lowest sample: ${round(growth.slopeMbPerSecond * 60, 2)} MB/min from ${round(growth.baselineMb, 1)} MB; limit +${MAX_RSS_GROWTH * 100}%); floor ${round(growth.firstWindowMb, 1)} MB in the first window after warm-up, ${round(growth.lastWindowMb, 1)} MB in the last; peak ${round(growth.peakMb, 1)} MB`,
  };
}

export interface LatencyTrend {
  readonly firstThirdP50: number;
  readonly lastThirdP50: number;
  readonly medianWindowP50: number;
  /** Theil–Sen slope of the window p50s, ms per second. */
  readonly slopeMsPerSecond: number;
  /** slope × the post-warm-up span: how much the trend adds over the run, ms. */
  readonly riseMs: number;
  readonly windows: number;
}

/**
 * The latency trend after warm-up. The post-warm-up span is cut into thirds by time; the
 * thirds compare the p50 of all samples in each. The slope is Theil–Sen over the p50s of the
 * windows with at least `minSamples` samples. Undefined with fewer than 3 such windows.
 */
export function latencyTrend(
  samples: readonly Point[],
  warmupSeconds: number,
  durationSeconds: number,
  windowSeconds: number,
  minSamples = 5,
): LatencyTrend | undefined {
  const after = samples.filter((s) => s.tSeconds >= warmupSeconds && s.tSeconds <= durationSeconds);
  const span = durationSeconds - warmupSeconds;
  const third = span / 3;
  const values = (from: number, to: number) =>
    after.filter((s) => s.tSeconds >= from && s.tSeconds < to).map((s) => s.value);
  const first = values(warmupSeconds, warmupSeconds + third);
  const last = values(durationSeconds - third, durationSeconds + 1e-9);
  const windows = latencyWindows(
    after.map((s) => ({ tSeconds: s.tSeconds - warmupSeconds, value: s.value })),
    windowSeconds,
  ).filter((w) => w.count >= minSamples);
  if (windows.length < 3 || first.length === 0 || last.length === 0) return undefined;
  const slope = theilSenSlope(
    windows.map((w) => ({ tSeconds: w.tSeconds + windowSeconds / 2, value: w.p50 })),
  );
  return {
    firstThirdP50: quantile(first, 0.5),
    lastThirdP50: quantile(last, 0.5),
    medianWindowP50: median(windows.map((w) => w.p50)),
    slopeMsPerSecond: slope,
    riseMs: slope * span,
    windows: windows.length,
  };
}

/**
 * No rising latency: both (a) last third's p50 ≤ 1.5 × first third's p50 + 2 ms, and
 * (b) Theil–Sen rise over the post-warm-up span ≤ 0.5 × first third's p50 + 2 ms. (a) sees a
 * late jump that the slope damps, (b) a steady climb that noisy thirds could hide.
 */
export function latencyCriterion(
  what: string,
  samples: readonly Point[],
  warmupSeconds: number,
  durationSeconds: number,
  windowSeconds: number,
): Criterion {
  const name = `no rising ${what} latency`;
  const trend = latencyTrend(samples, warmupSeconds, durationSeconds, windowSeconds);
  if (trend === undefined) {
    return { name, pass: false, detail: "too few samples after warm-up to tell (< 3 windows)" };
  }
  const thirdsLimit = MAX_LATENCY_RATIO * trend.firstThirdP50 + LATENCY_SLACK_MS;
  const riseLimit = MAX_LATENCY_TREND * trend.firstThirdP50 + LATENCY_SLACK_MS;
  const thirdsPass = trend.lastThirdP50 <= thirdsLimit;
  const slopePass = trend.riseMs <= riseLimit;
  return {
    name,
    pass: thirdsPass && slopePass,
    detail: `p50 first third ${round(trend.firstThirdP50)} ms → last third ${round(trend.lastThirdP50)} ms (limit ${round(thirdsLimit)} ms${thirdsPass ? "" : ": EXCEEDED"}); Theil–Sen trend over ${trend.windows} windows ${round(trend.slopeMsPerSecond, 4)} ms/s = ${round(trend.riseMs)} ms over the run (limit ${round(riseLimit)} ms${slopePass ? "" : ": EXCEEDED"})`,
  };
}

export function rateCriterion(targetPerSecond: number, achievedPerSecond: number): Criterion {
  const pass = achievedPerSecond >= MIN_RATE_FRACTION * targetPerSecond;
  return {
    name: "achieved rate ≥ 95% of the target",
    pass,
    detail: `${round(achievedPerSecond, 1)} entries/s of ${targetPerSecond} (${round((100 * achievedPerSecond) / targetPerSecond, 1)}%)`,
  };
}

export function acknowledgedCriterion(
  acknowledged: number,
  failures: readonly string[],
): Criterion {
  return {
    name: "every submission acknowledged (202)",
    pass: failures.length === 0,
    detail:
      failures.length === 0
        ? `${acknowledged} entries acknowledged, no failed request`
        : `${failures.length} failed request(s), first: ${failures.slice(0, 3).join("; ")}`,
  };
}

function signedPercent(fraction: number): string {
  const percent = round(fraction * 100, 1);
  return `${percent >= 0 ? "+" : ""}${percent}%`;
}
