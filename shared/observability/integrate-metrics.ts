/**
 * The integrate function's CloudWatch metrics (namespace `Stele`, dimension `service` only), one
 * EMF line per run. What to alarm on: `IntegrateRunFailures` > 0 for several minutes (the
 * checkpoint key, the table, or a bug), or `IntegrateRuns` missing (the schedule stopped).
 * `EntriesIntegrated` shows the throughput.
 */
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { IntegrateResult } from "../app/integrate.ts";
import { type MetricPoint, MetricUnit, publishPoints } from "./metric-points.ts";

/** Entries that the run sequenced into signed checkpoints, over every ledger. */
function integrated(results: readonly IntegrateResult[]): number {
  return results.reduce((sum, result) => sum + (result.treeSize - result.fromSize), 0);
}

/**
 * The points of one integrate run: `IntegrateRuns`, `EntriesIntegrated` (the ledgers that
 * succeeded, also in a run that failed on others) and `IntegrateRunFailures` when it failed.
 */
export function integrateRunPoints(
  outcome:
    | { readonly results: readonly IntegrateResult[] }
    | { readonly error: unknown; readonly results?: readonly IntegrateResult[] },
): MetricPoint[] {
  const points: MetricPoint[] = [
    { name: "IntegrateRuns", unit: MetricUnit.Count, value: 1 },
    { name: "EntriesIntegrated", unit: MetricUnit.Count, value: integrated(outcome.results ?? []) },
  ];
  if ("error" in outcome)
    points.push({ name: "IntegrateRunFailures", unit: MetricUnit.Count, value: 1 });
  return points;
}

export function publishIntegrateRun(metrics: Metrics, points: readonly MetricPoint[]): void {
  publishPoints(metrics, {}, points);
}
