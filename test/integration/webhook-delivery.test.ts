// Webhook delivery (shared/app/webhooks/deliver.ts) against a real receiver on a loopback port,
// dynalite for the delivery marks, and the in-process queue with delays on a clock the test
// moves: a receiver that fails, then hangs past the timeout, then recovers gets the event once,
// signed as the README says; a message delivered twice is POSTed once; an event that keeps
// failing is retried with growing delays for 24 hours, then dead-lettered.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { DynamoDbStore } from "../../shared/adapters/dynamodb/dynamodb-store.ts";
import { DynamoDbWebhookStore } from "../../shared/adapters/dynamodb/dynamodb-webhook-store.ts";
import { createTable } from "../../shared/adapters/dynamodb/table.ts";
import { fetchWebhookSender } from "../../shared/adapters/http/fetch-webhook-sender.ts";
import { InProcessQueue } from "../../shared/adapters/memory/in-process-queue.ts";
import { systemRandom } from "../../shared/adapters/system/system-clock.ts";
import { type DeliveryOutcome, deliverWebhookMessage } from "../../shared/app/webhooks/deliver.ts";
import { putWebhook } from "../../shared/app/webhooks/manage-webhook.ts";
import type { Batch } from "../../shared/domain/ledger/batch.ts";
import { entryId, newBatchId } from "../../shared/domain/ledger/entry-id.ts";
import { DELIVERY_WINDOW_MS } from "../../shared/domain/webhooks/delivery-schedule.ts";
import type { WebhookMessage } from "../../shared/schemas/webhook-message.ts";
import { localClient } from "../support/dynamodb/backends.ts";
import { type DynamoDbBackend, startDynalite } from "../support/dynamodb/dynalite.ts";
import { type Receiver, startReceiver } from "../support/webhooks/receiver.ts";
import { verifySteleSignature } from "../support/webhooks/verify-snippet.ts";

const TABLE = "stele-webhook-delivery";
const TIMEOUT_MS = 400;
const START_MS = Date.parse("2026-11-24T08:00:00.000Z");

let dynalite: DynamoDbBackend;
let receiver: Receiver;
let store: DynamoDbStore;
let webhooks: DynamoDbWebhookStore;
let secret = "";
const clock = { ms: START_MS, nowMs: () => clock.ms };
const outcomes: DeliveryOutcome[] = [];

function newQueue(): InProcessQueue {
  return new InProcessQueue({ clock, maxReceiveCount: 3, visibilityTimeoutMs: 30_000 });
}

/** The deliver function as Lambda runs it: the messages of a batch side by side. */
function handlerFor(queue: InProcessQueue) {
  const deps = { webhooks, entries: store, queue, sender: fetchWebhookSender, clock };
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse["batchItemFailures"] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        try {
          outcomes.push(
            await deliverWebhookMessage(deps, record.body, {
              timeoutMs: TIMEOUT_MS,
              leaseMs: 5_000,
            }),
          );
        } catch {
          failures.push({ itemIdentifier: record.messageId });
        }
      }),
    );
    return { batchItemFailures: failures };
  };
}

/** A sequenced batch of `count` entries of `tenant`, at leaves from `firstLeafIndex`. */
async function sequencedBatch(
  tenant: string,
  count: number,
  firstLeafIndex: number,
): Promise<Batch> {
  const batch: Batch = {
    batchId: newBatchId(clock.ms, randomBytes(10)),
    ledger: "default",
    tenant,
    receivedAt: new Date(clock.ms).toISOString(),
    entries: Array.from({ length: count }, (_, i) => ({
      kind: "document" as const,
      contentHash: randomBytes(32).toString("hex"),
      clientRef: `ref-${i}`,
    })),
  };
  await store.putBatch(batch);
  await store.markSequenced(batch, firstLeafIndex);
  return batch;
}

function sequencedMessage(batch: Batch, treeSize: number): string {
  const message: WebhookMessage = {
    tenant: batch.tenant ?? "default",
    event: { type: "entry.sequenced", ledger: batch.ledger, batchId: batch.batchId, treeSize },
    createdAt: new Date(clock.ms).toISOString(),
    attempts: 0,
  };
  return JSON.stringify(message);
}

/** Delivers what is visible now, until nothing is. */
async function drain(queue: InProcessQueue): Promise<void> {
  const handler = handlerFor(queue);
  while ((await queue.deliver(handler)) > 0) {
    // Again: a retry sent with no delay is visible at once.
  }
}

before(async () => {
  dynalite = await startDynalite();
  const client = localClient(dynalite.endpoint);
  await createTable(client, TABLE);
  store = new DynamoDbStore({ client, tableName: TABLE });
  webhooks = new DynamoDbWebhookStore({ client, tableName: TABLE });
  receiver = await startReceiver();
  const deps = { webhooks, clock, random: systemRandom, allowHttpLoopback: true };
  ({ secret } = (await putWebhook(deps, "farm", receiver.url)).webhook);
});

after(async () => {
  await receiver?.close();
  await dynalite?.stop();
});

describe("webhook delivery", () => {
  it("survives a receiver that fails, then hangs past the timeout, then recovers: once, signed", async () => {
    const queue = newQueue();
    const batch = await sequencedBatch("farm", 3, 7);
    receiver.requests.length = 0;
    receiver.script.push(500, "hang", 200);
    await queue.send([{ body: sequencedMessage(batch, 10), delaySeconds: 0 }]);

    await drain(queue);
    assert.equal(receiver.requests.length, 1);
    assert.equal(queue.sent.at(-1)?.delaySeconds, 30, "first retry after 30 s");
    clock.ms += 29_000;
    await drain(queue);
    assert.equal(receiver.requests.length, 1, "not before its time");
    clock.ms += 1_000;
    await drain(queue);
    assert.equal(receiver.requests.length, 2);
    assert.equal(queue.sent.at(-1)?.delaySeconds, 60, "the second waits twice as long");
    clock.ms += 60_000;
    await drain(queue);
    assert.equal(receiver.requests.length, 3);
    assert.equal(queue.depth, 0);
    assert.deepEqual(
      outcomes.slice(-3).map((outcome) => outcome.kind),
      ["retry", "retry", "delivered"],
    );
    const timedOut = outcomes.at(-2);
    assert.ok(
      timedOut?.kind === "retry" && /timed out/.test(timedOut.error),
      JSON.stringify(timedOut),
    );

    const eventId = `entry.sequenced:${batch.batchId}`;
    for (const [index, request] of receiver.requests.entries()) {
      assert.equal(request.method, "POST");
      assert.equal(request.headers["content-type"], "application/json");
      assert.equal(request.headers["stele-event-id"], eventId);
      assert.equal(request.headers["stele-event-type"], "entry.sequenced");
      assert.equal(request.headers["stele-delivery-attempt"], String(index + 1));
      const signature = String(request.headers["stele-signature"]);
      assert.match(signature, /^t=\d+,v1=[0-9a-f]{64}$/);
      // Signed at the (test) clock's time, checked by the README's snippet.
      const t = Number(/t=(\d+)/.exec(signature)?.[1]);
      assert.equal(verifySteleSignature(secret, signature, request.body, t + 10), true);
      assert.equal(verifySteleSignature(secret, signature, `${request.body} `, t), false);
      assert.equal(verifySteleSignature(`${secret}x`, signature, request.body, t), false);
      assert.equal(
        verifySteleSignature(secret, signature, request.body, t + 301),
        false,
        "too old",
      );
    }
    // Every attempt carries the same event.
    assert.equal(new Set(receiver.requests.map((request) => request.body)).size, 1);
    const [event] = receiver.events();
    assert.equal(event?.id, eventId);
    assert.equal(event?.type, "entry.sequenced");
    assert.deepEqual(event?.data, {
      ledger: "default",
      treeSize: 10,
      entries: batch.entries.map((entry, i) => ({
        id: entryId(batch.batchId, i),
        leafIndex: 7 + i,
        contentHash: entry.contentHash,
        clientRef: `ref-${i}`,
      })),
    });

    // The same event queued again (SQS's at-least-once, or a notifier that ran twice): not POSTed.
    await queue.send([{ body: sequencedMessage(batch, 10), delaySeconds: 0 }]);
    await drain(queue);
    assert.equal(receiver.requests.length, 3);
    assert.equal(outcomes.at(-1)?.kind, "duplicate");
  });

  it("POSTs once when the queue hands the same message to two deliveries at once", async () => {
    const queue = newQueue();
    const batch = await sequencedBatch("farm", 1, 20);
    receiver.requests.length = 0;
    receiver.answerDelayMs = 200;
    try {
      const body = sequencedMessage(batch, 21);
      await queue.send([
        { body, delaySeconds: 0 },
        { body, delaySeconds: 0 },
      ]);
      await drain(queue);
      assert.equal(receiver.requests.length, 1);
      assert.deepEqual(
        outcomes
          .slice(-2)
          .map((o) => o.kind)
          .sort(),
        ["busy", "delivered"],
      );
      // The busy one comes back later and finds the event delivered.
      clock.ms += 60_000;
      await drain(queue);
      assert.equal(outcomes.at(-1)?.kind, "duplicate");
      assert.equal(receiver.requests.length, 1);
      assert.equal(queue.depth, 0);
    } finally {
      receiver.answerDelayMs = 0;
    }
  });

  it("retries with growing delays for 24 hours, then dead-letters the event", async () => {
    const queue = newQueue();
    const batch = await sequencedBatch("farm", 1, 30);
    receiver.requests.length = 0;
    receiver.fallback = 503;
    try {
      await queue.send([{ body: sequencedMessage(batch, 31), delaySeconds: 0 }]);
      const postedAtMs: number[] = [];
      const firstMs = clock.ms;
      for (let hops = 0; queue.depth > 0; hops++) {
        assert.ok(hops < 500, "the retries end");
        clock.ms = Math.max(clock.ms, queue.nextVisibleAtMs ?? clock.ms);
        const before = receiver.requests.length;
        await drain(queue);
        if (receiver.requests.length > before) postedAtMs.push(clock.ms);
      }
      assert.equal(queue.deadLetters.length, 1);
      const dead = JSON.parse(queue.deadLetters[0]?.body ?? "{}") as WebhookMessage;
      assert.equal(dead.attempts, postedAtMs.length);
      assert.equal(dead.lastError, "answered 503");
      assert.equal(dead.firstAttemptAtMs, firstMs);
      assert.equal(outcomes.at(-1)?.kind, "dead-lettered");

      const gaps = postedAtMs.slice(1).map((ms, i) => ms - (postedAtMs[i] ?? 0));
      assert.deepEqual(
        gaps.slice(0, 8),
        [30, 60, 120, 240, 480, 960, 1920, 3600].map((s) => s * 1000),
        "doubling from 30 s, capped at an hour",
      );
      const beforeLast = gaps.slice(0, -1);
      assert.ok(
        beforeLast.every((gap, i) => i === 0 || gap >= (beforeLast[i - 1] ?? 0)),
        "never shorter than the one before (but the last, cut at 24 h)",
      );
      assert.equal(postedAtMs.at(-1), firstMs + DELIVERY_WINDOW_MS, "a last attempt at 24 h");
      // Waits past SQS's 15 minutes are made of hops of at most 900 s.
      assert.ok(queue.sent.some((message) => message.delaySeconds === 900));
      assert.ok(queue.sent.every((message) => message.delaySeconds <= 900));

      // An operator moves it back from the DLQ (an SQS redrive): a new series, delivered now.
      receiver.fallback = 200;
      await queue.send([{ body: queue.deadLetters[0]?.body ?? "", delaySeconds: 0 }]);
      await drain(queue);
      assert.equal(outcomes.at(-1)?.kind, "delivered");
      assert.equal(receiver.requests.at(-1)?.headers["stele-delivery-attempt"], "1");
    } finally {
      receiver.fallback = 200;
    }
  });

  it("drops an event of a tenant without a webhook (none set, or removed), and POSTs nothing", async () => {
    const queue = newQueue();
    const batch = await sequencedBatch("shop", 1, 40);
    receiver.requests.length = 0;
    await queue.send([{ body: sequencedMessage(batch, 41), delaySeconds: 0 }]);
    await drain(queue);
    assert.equal(outcomes.at(-1)?.kind, "no-webhook");
    assert.equal(receiver.requests.length, 0);
  });

  it("never POSTs a message that names another tenant's batch: dead-lettered with the reason", async () => {
    const queue = newQueue();
    const shops = await sequencedBatch("shop", 2, 50);
    receiver.requests.length = 0;
    // Addressed to farm (which has a webhook), about shop's batch: a fault upstream, or forged.
    const forged: WebhookMessage = {
      ...(JSON.parse(sequencedMessage(shops, 52)) as WebhookMessage),
      tenant: "farm",
    };
    await queue.send([{ body: JSON.stringify(forged), delaySeconds: 0 }]);
    await drain(queue);
    // The same batch in another ledger than the event says: refused too.
    const otherLedger: WebhookMessage = {
      ...forged,
      tenant: "shop",
      event: { type: "entry.sequenced", ledger: "elsewhere", batchId: shops.batchId, treeSize: 52 },
    };
    const farmHook = await webhooks.getWebhook("farm");
    assert.ok(farmHook !== undefined);
    await webhooks.putWebhook({ ...farmHook, tenant: "shop" });
    try {
      await queue.send([{ body: JSON.stringify(otherLedger), delaySeconds: 0 }]);
      await drain(queue);
    } finally {
      await webhooks.deleteWebhook("shop");
    }
    assert.equal(receiver.requests.length, 0, "nothing POSTed");
    assert.equal(queue.depth, 0);
    const refused = outcomes.slice(-2);
    assert.deepEqual(
      refused.map((outcome) => outcome.kind),
      ["refused", "refused"],
    );
    assert.match(
      refused[0]?.kind === "refused" ? refused[0].reason : "",
      new RegExp(`batch ${shops.batchId} is tenant shop's in ledger default, not tenant farm's`),
    );
    assert.match(
      refused[1]?.kind === "refused" ? refused[1].reason : "",
      /not tenant shop's in ledger elsewhere/,
    );
    const dead = queue.deadLetters
      .slice(-2)
      .map((letter) => JSON.parse(letter.body) as WebhookMessage);
    assert.deepEqual(
      dead.map((message) => [message.tenant, message.event.ledger]),
      [
        ["farm", "default"],
        ["shop", "elsewhere"],
      ],
    );
    assert.ok(dead.every((message) => /: not sent$/.test(message.lastError ?? "")));
    assert.ok(dead.every((message) => message.deadLetteredAtMs === clock.ms));
    // Nor claimed: farm's own delivery of that event id is not marked.
    assert.equal(
      await webhooks.claimDelivery("farm", `entry.sequenced:${shops.batchId}`, clock.ms, 1),
      "claimed",
    );
  });

  it("sends a message it cannot read to the dead letters after its receives", async () => {
    const queue = newQueue();
    await queue.send([
      { body: '{"tenant":"farm","event":{"type":"entry.nope"}}', delaySeconds: 0 },
    ]);
    for (let i = 0; i < 3; i++) {
      await drain(queue);
      clock.ms += 30_000;
    }
    assert.equal(queue.depth, 0);
    assert.equal(queue.deadLetters.length, 1);
  });
});
