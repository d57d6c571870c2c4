// The webhook notifier (shared/app/webhooks/notify.ts) on dynalite: the log is written through
// the store's own LogStore and AnchorStore methods (plans, heads, anchor records), the notifier
// runs, and the test reads what it queued. Each tenant hears of its own batches only; anchors
// and finality follow the records; a reorg is told to those who heard of the anchor and the
// re-anchoring is told again; a run that dies before its cursor moves is redone with the same
// event ids; a plan that expired is skipped, counted, and does not stop the notifier.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  type BatchGetItemCommandInput,
  DeleteItemCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { DynamoDbStore } from "../../shared/adapters/dynamodb/dynamodb-store.ts";
import { DynamoDbWebhookStore } from "../../shared/adapters/dynamodb/dynamodb-webhook-store.ts";
import { batchKey, createTable, planKey } from "../../shared/adapters/dynamodb/table.ts";
import { InProcessQueue } from "../../shared/adapters/memory/in-process-queue.ts";
import { WebhookNotifier } from "../../shared/app/webhooks/notify.ts";
import type { Batch } from "../../shared/domain/ledger/batch.ts";
import { newBatchId } from "../../shared/domain/ledger/entry-id.ts";
import { webhookEventId } from "../../shared/domain/webhooks/webhook-event.ts";
import type { AnchorRecord } from "../../shared/ports/anchor-store.ts";
import type { NotifierReads } from "../../shared/ports/webhook-notifier-reads.ts";
import { parseWebhookMessage, type WebhookMessage } from "../../shared/schemas/webhook-message.ts";
import { localClient } from "../support/dynamodb/backends.ts";
import { type DynamoDbBackend, startDynalite } from "../support/dynamodb/dynalite.ts";

const TABLE = "stele-webhook-notifier";
const CHAIN_ID = 31337;

let dynalite: DynamoDbBackend;
let client: DynamoDBClient;
let store: DynamoDbStore;
let webhooks: DynamoDbWebhookStore;
let ledger = "";
const clock = { nowMs: () => Date.parse("2026-11-24T09:00:00.000Z") };

function notifier(queue: InProcessQueue, reads: NotifierReads = webhooks) {
  return new WebhookNotifier(
    {
      ledgers: { listLedgers: async () => [ledger] },
      log: store,
      anchors: { store, chainIds: [CHAIN_ID] },
      reads,
      webhooks,
      queue,
      clock,
    },
    { maxPlansPerLedger: 100 },
  );
}

function queued(queue: InProcessQueue): WebhookMessage[] {
  return queue.sent.map((message) => parseWebhookMessage(message.body));
}

/** Sequences one batch per tenant named, in one plan, as integrate would; returns the batches. */
async function sequence(...tenants: string[]): Promise<Batch[]> {
  const fromSize = (await store.getHead(ledger))?.treeSize ?? 0;
  const batches: Batch[] = tenants.map((tenant) => ({
    batchId: newBatchId(Date.now(), randomBytes(10)),
    ledger,
    tenant,
    receivedAt: new Date().toISOString(),
    entries: [{ kind: "document", contentHash: randomBytes(32).toString("hex") }],
  }));
  for (const batch of batches) await store.putBatch(batch);
  const plan = {
    ledger,
    fromSize,
    toSize: fromSize + batches.length,
    batches: batches.map((batch, i) => ({ batchId: batch.batchId, firstLeafIndex: fromSize + i })),
  };
  await store.claimPlan(plan);
  for (const [i, batch] of batches.entries()) await store.markSequenced(batch, fromSize + i);
  const checkpoint = {
    origin: `stele.test/${ledger}`,
    treeSize: plan.toSize,
    rootHash: randomBytes(32).toString("hex"),
    body: "",
    signature: { algorithm: "eip191-secp256k1" as const, signer: "0x", value: "0x" },
  };
  await store.putCheckpoint(ledger, checkpoint);
  assert.ok(await store.advanceHead(fromSize, { ledger, treeSize: plan.toSize, checkpoint }));
  await store.retirePlan(ledger, fromSize);
  return batches;
}

async function anchor(
  treeSize: number,
  status: AnchorRecord["status"],
  attempt = 0,
): Promise<AnchorRecord> {
  const record: AnchorRecord = {
    ledger,
    chainId: CHAIN_ID,
    treeSize,
    rootHash: "ab".repeat(32),
    contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    attempt,
    status,
    nonce: treeSize,
    transactions: [],
    inclusion: {
      txHash: `0x${randomBytes(32).toString("hex")}`,
      blockNumber: treeSize,
      blockHash: `0x${randomBytes(32).toString("hex")}`,
      logIndex: 0,
    },
    updatedAtMs: clock.nowMs(),
  };
  await store.putAnchor(record);
  return record;
}

function summary(messages: readonly WebhookMessage[]): string[] {
  return messages.map((m) => `${m.tenant} ${webhookEventId(m.event)}`);
}

async function setHook(tenant: string): Promise<void> {
  await webhooks.putWebhook({
    tenant,
    url: `https://${tenant}.example/hook`,
    secret: "whsec_x",
    createdAt: new Date().toISOString(),
  });
}

before(async () => {
  dynalite = await startDynalite();
  client = localClient(dynalite.endpoint);
  await createTable(client, TABLE);
  store = new DynamoDbStore({ client, tableName: TABLE });
  webhooks = new DynamoDbWebhookStore({ client, tableName: TABLE });
});

beforeEach(async () => {
  ledger = `l${randomBytes(4).toString("hex")}`;
  for (const webhook of await webhooks.listWebhooks()) await webhooks.deleteWebhook(webhook.tenant);
});

after(async () => {
  await dynalite?.stop();
});

describe("webhook notifier", () => {
  it("follows the log while nobody listens; then tells each tenant of its own batches only", async () => {
    await sequence("farm", "shop");
    const quiet = new InProcessQueue({ clock });
    assert.deepEqual(await notifier(quiet).run(), [
      { ledger, events: 0, skippedLeaves: 0, cursorMoved: true },
    ]);
    assert.equal((await webhooks.getCursor(ledger))?.sequencedSize, 2);

    await setHook("farm");
    const [farm, shop, legacy] = await sequence("farm", "shop", "default");
    assert.ok(farm && shop && legacy);
    const queue = new InProcessQueue({ clock });
    await notifier(queue).run();
    assert.deepEqual(summary(queued(queue)), [`farm entry.sequenced:${farm.batchId}`]);
    assert.deepEqual(queued(queue)[0]?.event, {
      type: "entry.sequenced",
      ledger,
      batchId: farm.batchId,
      treeSize: 5,
    });
    // Nothing new: nothing queued, and the cursor is left alone.
    const again = new InProcessQueue({ clock });
    await notifier(again).run();
    assert.deepEqual(queued(again), []);
  });

  it("tells anchored and final per anchor; a reorg to those told, then the re-anchoring", async () => {
    await setHook("farm");
    await setHook("shop");
    const [a] = await sequence("farm");
    const [b, c] = await sequence("farm", "shop");
    assert.ok(a && b && c);
    const queue = new InProcessQueue({ clock });
    const run = async () => {
      const before = queue.sent.length;
      await notifier(queue).run();
      return summary(queued(queue).slice(before));
    };
    assert.equal((await run()).length, 3, "three entry.sequenced");

    const first = await anchor(1, "included");
    assert.deepEqual(await run(), [`farm entry.anchored:${a.batchId}:${CHAIN_ID}:1:0`]);
    const second = await anchor(3, "included");
    assert.deepEqual(await run(), [
      `farm entry.anchored:${b.batchId}:${CHAIN_ID}:3:0`,
      `shop entry.anchored:${c.batchId}:${CHAIN_ID}:3:0`,
    ]);
    await store.putAnchor({ ...first, status: "final" });
    await store.putAnchor({ ...second, status: "final" });
    assert.deepEqual(await run(), [
      `farm entry.final:${a.batchId}:${CHAIN_ID}:1:0`,
      `farm entry.final:${b.batchId}:${CHAIN_ID}:3:0`,
      `shop entry.final:${c.batchId}:${CHAIN_ID}:3:0`,
    ]);

    // The anchor of size 3 is reorged away; the checkpoint is anchored again (attempt 1).
    await store.putAnchor({ ...second, status: "orphaned" });
    assert.deepEqual(await run(), [
      `farm anchor.reorged:${ledger}:${CHAIN_ID}:3:0`,
      `shop anchor.reorged:${ledger}:${CHAIN_ID}:3:0`,
    ]);
    const reorged = queued(queue).at(-1);
    assert.equal(
      reorged?.event.type === "anchor.reorged" && reorged.event.anchor.txHash,
      second.inclusion?.txHash,
    );
    await anchor(3, "included", 1);
    assert.deepEqual(await run(), [
      `farm entry.anchored:${b.batchId}:${CHAIN_ID}:3:1`,
      `shop entry.anchored:${c.batchId}:${CHAIN_ID}:3:1`,
    ]);
    assert.deepEqual(await run(), [], "each told once");
  });

  it("redoes a run that died before its cursor moved, with the same event ids", async () => {
    await setHook("farm");
    await sequence("farm", "farm");
    await anchor(2, "included");
    let failures = 1;
    const dying: NotifierReads = {
      readPlan: (...args) => webhooks.readPlan(...args),
      nextCheckpointSize: (...args) => webhooks.nextCheckpointSize(...args),
      batchOwners: (...args) => webhooks.batchOwners(...args),
      getCursor: (...args) => webhooks.getCursor(...args),
      putCursor: async (...args) => {
        if (failures-- > 0) throw new Error("the notifier died here");
        return webhooks.putCursor(...args);
      },
    };
    const firstQueue = new InProcessQueue({ clock });
    await assert.rejects(notifier(firstQueue, dying).run(), /died here/);
    const secondQueue = new InProcessQueue({ clock });
    await notifier(secondQueue, dying).run();
    assert.equal(queued(firstQueue).length, 4);
    assert.deepEqual(summary(queued(secondQueue)), summary(queued(firstQueue)));
  });

  it("two notifiers at once queue the same events, and one of them moves the cursor", async () => {
    await setHook("farm");
    await sequence("farm");
    // Both read the cursor before either writes it: each waits for the other's read.
    let reads = 0;
    let bothRead: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      bothRead = resolve;
    });
    const racing: NotifierReads = {
      readPlan: (...args) => webhooks.readPlan(...args),
      nextCheckpointSize: (...args) => webhooks.nextCheckpointSize(...args),
      batchOwners: (...args) => webhooks.batchOwners(...args),
      getCursor: async (...args) => {
        const cursor = await webhooks.getCursor(...args);
        if (++reads === 2) bothRead();
        await barrier;
        return cursor;
      },
      putCursor: (...args) => webhooks.putCursor(...args),
    };
    const [q1, q2] = [new InProcessQueue({ clock }), new InProcessQueue({ clock })];
    const [r1, r2] = await Promise.all([notifier(q1, racing).run(), notifier(q2, racing).run()]);
    assert.equal(queued(q1).length, 1);
    assert.deepEqual(summary(queued(q1)), summary(queued(q2)));
    assert.deepEqual([r1[0]?.cursorMoved, r2[0]?.cursorMoved].sort(), [false, true]);
  });

  it("fails a run whose plan names a batch not found, never guessing its owner; then recovers", async () => {
    await setHook("farm");
    await setHook("default");
    await sequence("farm");
    await notifier(new InProcessQueue({ clock })).run();
    const cursor = await webhooks.getCursor(ledger);
    const [lost, kept] = await sequence("farm", "farm");
    assert.ok(lost && kept);
    // The batch item is not there (as a read that missed it would find): whose it is is unknown.
    const key = batchKey(lost.batchId);
    await client.send(
      new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }),
    );
    const queue = new InProcessQueue({ clock });
    await assert.rejects(
      notifier(queue).run(),
      new RegExp(`not found \\(${lost.batchId}\\): their owners are unknown`),
    );
    assert.deepEqual(queued(queue), [], "nothing queued: neither to farm nor to default");
    assert.deepEqual(await webhooks.getCursor(ledger), cursor, "the cursor did not move");

    // The batch is readable again: the next run tells its owner, from where the cursor stood.
    await store.putBatch(lost);
    const retried = new InProcessQueue({ clock });
    await notifier(retried).run();
    assert.deepEqual(summary(queued(retried)), [
      `farm entry.sequenced:${lost.batchId}`,
      `farm entry.sequenced:${kept.batchId}`,
    ]);
  });

  it("reads batch owners strongly consistent", async () => {
    const inputs: BatchGetItemCommandInput[] = [];
    const watched = localClient(dynalite.endpoint);
    watched.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "BatchGetItemCommand")
          inputs.push(args.input as BatchGetItemCommandInput);
        return next(args);
      },
      { step: "initialize" },
    );
    const [batch] = await sequence("farm");
    assert.ok(batch);
    const owners = await new DynamoDbWebhookStore({
      client: watched,
      tableName: TABLE,
    }).batchOwners([batch.batchId]);
    assert.deepEqual(owners.get(batch.batchId), { batchId: batch.batchId, tenant: "farm" });
    assert.equal(inputs.length, 1);
    assert.equal(inputs[0]?.RequestItems?.[TABLE]?.ConsistentRead, true);
  });

  it("skips a plan that expired, counts its leaves, and tells of the later ones", async () => {
    await setHook("farm");
    await sequence("farm");
    await notifier(new InProcessQueue({ clock })).run();
    await sequence("farm", "farm");
    const [late] = await sequence("farm");
    assert.ok(late);
    // The plan from size 1 is gone (its TTL): only the checkpoint of size 3 says where it ended.
    await client.send(
      new DeleteItemCommand({
        TableName: TABLE,
        Key: { pk: { S: planKey(ledger, 1).pk }, sk: { S: planKey(ledger, 1).sk } },
      }),
    );
    const queue = new InProcessQueue({ clock });
    const [result] = await notifier(queue).run();
    assert.equal(result?.skippedLeaves, 2);
    assert.deepEqual(summary(queued(queue)), [`farm entry.sequenced:${late.batchId}`]);
    assert.equal((await webhooks.getCursor(ledger))?.sequencedSize, 4);
  });
});
