// cdk-nag's AwsSolutions pack, as infra/bin/stele.ts registers it, on dev (no chain) and prod
// (two chains): no error or warning left, and each acknowledgement answers a finding that is
// really there, with its reason (a stale one would hide the next finding of that rule).
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { Annotations, Match } from "aws-cdk-lib/assertions";
import {
  acknowledgements,
  nagFindings,
  type Synthesised,
  synthesise,
  TWO_CHAINS,
} from "./synth.ts";

let stacks: [string, Synthesised][] = [];

before(() => {
  stacks = [
    ["dev", synthesise("dev")],
    ["prod", synthesise("prod", { prod: { chains: TWO_CHAINS } })],
  ];
});

test("no AwsSolutions error or warning is left unacknowledged", () => {
  for (const [stage, { stack }] of stacks) {
    const left = nagFindings(stack).map(
      (finding) => `${finding.severity} ${finding.rule} at ${finding.paths.join(", ")}`,
    );
    assert.deepEqual(left, [], stage);
  }
});

test("every acknowledgement matches a finding on its construct, and gives a reason", () => {
  for (const [stage, { stack }] of stacks) {
    const raw = nagFindings(stack, true);
    for (const ack of acknowledgements(stack)) {
      const matched = raw.some(
        (finding) =>
          finding.rule === ack.id &&
          finding.paths.some((path) => path === ack.path || path.startsWith(`${ack.path}/`)),
      );
      assert.ok(matched, `${stage}: ${ack.id} at ${ack.path} acknowledges nothing`);
      assert.ok(ack.reason.length >= 40, `${stage}: ${ack.id} at ${ack.path}: say why`);
    }
  }
});

test("the acknowledged rules are the expected few", () => {
  const rules = new Set(
    stacks.flatMap(([, { stack }]) =>
      acknowledgements(stack).map((ack) => ack.id.replace(/\[.*$/, "")),
    ),
  );
  assert.deepEqual([...rules].sort(), [
    "AwsSolutions-APIG4",
    "AwsSolutions-CFR1",
    "AwsSolutions-CFR2",
    "AwsSolutions-CFR3",
    "AwsSolutions-CFR4",
    "AwsSolutions-IAM4",
    "AwsSolutions-IAM5",
    "AwsSolutions-L1",
    "AwsSolutions-S1",
    "AwsSolutions-SQS3",
  ]);
});

test("synthesis reports no error, and warns of prod's example origin prefix only", () => {
  for (const [stage, { stack }] of stacks) {
    const annotations = Annotations.fromStack(stack);
    assert.deepEqual(annotations.findError("*", Match.anyValue()), [], stage);
    const warnings = annotations
      .findWarning("*", Match.anyValue())
      .map((warning) => String(warning.entry.data));
    assert.equal(warnings.length, stage === "prod" ? 1 : 0, `${stage}: ${warnings.join("; ")}`);
    if (stage === "prod") assert.match(warnings[0] ?? "", /originPrefix is the example/);
  }
});
