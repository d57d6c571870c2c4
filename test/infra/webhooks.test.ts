// The webhook delivery path as CloudFormation receives it: the queue the notifier fills and the
// deliver function reads (batches of 10, partial failures), its DLQ, the URLs in both functions'
// environment, sends granted to exactly those who send, and accept-entries' one delete (DELETE
// /v1/webhook) kept to the webhooks' partition.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { FUNCTIONS } from "../../infra/catalog.ts";
import {
  WEBHOOK_MAX_CONCURRENCY,
  WEBHOOK_MAX_RECEIVE_COUNT,
} from "../../infra/constructs/webhook-delivery.ts";
import { WEBHOOK_PARTITION } from "../../shared/adapters/dynamodb/table.ts";
import {
  actionsOf,
  arnOf,
  type CfnJson,
  logicalId,
  prop,
  resourcesOf,
  resourcesOfType,
  type Statement,
  type Synthesised,
  synthesise,
} from "./synth.ts";

let dev: Synthesised;

before(() => {
  dev = synthesise("dev");
});

function resource(id: string): CfnJson {
  const found = dev.json.Resources[id];
  assert.ok(found !== undefined, `no resource ${id}`);
  return found;
}

function statementsOf(
  name: "notify-webhooks" | "deliver-webhooks" | "accept-entries",
): Statement[] {
  const role = logicalId(dev.stack, dev.stack.functions.byName[name].role);
  return resourcesOfType(dev.json, "AWS::IAM::Policy")
    .filter(([, policy]) =>
      prop<unknown[]>(policy, "Roles").some(
        (ref) => JSON.stringify(ref) === JSON.stringify({ Ref: role }),
      ),
    )
    .flatMap(([, policy]) => prop<{ Statement: Statement[] }>(policy, "PolicyDocument").Statement);
}

test("the webhook queue: encrypted, redriven to a 14-day DLQ, read by deliver-webhooks", () => {
  const queueId = logicalId(dev.stack, dev.stack.webhooks.queue);
  const dlqId = logicalId(dev.stack, dev.stack.webhooks.deadLetterQueue);
  const queue = resource(queueId);
  assert.equal(
    queue.Properties?.VisibilityTimeout,
    6 * FUNCTIONS["deliver-webhooks"].timeoutSeconds,
  );
  assert.deepEqual(queue.Properties?.RedrivePolicy, {
    deadLetterTargetArn: arnOf(dlqId),
    maxReceiveCount: WEBHOOK_MAX_RECEIVE_COUNT,
  });
  assert.equal(resource(dlqId).Properties?.MessageRetentionPeriod, 14 * 24 * 3600);
  dev.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
    EventSourceArn: arnOf(queueId),
    FunctionName: { Ref: logicalId(dev.stack, dev.stack.functions.byName["deliver-webhooks"].fn) },
    BatchSize: 10,
    FunctionResponseTypes: ["ReportBatchItemFailures"],
    ScalingConfig: { MaximumConcurrency: WEBHOOK_MAX_CONCURRENCY },
  });
});

test("both functions know the queue and the DLQ; only they may send, each where it must", () => {
  const queueArn = JSON.stringify(arnOf(logicalId(dev.stack, dev.stack.webhooks.queue)));
  const dlqArn = JSON.stringify(arnOf(logicalId(dev.stack, dev.stack.webhooks.deadLetterQueue)));
  const sendsTo = (name: Parameters<typeof statementsOf>[0]) =>
    statementsOf(name)
      .filter((st) => actionsOf(st).includes("sqs:SendMessage"))
      .flatMap((st) => resourcesOf(st).map((r) => JSON.stringify(r)))
      .sort();
  assert.deepEqual(sendsTo("notify-webhooks"), [queueArn]);
  assert.deepEqual(sendsTo("deliver-webhooks"), [queueArn, dlqArn].sort());
  assert.deepEqual(sendsTo("accept-entries"), []);
  for (const name of ["notify-webhooks", "deliver-webhooks"] as const) {
    const env = prop<{ Variables: Record<string, unknown> }>(
      resource(logicalId(dev.stack, dev.stack.functions.byName[name].fn)),
      "Environment",
    ).Variables;
    assert.deepEqual(env.STELE_WEBHOOK_QUEUE_URL, {
      Ref: logicalId(dev.stack, dev.stack.webhooks.queue),
    });
    assert.deepEqual(env.STELE_WEBHOOK_DLQ_URL, {
      Ref: logicalId(dev.stack, dev.stack.webhooks.deadLetterQueue),
    });
  }
});

test("accept-entries deletes in the webhooks' partition only: DELETE /v1/webhook, nothing else", () => {
  const table = arnOf(logicalId(dev.stack, dev.stack.storage.table));
  const deletes = statementsOf("accept-entries").filter((st) =>
    actionsOf(st).includes("dynamodb:DeleteItem"),
  );
  assert.deepEqual(deletes, [
    {
      Effect: "Allow",
      Action: "dynamodb:DeleteItem",
      Resource: table,
      Condition: {
        "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [WEBHOOK_PARTITION] },
      },
    },
  ]);
  // The deliverer releases its delivery marks (WHDELIVERY#…): its delete stays table-wide.
  const delivererDeletes = statementsOf("deliver-webhooks").filter((st) =>
    actionsOf(st).includes("dynamodb:DeleteItem"),
  );
  assert.ok(delivererDeletes.length > 0 && delivererDeletes.every((st) => !st.Condition));
});
