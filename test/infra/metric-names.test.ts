// The alarms watch what the functions emit: every metric the runtime can publish (EMF through
// Powertools, as in Lambda) is named in infra/constructs/metric-names.ts with the same
// dimension set, and every name there is emitted by something. CloudWatch matches a metric by
// name and exact dimensions, so a mismatch would leave an alarm on a metric nobody sends.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Metrics } from "@aws-lambda-powertools/metrics";
import {
  ANCHOR_METRICS,
  chainDimensions,
  INTEGRATE_METRICS,
  METRICS_NAMESPACE,
  SERVICE_NAME,
  serviceDimensions,
} from "../../infra/constructs/metric-names.ts";
import type { AnchorEvent } from "../../shared/app/anchor-checkpoints.ts";
import { anchorRunPoints, publishAnchorRun } from "../../shared/observability/anchor-metrics.ts";
import {
  integrateRunPoints,
  publishIntegrateRun,
} from "../../shared/observability/integrate-metrics.ts";
import { type Emf, emitted } from "../support/emf.ts";

/** Metric name → the dimension set it is published with, over every document. */
function published(documents: Emf[]): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  for (const document of documents) {
    for (const directive of document._aws.CloudWatchMetrics) {
      assert.equal(directive.Namespace, METRICS_NAMESPACE);
      assert.equal(directive.Dimensions.length, 1, "one dimension set per document");
      const names = directive.Dimensions[0] ?? [];
      const dimensions = Object.fromEntries(names.map((name) => [name, document[name]]));
      for (const metric of directive.Metrics) found.set(metric.Name, dimensions);
    }
  }
  return found;
}

const EVERY_EVENT: AnchorEvent[] = [
  { kind: "sent", ledger: "a", treeSize: 9 },
  { kind: "rebroadcast", ledger: "a", treeSize: 9 },
  { kind: "replaced", ledger: "a", treeSize: 9 },
  { kind: "orphaned", ledger: "a", treeSize: 9 },
  { kind: "included", ledger: "a", treeSize: 9, ageMs: 1_500 },
  { kind: "final", ledger: "a", treeSize: 9, ageMs: 4_000 },
  { kind: "fee-ceiling", ledger: "a", treeSize: 9, maxFeePerGas: 10n ** 12n },
];

test("the anchor metrics, with dimensions service and chainId", () => {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  const found = published(
    emitted(() => {
      publishAnchorRun(
        metrics,
        137,
        anchorRunPoints({
          events: EVERY_EVENT,
          gauges: { lagEntries: 12, lagMs: 30_000, balanceWei: 10n ** 18n },
        }),
      );
      publishAnchorRun(
        metrics,
        137,
        anchorRunPoints({ error: new Error("every endpoint failed") }),
      );
    }),
  );
  assert.deepEqual([...found.keys()].sort(), Object.values(ANCHOR_METRICS).sort());
  for (const [name, dimensions] of found) assert.deepEqual(dimensions, chainDimensions(137), name);
});

test("the integrate metrics, with dimension service", () => {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  const found = published(
    emitted(() => {
      publishIntegrateRun(
        metrics,
        integrateRunPoints({ results: [{ ledger: "a", fromSize: 0, treeSize: 3 }] }),
      );
      publishIntegrateRun(metrics, integrateRunPoints({ error: new Error("table throttled") }));
    }),
  );
  assert.deepEqual([...found.keys()].sort(), Object.values(INTEGRATE_METRICS).sort());
  for (const [name, dimensions] of found) assert.deepEqual(dimensions, serviceDimensions(), name);
});
