// Fault matrix, clock-skew cells. Accept instances whose clocks differ (one 10 minutes behind,
// one 5 minutes ahead) submit to one ledger while integrate runs: batch ids are stamped with the
// accepting instance's clock, so a batch stamped in the past can arrive after later ones were
// sequenced; it must still be sequenced, once. Idempotency-Key records are dated by the clock of
// the attempt that stored them, and a retry on another instance still gets the first answer. The
// anchorer's clock jumping forwards and backwards never anchors a checkpoint twice, and it settles.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDbStore } from "../../shared/adapters/dynamodb/dynamodb-store.ts";
import { createTable, pendingPartition } from "../../shared/adapters/dynamodb/table.ts";
import type { Clock } from "../../shared/ports/clock.ts";
import {
  ANCHOR_OPTIONS,
  type AnchorHarness,
  REPLACE_AFTER_MS,
  startAnchorHarness,
} from "../support/chain/anchor-harness.ts";
import { type DynamoDbBackend, startDynalite } from "../support/dynamodb/dynalite.ts";
import { AwsFaultProxy } from "../support/faults/aws-fault-proxy.ts";
import { LedgerWorkload, sdkDynamoClient } from "../support/faults/ledger-workload.ts";

let dynalite: DynamoDbBackend;
let harness: AnchorHarness;

before(async () => {
  [dynalite, harness] = await Promise.all([startDynalite(), startAnchorHarness()]);
});

after(async () => {
  await Promise.all([dynalite?.stop(), harness?.stop()]);
});

const MINUTE_MS = 60_000;
const skewed = (offsetMs: number): Clock => ({ nowMs: () => Date.now() + offsetMs });

/** A fresh table; a store on it (and its name, for a second store through a proxy). */
async function freshTable() {
  const client = sdkDynamoClient(dynalite.endpoint);
  const tableName = `matrix-clock-${randomUUID().slice(0, 8)}`;
  await createTable(client, tableName);
  return { store: new DynamoDbStore({ client, tableName }), tableName };
}

test("accepts from instances 10 min behind and 5 min ahead, integrate in between: every entry once, in batch-id order", async (t) => {
  const { store } = await freshTable();
  const w = new LedgerWorkload("skewed");
  const behind = skewed(-10 * MINUTE_MS);
  const ahead = skewed(5 * MINUTE_MS);
  for (let round = 0; round < 4; round++) {
    // The instance ahead first, sequenced; then one behind stamps batches earlier than those.
    await w.accept({ store, count: 3, clock: ahead, subjectEvery: 2 });
    await Promise.all([w.integrate(store), w.accept({ store, count: 2, clock: skewed(0) })]);
    await w.accept({ store, count: 4, clock: behind, subjectEvery: 2 });
    await Promise.all([
      w.accept({ store, count: 2, clock: ahead }),
      w.accept({ store, count: 2, clock: behind }),
      w.integrate(store, 5),
    ]);
  }
  await w.heal(store);
  const treeSize = await w.assertHealed(store);
  t.diagnostic(`${w.acknowledged.length} entries from skewed clocks, tree size ${treeSize}`);

  // An Idempotency-Key first sent to the instance behind, retried on the one ahead (15 min
  // later by their clocks): the first answer, not a second batch.
  const request = w.prepare(3, { idempotencyKey: randomUUID() });
  const first = await w.send(store, request, behind);
  const retried = await w.send(store, request, ahead);
  assert.ok(!(first instanceof Error) && !(retried instanceof Error));
  assert.deepEqual(
    retried.map((e) => e.id),
    first.map((e) => e.id),
  );
  await w.heal(store);
  await w.assertHealed(store);
});

/**
 * The defect this cell found: putBatch writes a batch and its pending mark in one BatchWriteItem;
 * throttled, the mark can land while the batch is handed back unprocessed. An integrator that
 * lists pending marks meanwhile deletes a mark without its batch once the batch id looks older
 * than orphanMarkAgeMs (15 min) by its own clock: with the accepting instance's clock more than
 * that behind, the mark of a batch still being written went, and the acknowledged batch was
 * never sequenced. putBatch now marks the batch again once it is stored after a retry.
 * The proxy makes that order certain: the batch handed back, its retry held until integrate has
 * deleted the mark, then released.
 */
test("a batch stamped 20 min in the past, its mark stored before it (throttled), is still sequenced", async () => {
  const { store, tableName } = await freshTable();
  const proxy = await AwsFaultProxy.start(dynalite.endpoint);
  const client = sdkDynamoClient(dynalite.endpoint);
  let release = () => {};
  try {
    const faulty = new DynamoDbStore({ client: sdkDynamoClient(proxy.endpoint), tableName });
    const w = new LedgerWorkload("late-batch");
    await store.registerLedger(w.ledger);
    const pendingMarks = async () =>
      (
        await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": { S: pendingPartition(w.ledger) } },
            ConsistentRead: true,
          }),
        )
      ).Items?.length ?? 0;
    // [batch, mark]: the batch handed back, the mark stored; the retry (the batch) held.
    proxy.inject({ operations: ["BatchWriteItem"], unprocess: "head", times: 1 });
    proxy.inject({
      operations: ["BatchWriteItem"],
      hold: new Promise<void>((resolve) => {
        release = resolve;
      }),
      times: 1,
    });
    const accepting = w.accept({ store: faulty, count: 3, clock: skewed(-20 * MINUTE_MS) });
    while ((proxy.injected.get("BatchWriteItem:held") ?? 0) < 1)
      await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(proxy.injected.get("BatchWriteItem:UnprocessedItems"), 1, "the batch came back");
    assert.equal(await pendingMarks(), 1, "the mark is stored, its batch not yet");
    // The integrator, 20 min ahead of the accepting instance, takes the mark for an orphan.
    const ran = await w.integrate(store);
    assert.ok(!(ran instanceof Error) && ran.treeSize === 0, "nothing to sequence yet");
    assert.equal(await pendingMarks(), 0, "the mark was deleted while its batch was missing");
    release();
    assert.ok(!((await accepting) instanceof Error), "the accept succeeded once its retry did");
    await w.heal(store);
    await w.assertHealed(store);
  } finally {
    release();
    client.destroy();
    await proxy.stop();
  }
});

test("the anchorer's clock jumping forwards and backwards: no checkpoint anchored twice, settled", async () => {
  const s = await harness.scenario();
  const anchorer = s.anchorer(s.chain, { ...ANCHOR_OPTIONS, minAnchorIntervalMs: 30_000 });
  await s.addEntries(2);
  await s.setAutomine(false);
  assert.deepEqual(s.kinds(await s.run(anchorer)), ["sent:default@2"]);
  // Forwards past the replacement delay: a replacement with the same nonce, never a second anchor.
  s.clock.advance(2 * REPLACE_AFTER_MS);
  assert.deepEqual(s.kinds(await s.run(anchorer)), ["replaced:default@2"]);
  await s.resume();
  await s.settle(anchorer);
  // Backwards by an hour: the interval holds new anchors back (never two at once) until the clock
  // has moved on again; the anchor waits, then lands once.
  s.clock.advance(-60 * MINUTE_MS);
  const size = await s.addEntries(3);
  await s.run(anchorer);
  assert.ok(!(await s.records()).some((r) => r.treeSize === size), "held back by the interval");
  s.clock.advance(61 * MINUTE_MS);
  await s.settle(anchorer);
  await s.assertInvariants();
  assert.equal((await s.chainAnchors()).get(size)?.length, 1);
});
