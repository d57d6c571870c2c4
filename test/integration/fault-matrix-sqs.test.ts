// Fault matrix, SQS cell: one producer's messages delivered to the ingest function
// (functions/ingest-queue/handler.ts) out of order and with duplicates, by several invocations at
// once, as a standard queue may. Every message becomes one batch, accepted once; the log's order
// is the order batches were accepted in (batch ids), not the order the producer sent them.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { DynamoDbStore } from "../../shared/adapters/dynamodb/dynamodb-store.ts";
import { createTable } from "../../shared/adapters/dynamodb/table.ts";
import { entryId } from "../../shared/domain/ledger/entry-id.ts";
import { type DynamoDbBackend, startDynalite } from "../support/dynamodb/dynalite.ts";
import { DEV_SIGNER, LedgerWorkload, sdkDynamoClient } from "../support/faults/ledger-workload.ts";
import { assertLedgerHealed } from "../support/faults/log-invariants.ts";
import { seededRandom } from "../support/reference-merkle.ts";
import { sqsRecord } from "../support/sqs/sqs-record.ts";

const TABLE_NAME = `matrix-sqs-${randomUUID().slice(0, 8)}`;
const LEDGER = "queued";
const TENANT = "queue-tenant";

let dynalite: DynamoDbBackend;
let store: DynamoDbStore;
let handler: (event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

before(async () => {
  dynalite = await startDynalite();
  const client = sdkDynamoClient(dynalite.endpoint);
  await createTable(client, TABLE_NAME);
  store = new DynamoDbStore({ client, tableName: TABLE_NAME });
  // Read by the handler at import, as at a Lambda cold start.
  Object.assign(process.env, {
    STELE_TABLE_NAME: TABLE_NAME,
    STELE_DYNAMODB_ENDPOINT: dynalite.endpoint,
    STELE_ORIGIN_PREFIX: "matrix.stele.test",
    STELE_CHECKPOINT_SIGNER: "dev",
    STELE_DEV_CHECKPOINT_KEY: "11".repeat(32),
    STELE_INGEST_TENANT: TENANT,
    AWS_REGION: "us-east-1",
    POWERTOOLS_LOG_LEVEL: "ERROR",
  });
  ({ handler } = await import("../../functions/ingest-queue/handler.ts"));
});

after(async () => {
  await dynalite?.stop();
});

test("out-of-order and duplicate SQS deliveries: every message accepted once; the log keeps batch order", async (t) => {
  const seed = Number(process.env.STELE_MATRIX_SEED ?? Date.now() % 100_000);
  t.diagnostic(`seed ${seed}`);
  const random = seededRandom(seed);
  // One producer sends messages 0..39 in order; some are events of one subject.
  const sent = Array.from({ length: 40 }, (_, n) => {
    const contentHash = randomBytes(32).toString("hex");
    const entry = {
      kind: "document",
      contentHash,
      clientRef: `message-${n}`,
      ...(n % 4 === 0 ? { subject: "shipment-1" } : {}),
    };
    return {
      n,
      contentHash,
      record: sqsRecord(randomUUID(), JSON.stringify({ ledger: LEDGER, entries: [entry] })),
    };
  });
  // Delivered shuffled, a third of them twice, in batches of up to 10 handled at once.
  const deliveries = [...sent, ...sent.filter((_, i) => i % 3 === 0)]
    .map((message) => ({ message, key: random() }))
    .sort((a, b) => a.key - b.key)
    .map(({ message }) => message);
  const invocations: SQSRecord[][] = [];
  for (let i = 0; i < deliveries.length; i += 10)
    invocations.push(deliveries.slice(i, i + 10).map((m) => m.record));
  const answers = await Promise.all(invocations.map((Records) => handler({ Records })));
  assert.deepEqual(
    answers.flatMap((a) => a.batchItemFailures),
    [],
    "every delivery handled",
  );

  // One batch per message, whatever the number of deliveries.
  const pending = await store.listPending(LEDGER, 1000);
  assert.equal(pending.length, sent.length, "one batch per message");
  const batchOf = new Map(pending.map((b) => [b.entries[0]?.contentHash, b.batchId]));
  const acknowledged = sent.map(({ contentHash, n }) => {
    const batchId = batchOf.get(contentHash);
    assert.ok(batchId !== undefined, `message ${n} was accepted`);
    return {
      id: entryId(batchId, 0),
      contentHash,
      ...(n % 4 === 0 ? { subject: "shipment-1" } : {}),
    };
  });

  const w = new LedgerWorkload(LEDGER, DEV_SIGNER);
  await w.heal(store);
  await assertLedgerHealed(
    { entries: store, log: store, subjects: store },
    { ledger: LEDGER, tenant: TENANT, signer: await DEV_SIGNER.address(), acknowledged },
  );

  // The order guarantee: leaves follow batch ids (the time each message was accepted), so the
  // log holds the messages in delivery order, not in the producer's.
  const leafOf = new Map<number, number>();
  for (const { n, contentHash } of sent) {
    const [indexed] = await store.findByContentHash(contentHash, LEDGER);
    assert.ok(indexed !== undefined);
    leafOf.set(n, indexed.leafIndex);
  }
  const byBatch = [...sent].sort((a, b) =>
    (batchOf.get(a.contentHash) ?? "").localeCompare(batchOf.get(b.contentHash) ?? ""),
  );
  const leaves = byBatch.map(({ n }) => leafOf.get(n) ?? -1);
  assert.deepEqual(
    leaves,
    [...leaves].sort((a, b) => a - b),
    "leaves in batch-id order",
  );
  const producerOrder = sent.map(({ n }) => leafOf.get(n) ?? -1);
  const inversions = producerOrder.filter((leaf, i) => i > 0 && leaf < (producerOrder[i - 1] ?? 0));
  t.diagnostic(`${inversions.length} messages sit before the one the producer sent before them`);
});
