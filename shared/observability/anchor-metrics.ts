/**
 * The anchorer's CloudWatch metrics (EMF through Powertools, namespace `Stele`), one flush per
 * chain and run with dimensions `service` and `chainId`, so every alarm can say which chain.
 * What to alarm on:
 * - `AnchorFeeCeilingHits` > 0 for a while: fees above the chain's maxFeePerGasGwei, nothing is
 *   being anchored (by design: the anchorer waits rather than overpay);
 * - `AnchorLagSeconds` (Maximum) above the anchor interval plus the time to inclusion, or
 *   `AnchorSecondsToFinal` above the interval plus the confirmations' time: anchoring lags;
 * - `AnchorBalanceEth` (Minimum) below what a day of anchors costs: fund the anchor key;
 * - `AnchorRunFailures` > 0, or `AnchorRuns` missing: the chain's endpoints or the key fail.
 */
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { AnchorEvent, AnchorGauges } from "../app/anchor-checkpoints.ts";
import { type MetricPoint, MetricUnit, publishPoints } from "./metric-points.ts";

export type { MetricPoint } from "./metric-points.ts";

const COUNTED: Record<AnchorEvent["kind"], string> = {
  sent: "AnchorsSent",
  rebroadcast: "AnchorsRebroadcast",
  replaced: "AnchorsReplaced",
  included: "AnchorsIncluded",
  final: "AnchorsFinal",
  orphaned: "AnchorsOrphaned",
  "fee-ceiling": "AnchorFeeCeilingHits",
};

const WEI_PER_ETH = 1e18;

/**
 * The metric points of one chain's run: a count per event kind, the anchoring lags of the
 * anchors that moved on, and, when given, the gauges of where the chain stands (see
 * AnchorGauges): `AnchorLagEntries`, `AnchorLagSeconds`, `AnchorBalanceEth`.
 */
export function anchorRunPoints(
  outcome:
    | { readonly events: readonly AnchorEvent[]; readonly gauges?: AnchorGauges }
    | { readonly error: unknown },
): MetricPoint[] {
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
  const { gauges } = outcome;
  if (gauges !== undefined) {
    points.push(
      { name: "AnchorLagEntries", unit: MetricUnit.Count, value: gauges.lagEntries },
      { name: "AnchorLagSeconds", unit: MetricUnit.Seconds, value: gauges.lagMs / 1000 },
      // In the chain's native coin (ETH, POL, …); a float is precise enough for an alarm.
      {
        name: "AnchorBalanceEth",
        unit: MetricUnit.NoUnit,
        value: Number(gauges.balanceWei) / WEI_PER_ETH,
      },
    );
  }
  return points;
}

/** Emits `points` for `chainId` now (an EMF line on stdout, which Lambda ships to CloudWatch). */
export function publishAnchorRun(
  metrics: Metrics,
  chainId: number,
  points: readonly MetricPoint[],
): void {
  publishPoints(metrics, { chainId: String(chainId) }, points);
}
