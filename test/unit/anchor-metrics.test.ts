// The anchorer's metrics as CloudWatch receives them: EMF lines on stdout, one per chain.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { AnchorEvent } from "../../shared/app/anchor-checkpoints.ts";
import { anchorRunPoints, publishAnchorRun } from "../../shared/observability/anchor-metrics.ts";
import { emitted } from "../support/emf.ts";

const events: AnchorEvent[] = [
  { kind: "sent", ledger: "a", treeSize: 9 },
  { kind: "included", ledger: "a", treeSize: 9, ageMs: 1_500 },
  { kind: "final", ledger: "b", treeSize: 4, ageMs: 2_750 },
  { kind: "final", ledger: "c", treeSize: 2, ageMs: 4_000 },
  { kind: "fee-ceiling", ledger: "d", treeSize: 7, maxFeePerGas: 10n ** 12n },
];

test("one EMF document per chain, with the chainId dimension, counts per event and lags in seconds", () => {
  const metrics = new Metrics({ namespace: "Stele", serviceName: "stele" });
  const [first, second, ...rest] = emitted(() => {
    publishAnchorRun(metrics, 31337, anchorRunPoints({ events }));
    publishAnchorRun(
      metrics,
      11155111,
      anchorRunPoints({ error: new Error("all endpoints down") }),
    );
  });
  assert.equal(rest.length, 0);
  assert.ok(first !== undefined && second !== undefined);
  assert.equal(first._aws.CloudWatchMetrics[0]?.Namespace, "Stele");
  assert.ok(first._aws.CloudWatchMetrics[0]?.Dimensions[0]?.includes("chainId"));
  assert.equal(first.chainId, "31337");
  assert.equal(first.AnchorRuns, 1);
  assert.equal(first.AnchorsSent, 1);
  assert.equal(first.AnchorsIncluded, 1);
  assert.deepEqual(first.AnchorsFinal, [1, 1]);
  assert.equal(first.AnchorSecondsToIncluded, 1.5);
  assert.deepEqual(first.AnchorSecondsToFinal, [2.75, 4]);
  assert.equal(first.AnchorFeeCeilingHits, 1);
  assert.equal(first.AnchorRunFailures, undefined);

  // The second chain's document carries nothing of the first's.
  assert.equal(second.chainId, "11155111");
  assert.equal(second.AnchorRuns, 1);
  assert.equal(second.AnchorRunFailures, 1);
  assert.equal(second.AnchorsSent, undefined);
});

test("a quiet run still reports that it ran, so a missing metric means the anchorer stopped", () => {
  assert.deepEqual(anchorRunPoints({ events: [] }), [
    { name: "AnchorRuns", unit: "Count", value: 1 },
  ]);
});

test("the gauges after a run: lag in entries and seconds, and the anchor key's balance in ETH", () => {
  const metrics = new Metrics({ namespace: "Stele", serviceName: "stele" });
  const gauges = { lagEntries: 42, lagMs: 12_500, balanceWei: 1_250_000_000_000_000_000n };
  const [document, ...rest] = emitted(() =>
    publishAnchorRun(metrics, 11155111, anchorRunPoints({ events: [], gauges })),
  );
  assert.equal(rest.length, 0);
  assert.ok(document !== undefined);
  assert.deepEqual(document._aws.CloudWatchMetrics[0]?.Dimensions, [["service", "chainId"]]);
  assert.equal(document.AnchorRuns, 1);
  assert.equal(document.AnchorLagEntries, 42);
  assert.equal(document.AnchorLagSeconds, 12.5);
  assert.equal(document.AnchorBalanceEth, 1.25);
  const units = Object.fromEntries(
    (
      document._aws.CloudWatchMetrics[0] as unknown as {
        Metrics: { Name: string; Unit: string }[];
      }
    ).Metrics.map(({ Name, Unit }) => [Name, Unit]),
  );
  assert.deepEqual(units, {
    AnchorRuns: "Count",
    AnchorLagEntries: "Count",
    AnchorLagSeconds: "Seconds",
    AnchorBalanceEth: "None",
  });
  // A failed run has no gauges: only that it ran and failed.
  assert.deepEqual(
    anchorRunPoints({ error: new Error("down") }).map((point) => point.name),
    ["AnchorRuns", "AnchorRunFailures"],
  );
});
