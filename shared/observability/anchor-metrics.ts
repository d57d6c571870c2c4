/**
 * The anchorer's CloudWatch metrics (EMF through Powertools), one flush per chain with a
 * `chainId` dimension, so every alarm can say which chain. What to alarm on:
 * - `AnchorFeeCeilingHits` > 0 for a while: fees above STELE_MAX_FEE_PER_GAS_GWEI, nothing is
 *   being anchored (by design: the anchorer waits rather than overpay);
 * - `AnchorSecondsToFinal` above the interval plus the confirmations' time: anchoring lags;
 * - `AnchorRunFailures` > 0, or `AnchorRuns` missing: the chain's endpoints or the key fail.
 */
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { AnchorEvent } from "../app/anchor-checkpoints.ts";

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

export interface MetricPoint {
  readonly name: string;
  readonly unit: Unit;
  readonly value: number;
}

const COUNTED: Record<AnchorEvent["kind"], string> = {
  sent: "AnchorsSent",
  rebroadcast: "AnchorsRebroadcast",
  replaced: "AnchorsReplaced",
  included: "AnchorsIncluded",
  final: "AnchorsFinal",
  orphaned: "AnchorsOrphaned",
  "fee-ceiling": "AnchorFeeCeilingHits",
};

/** The metric points of one chain's run: a count per event kind, and the anchoring lags. */
export function anchorRunPoints(outcome: { events: readonly AnchorEvent[] } | { error: unknown }) {
  const points: MetricPoint[] = [{ name: "AnchorRuns", unit: MetricUnit.Count, value: 1 }];
  if ("error" in outcome) {
    points.push({ name: "AnchorRunFailures", unit: MetricUnit.Count, value: 1 });
    return points;
  }
  for (const event of outcome.events) {
    points.push({ name: COUNTED[event.kind], unit: MetricUnit.Count, value: 1 });
    if (event.kind === "included" || event.kind === "final") {
      const name = event.kind === "included" ? "AnchorSecondsToIncluded" : "AnchorSecondsToFinal";
      points.push({ name, unit: MetricUnit.Seconds, value: event.ageMs / 1000 });
    }
  }
  return points;
}

/** Emits `points` for `chainId` now (an EMF line on stdout, which Lambda ships to CloudWatch). */
export function publishAnchorRun(
  metrics: Metrics,
  chainId: number,
  points: readonly MetricPoint[],
): void {
  metrics.addDimension("chainId", String(chainId));
  for (const point of points) metrics.addMetric(point.name, point.unit, point.value);
  metrics.publishStoredMetrics();
}
