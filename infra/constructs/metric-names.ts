/**
 * The custom metrics the functions emit (EMF through Powertools, see shared/observability/),
 * named once for the alarms and the dashboard.
 */

export const METRICS_NAMESPACE = "Stele";
/** POWERTOOLS_SERVICE_NAME, and the `service` dimension Powertools adds to every metric. */
export const SERVICE_NAME = "stele";

export const ANCHOR_METRICS = {
  runs: "AnchorRuns",
  runFailures: "AnchorRunFailures",
  sent: "AnchorsSent",
  replaced: "AnchorsReplaced",
  rebroadcast: "AnchorsRebroadcast",
  included: "AnchorsIncluded",
  final: "AnchorsFinal",
  orphaned: "AnchorsOrphaned",
  feeCeilingHits: "AnchorFeeCeilingHits",
  secondsToIncluded: "AnchorSecondsToIncluded",
  secondsToFinal: "AnchorSecondsToFinal",
  /** Newest checkpoint's tree size minus the newest anchored one's. */
  lagEntries: "AnchorLagEntries",
  /** Age of the oldest checkpoint not yet anchored. */
  lagSeconds: "AnchorLagSeconds",
  /** The anchor key's balance on the chain. */
  balanceEth: "AnchorBalanceEth",
} as const;

/** The integrate function's metrics (shared/observability/integrate-metrics.ts). */
export const INTEGRATE_METRICS = {
  runs: "IntegrateRuns",
  runFailures: "IntegrateRunFailures",
  entriesIntegrated: "EntriesIntegrated",
} as const;

/** The dimensions of the integrate metrics: Powertools' `service` alone. */
export function serviceDimensions(): Record<string, string> {
  return { service: SERVICE_NAME };
}

/**
 * The dimensions of one chain's anchor metrics. Powertools puts `service` in the same
 * dimension set as `chainId`, and CloudWatch matches a metric only by its exact set, so an
 * alarm that named `chainId` alone would watch a metric nobody emits.
 */
export function chainDimensions(chainId: number): Record<string, string> {
  return { service: SERVICE_NAME, chainId: String(chainId) };
}
