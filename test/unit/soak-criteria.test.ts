// The soak's criteria (bench/soak/criteria.ts) on synthetic series: flat, noisy, leaking,
// slowing down, and too short to tell.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  latencyCriterion,
  latencyTrend,
  rateCriterion,
  rssCriterion,
  rssGrowth,
} from "../../bench/soak/criteria.ts";
import { dueAtMs } from "../../bench/soak/pacer.ts";
import {
  latencyWindows,
  leastSquaresSlope,
  type Point,
  quantile,
  theilSenSlope,
} from "../../bench/soak/stats.ts";
import { seededRandom } from "../support/bundle-factory.ts";

/** A series sampled every `every` s over [0, duration], value f(t) plus uniform noise ±noise. */
function series(
  duration: number,
  every: number,
  f: (t: number) => number,
  noise = 0,
  seed = 1,
): Point[] {
  const random = seededRandom(seed);
  const points: Point[] = [];
  for (let t = 0; t <= duration; t += every) {
    points.push({ tSeconds: t, value: f(t) + (random() * 2 - 1) * noise });
  }
  return points;
}

describe("stats", () => {
  it("quantile by nearest rank, median, and NaN for nothing", () => {
    const values = [5, 1, 4, 2, 3];
    assert.equal(quantile(values, 0.5), 3);
    assert.equal(quantile(values, 0), 1);
    assert.equal(quantile(values, 1), 5);
    assert.equal(
      quantile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.99,
      ),
      99,
    );
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });

  it("Theil–Sen and least squares agree on a line; only Theil–Sen ignores outliers", () => {
    const line = series(100, 10, (t) => 3 + 0.5 * t);
    assert.equal(theilSenSlope(line), 0.5);
    assert.ok(Math.abs(leastSquaresSlope(line) - 0.5) < 1e-12);
    // One spike at the end (a GC pause, a neighbour's build) tilts least squares, not Theil–Sen.
    const flat = series(100, 10, () => 10);
    const spiked = [...flat.slice(0, -1), { tSeconds: 100, value: 200 }];
    assert.equal(theilSenSlope(spiked), 0);
    assert.ok(leastSquaresSlope(spiked) > 0.5);
    assert.ok(Number.isNaN(theilSenSlope([{ tSeconds: 0, value: 1 }])));
  });

  it("windows by start time with count, p50 and p99", () => {
    const windows = latencyWindows(
      [
        { tSeconds: 0, value: 1 },
        { tSeconds: 9.9, value: 3 },
        { tSeconds: 10, value: 7 },
        { tSeconds: 35, value: 2 },
      ],
      10,
    );
    assert.deepEqual(windows, [
      { tSeconds: 0, count: 2, p50: 1, p99: 3 },
      { tSeconds: 10, count: 1, p50: 7, p99: 7 },
      { tSeconds: 30, count: 1, p50: 2, p99: 2 },
    ]);
  });
});

describe("RSS growth criterion", () => {
  const warmup = 60;
  const duration = 600;

  it("passes a flat series with GC sawtooth noise, whatever the warm-up did", () => {
    // Warm-up climbs from 80 to 150 MB; afterwards flat at 150 ± 10 MB.
    const rss = series(duration, 2, (t) => (t < warmup ? 80 + (70 * t) / warmup : 150), 10);
    const growth = rssGrowth(rss, warmup, duration, 10);
    assert.ok(growth && Math.abs(growth.growth) < 0.1, JSON.stringify(growth));
    const criterion = rssCriterion(rss, warmup, duration, 10);
    assert.equal(criterion.pass, true, criterion.detail);
    assert.match(criterion.detail, /from 1[45]\d(\.\d)? MB/);
  });

  it("passes growth just under 10% and fails just over it", () => {
    const under = series(duration, 2, (t) => (t < warmup ? 100 : 100 + (9.5 * (t - warmup)) / 540));
    assert.equal(rssCriterion(under, warmup, duration, 10).pass, true);
    const over = series(duration, 2, (t) => (t < warmup ? 100 : 100 + (12 * (t - warmup)) / 540));
    const failed = rssCriterion(over, warmup, duration, 10);
    assert.equal(failed.pass, false);
    assert.match(failed.detail, /trend \+12(\.0)?% over the 540 s after warm-up/);
  });

  it("passes heap swings that end high and a single end spike, and fails a leak noise cannot hide", () => {
    // V8's heap between collections: a 40 s sawtooth of 150–230 MB, the run ending near a peak.
    const swings = series(duration, 2, (t) => 150 + 80 * (((t + 20) % 40) / 40));
    assert.equal(rssCriterion(swings, warmup, duration, 10).pass, true);
    const leak = series(duration, 2, (t) => 150 + 0.05 * t, 10);
    assert.equal(rssCriterion(leak, warmup, duration, 10).pass, false);
    const flat = series(duration, 2, () => 150);
    const spiked = flat.map((p) => (p.tSeconds === 598 ? { ...p, value: 400 } : p));
    assert.equal(rssCriterion(spiked, warmup, duration, 10).pass, true);
  });

  it("fails, saying why, without samples in the first or last window", () => {
    const early = series(50, 2, () => 150);
    const criterion = rssCriterion(early, warmup, duration, 10);
    assert.equal(criterion.pass, false);
    assert.match(criterion.detail, /fewer than 3 windows/);
  });

  it("does not judge a span shorter than a few heap cycles: SKIP, not a pass on luck", () => {
    // CI's 60 s soak, as recorded: the heap climbs 1.6 MB/s, then one major collection.
    const ci = series(64, 2, (t) => (t < 54 ? 161 + 1.6 * t : 160));
    const criterion = rssCriterion(ci, 12, 60, 10);
    assert.equal(criterion.skipped, true);
    assert.equal(criterion.pass, true);
    assert.match(criterion.detail, /not judged: 48 s after warm-up is less than 240 s/);
  });
});

describe("latency criterion", () => {
  const warmup = 60;
  const duration = 600;
  /** Ten requests a second: latency f(t) ± noise. */
  const latency = (f: (t: number) => number, noise = 0, seed = 2) =>
    series(duration, 0.1, f, noise, seed);

  it("passes flat latency with noise and a slow warm-up", () => {
    const samples = latency((t) => (t < warmup ? 40 : 8), 4);
    const criterion = latencyCriterion("submit", samples, warmup, duration, 10);
    assert.equal(criterion.pass, true, criterion.detail);
    const trend = latencyTrend(samples, warmup, duration, 10);
    assert.ok(trend && Math.abs(trend.riseMs) < 1, JSON.stringify(trend));
  });

  it("passes periodic stalls (integrate runs) that do not grow", () => {
    const samples = latency((t) => (t % 5 < 0.5 ? 60 : 6), 1);
    assert.equal(latencyCriterion("proof GET", samples, warmup, duration, 10).pass, true);
  });

  it("fails latency that doubles over the run (thirds and trend)", () => {
    const samples = latency((t) => 10 + (10 * t) / duration, 2);
    const criterion = latencyCriterion("submit", samples, warmup, duration, 10);
    assert.equal(criterion.pass, false);
    assert.match(criterion.detail, /EXCEEDED/);
    assert.match(criterion.name, /no rising submit latency/);
  });

  it("fails a steady rise even when the last third is within 1.5× (the trend check)", () => {
    // 10 → 14 ms after warm-up: thirds within 1.5× + 2 ms, trend +4 ms within 0.5 × 10.7 + 2 ms.
    const gentle = latency((t) => 10 + (4 * (t - warmup)) / (duration - warmup), 0.5);
    assert.equal(latencyCriterion("submit", gentle, warmup, duration, 10).pass, true);
    // 4 → 10 ms: thirds 5 → 9 ms is within 1.5 × 5 + 2 = 9.5 ms, but the trend adds 6 ms > 0.5 × 5 + 2.
    const steep = latency((t) => 4 + (6 * Math.max(0, t - warmup)) / (duration - warmup));
    const trend = latencyTrend(steep, warmup, duration, 10);
    assert.ok(trend, "a trend");
    assert.ok(trend.lastThirdP50 <= 1.5 * trend.firstThirdP50 + 2, JSON.stringify(trend));
    const criterion = latencyCriterion("submit", steep, warmup, duration, 10);
    assert.equal(criterion.pass, false, criterion.detail);
    assert.match(criterion.detail, /over the run \(limit [\d.]+ ms: EXCEEDED\)/);
  });

  it("fails a jump in the last third that the trend alone would damp", () => {
    const samples = latency((t) => (t > 500 ? 30 : 10), 1);
    const criterion = latencyCriterion("submit", samples, warmup, duration, 10);
    assert.equal(criterion.pass, false);
    assert.match(criterion.detail, /last third (29|30)(\.\d+)? ms \(limit [\d.]+ ms: EXCEEDED\)/);
  });

  it("fails, saying why, with too few samples to tell", () => {
    const sparse = [
      { tSeconds: 100, value: 5 },
      { tSeconds: 500, value: 5 },
    ];
    const criterion = latencyCriterion("proof GET", sparse, warmup, duration, 10);
    assert.equal(criterion.pass, false);
    assert.match(criterion.detail, /too few samples/);
  });
});

describe("rate criterion and pacing", () => {
  it("passes at 95% of the target and fails below", () => {
    assert.equal(rateCriterion(500, 475).pass, true);
    assert.equal(rateCriterion(500, 474.9).pass, false);
    assert.match(rateCriterion(500, 400).detail, /400 entries\/s of 500 \(80%\)/);
  });

  it("schedules job k at k × interval and none at or after the end", () => {
    assert.equal(dueAtMs(0, 100, 1000), 0);
    assert.equal(dueAtMs(9, 100, 1000), 900);
    assert.equal(dueAtMs(10, 100, 1000), undefined);
  });
});
