// The deliver function (functions/deliver-webhooks/handler.ts) on moto's SQS, behind a stand-in
// for Lambda's event source mapping, with dynalite and a real receiver: a failed POST comes back
// as a new message delayed by SQS itself, a wait past its time is made of delayed hops, an
// event tried for 24 hours goes to the webhook DLQ, a duplicate is not POSTed again, and a
// message nobody can read is redriven to the DLQ by the queue's own policy.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { DynamoDbStore } from "../../shared/adapters/dynamodb/dynamodb-store.ts";
import { DynamoDbWebhookStore } from "../../shared/adapters/dynamodb/dynamodb-webhook-store.ts";
import { createTable } from "../../shared/adapters/dynamodb/table.ts";
import { SqsWebhookQueue } from "../../shared/adapters/sqs/sqs-webhook-queue.ts";
import { systemClock, systemRandom } from "../../shared/adapters/system/system-clock.ts";
import { putWebhook } from "../../shared/app/webhooks/manage-webhook.ts";
import type { Batch } from "../../shared/domain/ledger/batch.ts";
import { newBatchId } from "../../shared/domain/ledger/entry-id.ts";
import { DELIVERY_WINDOW_MS } from "../../shared/domain/webhooks/delivery-schedule.ts";
import type { WebhookMessage } from "../../shared/schemas/webhook-message.ts";
import { localClient } from "../support/dynamodb/backends.ts";
import { type DynamoDbBackend, startDynalite } from "../support/dynamodb/dynalite.ts";
import { type MotoServer, startMotoServer } from "../support/moto/moto-server.ts";
import { LambdaSqsPoller, queueDepth } from "../support/sqs/lambda-sqs-poller.ts";
import { type Receiver, startReceiver } from "../support/webhooks/receiver.ts";
import { verifySteleSignature } from "../support/webhooks/verify-snippet.ts";

const TABLE = "stele-webhook-sqs";
const MAX_RECEIVE_COUNT = 2;

let moto: MotoServer;
let dynalite: DynamoDbBackend;
let receiver: Receiver;
let sqs: SQSClient;
let store: DynamoDbStore;
let queueUrl = "";
let dlqUrl = "";
let secret = "";
let poller: LambdaSqsPoller;

async function attribute(url: string, name: "QueueArn" | "ApproximateNumberOfMessagesDelayed") {
  const answer = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [name] }),
  );
  return answer.Attributes?.[name] ?? "";
}

async function sequencedBatch(firstLeafIndex: number): Promise<Batch> {
  const batch: Batch = {
    batchId: newBatchId(Date.now(), randomBytes(10)),
    ledger: "default",
    tenant: "farm",
    receivedAt: new Date().toISOString(),
    entries: [{ kind: "document", contentHash: randomBytes(32).toString("hex") }],
  };
  await store.putBatch(batch);
  await store.markSequenced(batch, firstLeafIndex);
  return batch;
}

function message(batch: Batch, extra: Partial<WebhookMessage> = {}): WebhookMessage {
  return {
    tenant: "farm",
    event: { type: "entry.sequenced", ledger: "default", batchId: batch.batchId, treeSize: 99 },
    createdAt: new Date().toISOString(),
    attempts: 0,
    ...extra,
  };
}

async function enqueue(...messages: (WebhookMessage | string)[]): Promise<void> {
  const queue = new SqsWebhookQueue({ client: sqs, queueUrl, deadLetterQueueUrl: dlqUrl });
  await queue.send(
    messages.map((m) => ({ body: typeof m === "string" ? m : JSON.stringify(m), delaySeconds: 0 })),
  );
}

/** Everything in the DLQ now (received and left in flight). */
async function deadLetters(): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < 5; i++) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    bodies.push(...(Messages ?? []).map((m) => m.Body ?? ""));
    if ((Messages ?? []).length === 0 && bodies.length > 0) break;
  }
  return bodies;
}

before(async () => {
  [moto, dynalite] = await Promise.all([startMotoServer(), startDynalite()]);
  const dynamodb = localClient(dynalite.endpoint);
  await createTable(dynamodb, TABLE);
  store = new DynamoDbStore({ client: dynamodb, tableName: TABLE });
  receiver = await startReceiver();
  ({ secret } = (
    await putWebhook(
      {
        webhooks: new DynamoDbWebhookStore({ client: dynamodb, tableName: TABLE }),
        clock: systemClock,
        random: systemRandom,
        allowHttpLoopback: true,
      },
      "farm",
      receiver.url,
    )
  ).webhook);
  sqs = new SQSClient({
    endpoint: moto.endpoint,
    region: moto.region,
    credentials: moto.credentials,
  });
  dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "webhooks-dlq" }))).QueueUrl ?? "";
  const deadLetterTargetArn = await attribute(dlqUrl, "QueueArn");
  queueUrl =
    (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: "webhooks",
          Attributes: {
            VisibilityTimeout: "1",
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn,
              maxReceiveCount: MAX_RECEIVE_COUNT,
            }),
          },
        }),
      )
    ).QueueUrl ?? "";
  Object.assign(process.env, {
    STELE_TABLE_NAME: TABLE,
    STELE_DYNAMODB_ENDPOINT: dynalite.endpoint,
    STELE_ORIGIN_PREFIX: "stele.test",
    STELE_CHECKPOINT_SIGNER: "dev",
    STELE_DEV_CHECKPOINT_KEY: "11".repeat(32),
    AWS_REGION: moto.region,
    AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
    STELE_SQS_ENDPOINT: moto.endpoint,
    STELE_WEBHOOK_QUEUE_URL: queueUrl,
    STELE_WEBHOOK_DLQ_URL: dlqUrl,
    STELE_WEBHOOK_TIMEOUT_MS: "1000",
    POWERTOOLS_LOG_LEVEL: "SILENT",
  });
  const { handler } = await import("../../functions/deliver-webhooks/handler.ts");
  poller = await LambdaSqsPoller.create({
    client: sqs,
    queueUrl,
    handler: (event: SQSEvent) => handler(event) as Promise<SQSBatchResponse>,
    waitTimeSeconds: 0,
  });
});

after(async () => {
  sqs?.destroy();
  await receiver?.close();
  await moto?.stop();
  await dynalite?.stop();
});

describe("webhook delivery on SQS (moto)", () => {
  it("re-sends a failed event as a new message that SQS delays, and deletes the old one", async () => {
    const batch = await sequencedBatch(0);
    receiver.requests.length = 0;
    receiver.script.push(500);
    await enqueue(message(batch));
    assert.equal(await poller.pollOnce(), 1);
    assert.equal(receiver.requests.length, 1);
    assert.equal(poller.deliveries.at(-1)?.outcome, "deleted");
    // The retry waits 30 s inside SQS: delayed, not visible.
    assert.equal(await attribute(queueUrl, "ApproximateNumberOfMessagesDelayed"), "1");
    assert.equal(await poller.pollOnce(), 0);
  });

  it("waits past a message's notBefore in hops that SQS delays, then POSTs", async () => {
    const batch = await sequencedBatch(1);
    receiver.requests.length = 0;
    const notBeforeMs = Date.now() + 2_000;
    await enqueue(
      message(batch, { attempts: 3, firstAttemptAtMs: Date.now() - 60_000, notBeforeMs }),
    );
    assert.equal(await poller.pollOnce(), 1);
    assert.equal(receiver.requests.length, 0, "not yet: sent again, delayed");
    const deadline = Date.now() + 15_000;
    while (receiver.requests.length === 0 && Date.now() < deadline) await poller.pollOnce();
    assert.equal(receiver.requests.length, 1);
    assert.ok((receiver.requests[0]?.atMs ?? 0) >= notBeforeMs, "not before its time");
    assert.equal(receiver.requests[0]?.headers["stele-delivery-attempt"], "4");
    const request = receiver.requests[0];
    assert.ok(request !== undefined);
    assert.equal(
      verifySteleSignature(secret, String(request.headers["stele-signature"]), request.body),
      true,
    );

    // The same event again: already delivered, so not POSTed.
    await enqueue(message(batch));
    assert.equal(await poller.pollOnce(), 1);
    assert.equal(receiver.requests.length, 1);
  });

  it("sends an event still failing after 24 hours to the webhook DLQ", async () => {
    const batch = await sequencedBatch(2);
    receiver.requests.length = 0;
    receiver.script.push(502);
    const firstAttemptAtMs = Date.now() - DELIVERY_WINDOW_MS - 1;
    await enqueue(message(batch, { attempts: 20, firstAttemptAtMs }));
    assert.equal(await poller.pollOnce(), 1);
    assert.equal(receiver.requests.length, 1);
    const [dead, ...more] = await deadLetters();
    assert.deepEqual(more, []);
    const parsed = JSON.parse(dead ?? "{}") as WebhookMessage;
    assert.equal(parsed.attempts, 21);
    assert.equal(parsed.firstAttemptAtMs, firstAttemptAtMs);
    assert.equal(parsed.lastError, "answered 502");
    assert.equal(parsed.event.type, "entry.sequenced");
  });

  it("lets the queue's redrive policy dead-letter a message that cannot be read", async () => {
    await enqueue('{"tenant":"farm","event":{"type":"entry.nope"}}');
    const deadline = Date.now() + 15_000;
    let found: string[] = [];
    while (found.length === 0 && Date.now() < deadline) {
      await poller.pollOnce();
      found = (await deadLetters()).filter((body) => body.includes("entry.nope"));
    }
    assert.equal(found.length, 1);
    assert.ok(
      poller.deliveries.filter((d) => d.body.includes("entry.nope")).length >= MAX_RECEIVE_COUNT,
    );
    assert.ok((await queueDepth(sqs, queueUrl)) <= 1, "only the delayed retry of the first test");
  });
});
