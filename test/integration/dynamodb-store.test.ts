// The storage contract (EntryStore, LogStore, ApiKeyStore) of DynamoDbStore, run against AWS's
// DynamoDB Local and against dynalite: what one accepts, the other must too.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import {
  type BatchGetItemCommandInput,
  type BatchGetItemCommandOutput,
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import {
  BatchRetriesExhaustedError,
  DynamoDbStore,
  ItemTooLargeError,
} from "../../shared/adapters/dynamodb/dynamodb-store.ts";
import { type ItemKey, pendingKey, planKey } from "../../shared/adapters/dynamodb/table.ts";
import { MemoryTileStore } from "../../shared/adapters/memory/memory-tile-store.ts";
import { MissingDataError, SteleError } from "../../shared/domain/errors.ts";
import type { Batch, BatchEntry } from "../../shared/domain/ledger/batch.ts";
import { appendLeaves } from "../../shared/domain/merkle/append-leaves.ts";
import {
  buildConsistencyProof,
  buildInclusionProof,
  treeRoot,
} from "../../shared/domain/merkle/build-proof.ts";
import type { LedgerHead, SequencingPlan, StoredCheckpoint } from "../../shared/ports/log-store.ts";
import { describeEachBackend, localClient, type TestTable } from "../support/dynamodb/backends.ts";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const NOW_MS = Date.parse("2026-03-01T12:00:00.000Z");

function crockford(value: number, length: number): string {
  let out = "";
  let rest = value;
  for (let i = 0; i < length; i++) {
    out = (CROCKFORD[rest % 32] ?? "0") + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

let serial = 0;
/** A batch id as the service makes them: a ULID of `timeMs` ending in "00". */
function batchIdAt(timeMs: number): string {
  serial += 1;
  return `${crockford(timeMs, 10)}${crockford(serial, 7)}${crockford(process.pid, 7)}00`;
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function makeBatch(ledger: string, count: number, options: { timeMs?: number } = {}): Batch {
  const timeMs = options.timeMs ?? NOW_MS;
  const batchId = batchIdAt(timeMs);
  const entries: BatchEntry[] = Array.from({ length: count }, (_, i) => ({
    kind: i % 2 === 0 ? "document" : "transaction",
    contentHash: sha256Hex(`${batchId}/${i}`),
  }));
  return { batchId, ledger, receivedAt: new Date(timeMs).toISOString(), entries };
}

function checkpointOf(ledger: string, treeSize: number, tag = ""): StoredCheckpoint {
  const rootHash = sha256Hex(`${ledger}/${treeSize}/${tag}`);
  return {
    origin: `stele.test/${ledger}`,
    treeSize,
    rootHash,
    body: `stele.test/${ledger}\n${treeSize}\n${rootHash}\n`,
    signature: { algorithm: "eip191-secp256k1", signer: "0x01", value: `0x${tag}` },
  };
}

function headOf(ledger: string, treeSize: number, tag = ""): LedgerHead {
  return { ledger, treeSize, checkpoint: checkpointOf(ledger, treeSize, tag) };
}

/** `count` distinct 32-byte leaf hashes starting at `first`, end to end. */
function leafHashes(first: number, count: number): Uint8Array {
  const out = new Uint8Array(count * 32);
  for (let i = 0; i < count; i++) {
    out.set(
      createHash("sha256")
        .update(`leaf ${first + i}`)
        .digest(),
      i * 32,
    );
  }
  return out;
}

async function rawGet(table: TestTable, key: ItemKey) {
  const { Item } = await table.client.send(
    new GetItemCommand({
      TableName: table.tableName,
      Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      ConsistentRead: true,
    }),
  );
  return Item;
}

async function rawPut(table: TestTable, key: ItemKey) {
  await table.client.send(
    new PutItemCommand({
      TableName: table.tableName,
      Item: { pk: { S: key.pk }, sk: { S: key.sk } },
    }),
  );
}

function sorted(batches: readonly Batch[]): string[] {
  return batches.map((batch) => batch.batchId).sort();
}

/**
 * A second client on the same backend whose BatchWriteItem and BatchGetItem calls, while
 * `faulty()` says so, send only the first half (rounded down) of their items or keys and hand the rest back
 * as unprocessed: what DynamoDB does under throttling.
 */
function throttledClient(
  table: TestTable,
  faulty: (call: number) => boolean,
): { client: DynamoDBClient; calls: () => number } {
  const client = localClient(table.endpoint);
  let calls = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName;
      if (name !== "BatchWriteItemCommand" && name !== "BatchGetItemCommand") return next(args);
      calls += 1;
      if (!faulty(calls)) return next(args);
      if (name === "BatchWriteItemCommand") {
        const input = args.input as BatchWriteItemCommandInput;
        const requests = input.RequestItems?.[table.tableName] ?? [];
        const half = Math.floor(requests.length / 2);
        const held = requests.slice(half);
        // With nothing to send, answer as DynamoDB does when it processes nothing.
        const output: BatchWriteItemCommandOutput =
          half === 0
            ? { $metadata: {} }
            : ((
                await next({
                  ...args,
                  input: { ...input, RequestItems: { [table.tableName]: requests.slice(0, half) } },
                })
              ).output as BatchWriteItemCommandOutput);
        return {
          output: {
            ...output,
            UnprocessedItems: held.length > 0 ? { [table.tableName]: held } : {},
          },
          response: {},
        };
      }
      const input = args.input as BatchGetItemCommandInput;
      const request = input.RequestItems?.[table.tableName];
      const keys = request?.Keys ?? [];
      const half = Math.floor(keys.length / 2);
      const held = keys.slice(half);
      const output: BatchGetItemCommandOutput =
        half === 0
          ? { $metadata: {}, Responses: { [table.tableName]: [] } }
          : ((
              await next({
                ...args,
                input: {
                  ...input,
                  RequestItems: { [table.tableName]: { ...request, Keys: keys.slice(0, half) } },
                },
              })
            ).output as BatchGetItemCommandOutput);
      return {
        output: {
          ...output,
          UnprocessedKeys: held.length > 0 ? { [table.tableName]: { ...request, Keys: held } } : {},
        },
        response: {},
      };
    },
    { step: "initialize", name: "throttleBatchCalls" },
  );
  return { client, calls: () => calls };
}

describeEachBackend("DynamoDbStore", (table) => {
  const store = (options: { clock?: { nowMs(): number } } = {}) =>
    new DynamoDbStore({ client: table().client, tableName: table().tableName, ...options });

  test("a batch round-trips: one entry, and 1000 entries with clientRefs and unicode", async () => {
    const one = makeBatch("roundtrip", 1);
    const refs = [
      "order-1",
      "日本語のメモ",
      "emoji 🚀✨",
      "e\u0301 combining",
      "line\u2028sep",
      "\ud800 lone",
    ];
    const big: Batch = {
      ...makeBatch("roundtrip", 0),
      entries: Array.from({ length: 1000 }, (_, i) => ({
        kind: i % 3 === 0 ? "transaction" : "document",
        contentHash: sha256Hex(`big/${i}`),
        ...(i % 4 === 0 ? {} : { clientRef: `${refs[i % refs.length]}#${i}`.padEnd(128, "x") }),
      })),
    };
    await store().putBatch(one);
    await store().putBatch(big);
    assert.deepEqual(await store().getBatch(one.batchId), one);
    assert.deepEqual(await store().getBatch(big.batchId), big);
  });

  test("a batch over DynamoDB's 400 KB item limit is refused whole, alike on every backend", async () => {
    // Legal per the API (1000 entries, clientRef of 128 characters) yet ~500 KB of JSON.
    const batch: Batch = {
      ...makeBatch("too-large", 0),
      entries: Array.from({ length: 1000 }, (_, i) => ({
        kind: "document",
        contentHash: sha256Hex(`large/${i}`),
        clientRef: "日".repeat(128),
      })),
    };
    await assert.rejects(store().putBatch(batch), (error: unknown) => {
      // A SteleError with its own code, which the HTTP layer maps to a client error.
      assert.ok(error instanceof ItemTooLargeError && error instanceof SteleError);
      assert.equal(error.code, "too_large");
      assert.equal(error.name, "ItemTooLargeError");
      assert.match(error.message, /send fewer entries .*per request/);
      assert.ok(error.sizeBytes > 400 * 1024, `${error.sizeBytes} bytes`);
      return true;
    });
    await assert.rejects(store().restoreBatch(batch), ItemTooLargeError);
    const claim = { scope: "key-1", key: "too-large", requestHash: sha256Hex("x"), batch };
    await assert.rejects(store().claimIdempotencyKey(claim), ItemTooLargeError);
    assert.equal(await store().getBatch(batch.batchId), undefined);
    assert.deepEqual(await store().listPending("too-large", 10), []);
  });

  test("listPending gives a ledger's batches in batchId order, at most maxBatches", async () => {
    const a = [5, 1, 4, 2, 3].map((k) => makeBatch("pending-a", k, { timeMs: NOW_MS + k }));
    const b = [makeBatch("pending-b", 1), makeBatch("pending-b", 2)];
    // Written out of order and interleaved with the other ledger.
    await Promise.all([...a, ...b].map((batch) => store().putBatch(batch)));
    const all = await store().listPending("pending-a", 100);
    assert.deepEqual(
      all.map((batch) => batch.batchId),
      sorted(a),
    );
    assert.deepEqual(all[0], a[1]);
    assert.deepEqual(
      (await store().listPending("pending-a", 2)).map((batch) => batch.batchId),
      sorted(a).slice(0, 2),
    );
    assert.deepEqual(
      (await store().listPending("pending-b", 100)).map((batch) => batch.batchId),
      sorted(b),
    );
    assert.deepEqual(await store().listPending("pending-a", 0), []);
    assert.deepEqual(await store().listPending("pending-none", 10), []);
  });

  test("markSequenced records the leaves and takes the batch off the pending list, idempotently", async () => {
    const [first, second] = [makeBatch("seq", 3), makeBatch("seq", 2)];
    assert.ok(first && second);
    await store().putBatch(first);
    await store().putBatch(second);
    await store().markSequenced(first, 0);
    await store().markSequenced(first, 0);
    assert.deepEqual(await store().getBatch(first.batchId), { ...first, firstLeafIndex: 0 });
    assert.deepEqual(await store().getBatch(second.batchId), second);
    assert.deepEqual(
      (await store().listPending("seq", 10)).map((batch) => batch.batchId),
      [second.batchId],
    );
    await assert.rejects(store().markSequenced(first, 7), /already sequenced at 0/);
    await assert.rejects(store().markSequenced(makeBatch("seq", 1), 3), /not stored/);
    assert.equal(await store().getBatch(batchIdAt(NOW_MS)), undefined);
  });

  test("putBatch repeated after its batch was sequenced (an SDK retry) never makes it pending again", async () => {
    const batch = makeBatch("re-put", 2);
    // A client whose first BatchWriteItem succeeds but loses its answer, and whose SDK retries it
    // (a transient error) only once integrate has sequenced the batch.
    const retrying = localClient(table().endpoint);
    let lost = false;
    let reached = () => {};
    const atLoss = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    retrying.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === "BatchWriteItemCommand" && !lost) {
          lost = true;
          reached();
          await gate;
          throw Object.assign(new Error("the answer was lost"), { name: "TimeoutError" });
        }
        return result;
      },
      // Inside the SDK's retry loop, which sends the same request again.
      { step: "deserialize", name: "loseFirstAnswer" },
    );
    try {
      const putting = new DynamoDbStore({
        client: retrying,
        tableName: table().tableName,
      }).putBatch(batch);
      await atLoss;
      assert.deepEqual(await store().listPending("re-put", 10), [batch]);
      await store().markSequenced(batch, 5);
      release();
      await putting;
    } finally {
      retrying.destroy();
    }
    const mark = pendingKey("re-put", batch.batchId);
    assert.ok(await rawGet(table(), mark), "the retry did not put the mark back");
    assert.deepEqual(await store().getBatch(batch.batchId), { ...batch, firstLeafIndex: 5 });
    assert.deepEqual(await store().listPending("re-put", 10), []);
    assert.equal(await rawGet(table(), mark), undefined);
    // So does a plain repeat, and a retried request's restoreBatch.
    await store().putBatch(batch);
    await store().restoreBatch(batch);
    assert.deepEqual(await store().listPending("re-put", 10), []);
    assert.deepEqual(await store().listPending("re-put", 10), []);
    assert.deepEqual(await store().getBatch(batch.batchId), { ...batch, firstLeafIndex: 5 });
    await store().markSequenced(batch, 5);
    await assert.rejects(store().markSequenced(batch, 6), /already sequenced at 5/);
  });

  test("restoreBatch never overwrites a sequenced batch", async () => {
    const batch = makeBatch("restore-seq", 2);
    await store().putBatch(batch);
    await store().markSequenced(batch, 40);
    await store().restoreBatch({ ...batch, entries: [] });
    assert.deepEqual(await store().getBatch(batch.batchId), { ...batch, firstLeafIndex: 40 });
    assert.equal(await rawGet(table(), pendingKey("restore-seq", batch.batchId)), undefined);
    assert.deepEqual(await store().listPending("restore-seq", 10), []);
  });

  test("the stale mark of restoreBatch racing markSequenced is skipped and removed", async () => {
    const batch = makeBatch("restore-race", 2);
    await store().putBatch(batch);
    // restoreBatch reads the batch unsequenced, then stalls before putting its mark back ...
    const racer = localClient(table().endpoint);
    let reached = () => {};
    const atMark = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    racer.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as PutItemCommandInput;
        if (context.commandName === "PutItemCommand" && input.Item?.pk?.S?.startsWith("PENDING#")) {
          reached();
          await gate;
        }
        return next(args);
      },
      { step: "initialize", name: "stallPendingMark" },
    );
    try {
      const slow = new DynamoDbStore({ client: racer, tableName: table().tableName });
      const restoring = slow.restoreBatch(batch);
      await atMark;
      // ... while integrate sequences the batch and removes its mark.
      await store().markSequenced(batch, 0);
      release();
      await restoring;
    } finally {
      racer.destroy();
    }
    const mark = pendingKey("restore-race", batch.batchId);
    assert.ok(await rawGet(table(), mark), "the race left a pending mark behind");
    assert.deepEqual(await store().listPending("restore-race", 10), []);
    assert.equal(await rawGet(table(), mark), undefined);
    assert.deepEqual(await store().getBatch(batch.batchId), { ...batch, firstLeafIndex: 0 });
  });

  test("restoreBatch creates an absent batch pending, and keeps a pending one pending once", async () => {
    const absent = makeBatch("restore", 3);
    await store().restoreBatch(absent);
    assert.deepEqual(await store().getBatch(absent.batchId), absent);
    const present = makeBatch("restore", 1);
    await store().putBatch(present);
    await store().restoreBatch(present);
    await store().restoreBatch(present);
    assert.deepEqual(await store().listPending("restore", 10), [absent, present]);
  });

  test("a pending mark whose batch is missing is skipped, and removed once it is old", async () => {
    const clock = { nowMs: () => NOW_MS };
    const real = makeBatch("orphans", 1, { timeMs: NOW_MS - 2 * 3_600_000 });
    const oldOrphan = batchIdAt(NOW_MS - 3_600_000);
    const youngOrphan = batchIdAt(NOW_MS - 1_000);
    await rawPut(table(), pendingKey("orphans", oldOrphan));
    await rawPut(table(), pendingKey("orphans", youngOrphan));
    await store().putBatch(real);
    assert.deepEqual(await store({ clock }).listPending("orphans", 1), [real]);
    assert.deepEqual(await store({ clock }).listPending("orphans", 10), [real]);
    assert.equal(await rawGet(table(), pendingKey("orphans", oldOrphan)), undefined);
    // A young one may belong to a putBatch still retrying its batch item: it stays.
    assert.ok(await rawGet(table(), pendingKey("orphans", youngOrphan)));
  });

  test("claimIdempotencyKey: the first claim wins, concurrent claims agree, keys are per scope", async () => {
    const record = (scope: string, key: string, body: string) => ({
      scope,
      key,
      requestHash: sha256Hex(body),
      batch: makeBatch("idem", 1),
    });
    const first = record("key-1", "retry#1", "body A");
    assert.deepEqual(await store().claimIdempotencyKey(first), first);
    assert.deepEqual(
      await store().claimIdempotencyKey(record("key-1", "retry#1", "body B")),
      first,
    );
    const otherScope = record("key-2", "retry#1", "body B");
    assert.deepEqual(await store().claimIdempotencyKey(otherScope), otherScope);

    const contenders = [record("key-1", "race", "x"), record("key-1", "race", "y")];
    const results = await Promise.all(
      contenders.map((contender) => store().claimIdempotencyKey(contender)),
    );
    assert.deepEqual(results[0], results[1]);
    assert.ok(contenders.some((contender) => contender.requestHash === results[0]?.requestHash));
  });

  test("claimIdempotencyKey: a record past its 24 h is replaced even before TTL deletes it", async () => {
    const old = {
      scope: "key-1",
      key: "expiring",
      requestHash: sha256Hex("old"),
      batch: makeBatch("idem", 1, { timeMs: NOW_MS - 25 * 3_600_000 }),
    };
    await store().claimIdempotencyKey(old);
    const fresh = { ...old, requestHash: sha256Hex("new"), batch: makeBatch("idem", 1) };
    assert.deepEqual(await store().claimIdempotencyKey(fresh), fresh);
    const stored = await rawGet(table(), { pk: "IDEM#key-1#expiring", sk: "IDEM" });
    assert.equal(stored?.expiresAt?.N, String(Math.floor(NOW_MS / 1000) + 24 * 3600));
  });

  test("claimPlan and putCheckpoint keep the first; plans can be read", async () => {
    const plan: SequencingPlan = {
      ledger: "plans",
      fromSize: 10,
      toSize: 13,
      batches: [
        { batchId: batchIdAt(NOW_MS), firstLeafIndex: 10 },
        { batchId: batchIdAt(NOW_MS), firstLeafIndex: 12 },
      ],
    };
    assert.equal(await store().getPlan("plans", 10), undefined);
    const [a, b] = await Promise.all([
      store().claimPlan(plan),
      store().claimPlan({ ...plan, toSize: 11, batches: plan.batches.slice(0, 1) }),
    ]);
    assert.deepEqual(a, b);
    assert.deepEqual(await store().getPlan("plans", 10), a);
    assert.deepEqual(await store().claimPlan({ ...plan, toSize: 99 }), a);

    const checkpoint = checkpointOf("plans", 13, "first");
    assert.equal(await store().getCheckpoint("plans", 13), undefined);
    assert.deepEqual(await store().putCheckpoint("plans", checkpoint), checkpoint);
    assert.deepEqual(
      await store().putCheckpoint("plans", checkpointOf("plans", 13, "second")),
      checkpoint,
    );
    assert.deepEqual(await store().getCheckpoint("plans", 13), checkpoint);
    assert.equal(await store().getCheckpoint("plans", 12), undefined);
  });

  test("a retired plan is not resumed, yet keeps its size from any other plan until its TTL", async () => {
    const plan: SequencingPlan = {
      ledger: "retire",
      fromSize: 20,
      toSize: 22,
      batches: [{ batchId: batchIdAt(NOW_MS), firstLeafIndex: 20 }],
    };
    const clock = { nowMs: () => NOW_MS };
    assert.deepEqual(await store({ clock }).claimPlan(plan), plan);
    await store().retirePlan("retire", 20);
    assert.equal(await store().getPlan("retire", 20), undefined);
    // A late writer that read the old head drafts another plan for size 20: it gets the old one.
    const late: SequencingPlan = {
      ...plan,
      toSize: 21,
      batches: [{ batchId: batchIdAt(NOW_MS), firstLeafIndex: 20 }],
    };
    assert.deepEqual(await store().claimPlan(late), plan);
    assert.equal(await store().getPlan("retire", 20), undefined);
    // Retiring again (a repeated run) keeps the expiry: 7 days from the plan's creation.
    await store({ clock: { nowMs: () => NOW_MS + 3_600_000 } }).retirePlan("retire", 20);
    const stored = await rawGet(table(), planKey("retire", 20));
    assert.equal(stored?.expiresAt?.N, String(Math.floor(NOW_MS / 1000) + 7 * 24 * 3600));
    // Retiring a plan that is not stored creates nothing.
    await store().retirePlan("retire", 30);
    assert.equal(await rawGet(table(), planKey("retire", 30)), undefined);
    assert.deepEqual(await store().claimPlan({ ...plan, fromSize: 30 }), { ...plan, fromSize: 30 });
  });

  test("advanceHead is a compare-and-set on the tree size", async () => {
    assert.equal(await store().getHead("heads"), undefined);
    assert.equal(await store().advanceHead(5, headOf("heads", 10)), false);
    assert.equal(await store().advanceHead(0, headOf("heads", 10)), true);
    assert.equal(await store().advanceHead(0, headOf("heads", 11)), false);
    assert.equal(await store().advanceHead(9, headOf("heads", 20)), false);
    assert.deepEqual(await store().getHead("heads"), headOf("heads", 10));
    assert.equal(await store().advanceHead(10, headOf("heads", 20)), true);
    assert.deepEqual(await store().getHead("heads"), headOf("heads", 20));

    const contenders = [21, 25, 30, 40, 64].map((size) => headOf("heads", size, `c${size}`));
    const won = await Promise.all(contenders.map((head) => store().advanceHead(20, head)));
    assert.equal(won.filter(Boolean).length, 1);
    assert.deepEqual(await store().getHead("heads"), contenders[won.indexOf(true)]);
    assert.equal(await store().getHead("heads-none"), undefined);
  });

  test("tiles from appendLeaves round-trip and give the same roots and proofs as memory", async () => {
    const memory = new MemoryTileStore();
    const ledger = "tiles";
    let size = 0;
    const sizes: number[] = [];
    for (const count of [1, 2, 253, 300, 1, 1024, 1500, 1000]) {
      const leaves = leafHashes(size, count);
      const inMemory = await appendLeaves(memory, size, leaves);
      memory.writeTiles(inMemory.tiles);
      const stored = await appendLeaves(store().tiles(ledger), size, leaves);
      await store().writeTiles(ledger, stored.tiles);
      assert.deepEqual(stored.rootHash, inMemory.rootHash);
      size = stored.treeSize;
      sizes.push(size);
      assert.deepEqual(await treeRoot(store().tiles(ledger), size), inMemory.rootHash);
    }
    assert.equal(size, 4081);
    const reader = store().tiles(ledger);
    for (const treeSize of sizes) {
      assert.deepEqual(await treeRoot(reader, treeSize), await treeRoot(memory, treeSize));
    }
    for (const leafIndex of [0, 1, 255, 256, 257, 1000, 2047, 2048, 4000, 4080]) {
      assert.deepEqual(
        await buildInclusionProof(reader, leafIndex, size),
        await buildInclusionProof(memory, leafIndex, size),
      );
    }
    for (const [size1, size2] of [
      [1, 4081],
      [256, 1580],
      [557, 4081],
      [3081, 4081],
    ] as const) {
      assert.deepEqual(
        await buildConsistencyProof(reader, size1, size2),
        await buildConsistencyProof(memory, size1, size2),
      );
    }
    const { Count } = await table().client.send(
      new QueryCommand({
        TableName: table().tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": { S: `TILE#${ledger}` } },
        Select: "COUNT",
      }),
    );
    assert.equal(Count, memory.tileCount);
  });

  test("a wider tile replaces a narrower one; a missing tile reads as empty", async () => {
    const ledger = "wider";
    const hashes = leafHashes(0, 5);
    await store().writeTiles(ledger, [
      { tile: { level: 0, index: 7, width: 3 }, hashes: hashes.subarray(0, 96) },
    ]);
    const reader = store().tiles(ledger);
    assert.deepEqual(await reader.readTiles([{ level: 0, index: 7, width: 3 }]), [
      hashes.subarray(0, 96),
    ]);
    await store().writeTiles(ledger, [{ tile: { level: 0, index: 7, width: 5 }, hashes }]);
    const read = await reader.readTiles([
      { level: 0, index: 7, width: 3 },
      { level: 0, index: 8, width: 1 },
      { level: 0, index: 7, width: 5 },
    ]);
    assert.deepEqual(read, [hashes, new Uint8Array(0), hashes]);
    await assert.rejects(treeRoot(store().tiles("wider-none"), 3), MissingDataError);
    await assert.rejects(
      store().writeTiles(ledger, [{ tile: { level: 0, index: 9, width: 2 }, hashes }]),
      /want 64/,
    );
  });

  test("a narrower tile never replaces a wider one, whatever the order of the writes", async () => {
    const ledger = "narrower";
    const hashes = leafHashes(0, 5);
    await store().writeTiles(ledger, [{ tile: { level: 0, index: 2, width: 5 }, hashes }]);
    // A late run that read an older tree writes the same tile as it was then.
    await store().writeTiles(ledger, [
      { tile: { level: 0, index: 2, width: 3 }, hashes: hashes.subarray(0, 96) },
    ]);
    assert.deepEqual(
      await store()
        .tiles(ledger)
        .readTiles([{ level: 0, index: 2, width: 3 }]),
      [hashes],
    );
    // The same width again (a repeated run) is a harmless rewrite.
    await store().writeTiles(ledger, [{ tile: { level: 0, index: 2, width: 5 }, hashes }]);

    // Many tiles, narrow and wide racing, through a client that counts PutItem calls in flight.
    const counting = localClient(table().endpoint);
    let inFlight = 0;
    let maxInFlight = 0;
    counting.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== "PutItemCommand") return next(args);
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await next(args);
        } finally {
          inFlight -= 1;
        }
      },
      { step: "initialize", name: "countPutItem" },
    );
    try {
      const bulk = new DynamoDbStore({ client: counting, tableName: table().tableName });
      const wide = Array.from({ length: 64 }, (_, index) => ({
        tile: { level: 1, index, width: 4 },
        hashes: leafHashes(index * 4, 4),
      }));
      const narrow = wide.map(({ tile, hashes }) => ({
        tile: { ...tile, width: 1 },
        hashes: hashes.subarray(0, 32),
      }));
      await bulk.writeTiles(ledger, narrow);
      // One write of 64 tiles keeps a bounded number of calls in flight.
      assert.ok(maxInFlight > 1 && maxInFlight <= 16, `${maxInFlight} PutItem calls in flight`);
      await Promise.all([bulk.writeTiles(ledger, narrow), bulk.writeTiles(ledger, wide)]);
      await bulk.writeTiles(ledger, narrow);
      assert.deepEqual(
        await store()
          .tiles(ledger)
          .readTiles(narrow.map(({ tile }) => tile)),
        wide.map(({ hashes }) => hashes),
      );
    } finally {
      counting.destroy();
    }
  });

  test("the content index finds entries by hash, in one ledger or all", async () => {
    const contentHash = sha256Hex("same document");
    const entry = (ledger: string, leafIndex: number, ageMs: number) => ({
      contentHash,
      ledger,
      leafIndex,
      entryId: batchIdAt(NOW_MS - ageMs).replace(/00$/, "01"),
    });
    const a300 = entry("ci-a", 300, 1_000);
    const a5 = entry("ci-a", 5, 5_000);
    const ab1 = entry("ci-a-b", 1, 9_000);
    const b7 = entry("ci-b", 7, 3_000);
    const other = { ...entry("ci-a", 6, 0), contentHash: sha256Hex("another document") };
    await store().putContentIndex([a300, b7, other, a5, ab1]);
    await store().putContentIndex([a5, a300]);
    assert.deepEqual(await store().findByContentHash(contentHash, "ci-a"), [a5, a300]);
    assert.deepEqual(await store().findByContentHash(contentHash, "ci-a-b"), [ab1]);
    assert.deepEqual(await store().findByContentHash(contentHash), [ab1, a5, b7, a300]);
    assert.deepEqual(await store().findByContentHash(contentHash, "ci-c"), []);
    assert.deepEqual(await store().findByContentHash(sha256Hex("unknown")), []);
    await store().putContentIndex([]);
  });

  test("ledgers are registered once and listed by name", async () => {
    assert.deepEqual(await store().listLedgers(), []);
    for (const ledger of ["zeta", "default", "alpha-2", "default"]) {
      await store().registerLedger(ledger);
    }
    assert.deepEqual(await store().listLedgers(), ["alpha-2", "default", "zeta"]);
  });

  test("API keys are stored by hash", async () => {
    const record = {
      keyHash: sha256Hex("secret key"),
      keyId: "key_01",
      scopes: ["read", "write"] as const,
      label: "CI ✓",
    };
    await store().putApiKey(record);
    assert.deepEqual(await store().getApiKey(record.keyHash), {
      ...record,
      scopes: ["read", "write"],
    });
    const readOnly = { ...record, keyHash: sha256Hex("other"), scopes: [] };
    await store().putApiKey(readOnly);
    assert.deepEqual(await store().getApiKey(readOnly.keyHash), readOnly);
    assert.equal(await store().getApiKey(sha256Hex("unknown")), undefined);
  });

  test("BatchWriteItem's unprocessed items are retried until every item lands", async () => {
    const throttled = throttledClient(table(), (call) => call <= 4);
    try {
      const slow = new DynamoDbStore({ client: throttled.client, tableName: table().tableName });
      const contentHash = sha256Hex("throttled");
      const entries = Array.from({ length: 60 }, (_, leafIndex) => ({
        contentHash,
        ledger: "throttled",
        leafIndex,
        entryId: batchIdAt(NOW_MS + leafIndex),
      }));
      await slow.putContentIndex(entries);
      assert.ok(throttled.calls() > 3, `${throttled.calls()} calls`);
      assert.deepEqual(await store().findByContentHash(contentHash, "throttled"), entries);

      const batch = makeBatch("throttled", 2);
      const callsBefore = throttled.calls();
      const again = throttledClient(table(), (call) => call === 1);
      try {
        await new DynamoDbStore({ client: again.client, tableName: table().tableName }).putBatch(
          batch,
        );
        assert.equal(again.calls(), 2);
      } finally {
        again.client.destroy();
      }
      assert.equal(throttled.calls(), callsBefore);
      assert.deepEqual(await store().listPending("throttled", 10), [batch]);
    } finally {
      throttled.client.destroy();
    }
  });

  test("BatchGetItem's unprocessed keys are retried", async () => {
    const ledger = "throttled-read";
    const tiles = Array.from({ length: 150 }, (_, index) => ({
      tile: { level: 1, index, width: 2 },
      hashes: leafHashes(index * 2, 2),
    }));
    await store().writeTiles(ledger, tiles);
    const throttled = throttledClient(table(), (call) => call <= 3);
    try {
      const slow = new DynamoDbStore({ client: throttled.client, tableName: table().tableName });
      const read = await slow.tiles(ledger).readTiles(tiles.map(({ tile }) => tile));
      assert.deepEqual(
        read,
        tiles.map(({ hashes }) => hashes),
      );
      assert.ok(throttled.calls() > 2, `${throttled.calls()} calls`);
    } finally {
      throttled.client.destroy();
    }
  });

  test("a batch call gives up with a clear error once its attempts are spent", async () => {
    const throttled = throttledClient(table(), () => true);
    try {
      const slow = new DynamoDbStore({
        client: throttled.client,
        tableName: table().tableName,
        retry: { maxAttempts: 3, baseDelayMs: 1 },
      });
      await assert.rejects(slow.putBatch(makeBatch("give-up", 1)), (error: unknown) => {
        assert.ok(error instanceof BatchRetriesExhaustedError);
        assert.match(error.message, /BatchWriteItem left 1 item\(s\) unprocessed after 3 attempts/);
        return true;
      });
      assert.equal(throttled.calls(), 3);
    } finally {
      throttled.client.destroy();
    }
  });
  test("subject chains: heads and events per tenant and ledger, events paged by sequence", async () => {
    const db = store();
    const key = { tenant: "farm", ledger: "subjects", subject: "lot-7" };
    const elsewhere = [
      { ...key, tenant: "shop" },
      { ...key, ledger: "subjects-2" },
    ];
    assert.deepEqual(await db.getHeads([key, ...elsewhere]), [undefined, undefined, undefined]);
    const event = (sequence: number) => ({
      sequence,
      entryId: `01JDX7R4M8Q2V3N5P6K7H8J9${crockford(sequence, 2)}`,
      kind: "document" as const,
      contentHash: sha256Hex(`event ${sequence}`),
      eventType: "moved",
      receivedAt: new Date(NOW_MS).toISOString(),
      leafIndex: sequence * 2,
      link: {
        id: `01JDX7R4M8Q2V3N5P6K7H8JA${crockford(sequence, 2)}`,
        contentHash: sha256Hex(`link ${sequence}`),
        leafIndex: sequence * 2 + 1,
        payload: {
          format: "stele.subject-link.v1" as const,
          ...key,
          sequence,
          entry: { id: "x", contentHash: sha256Hex(`event ${sequence}`), leafIndex: sequence * 2 },
          previous: null,
        },
      },
    });
    const stored = { head: { sequence: 12, linkHash: sha256Hex("link 12") }, asOfSize: 30 };
    await db.putEvents(
      Array.from({ length: 12 }, (_, i) => ({ ...key, event: event(i + 1) })),
      [{ ...key, stored }],
    );
    assert.deepEqual(await db.getHeads([key, ...elsewhere]), [stored, undefined, undefined]);
    // A late run of an older plan never moves a head back; the same plan may write it again.
    const older = { head: { sequence: 9, linkHash: sha256Hex("link 9") }, asOfSize: 24 };
    await db.putEvents([], [{ ...key, stored: older }]);
    await db.putEvents([], [{ ...key, stored }]);
    assert.deepEqual(await db.getHeads([key]), [stored]);
    const page = await db.listEvents(key, 0, 5);
    assert.deepEqual(
      page.map((e) => e.sequence),
      [1, 2, 3, 4, 5],
    );
    assert.deepEqual(page[0], event(1));
    // Past the last event the head item, which shares the partition, is never read as one.
    assert.deepEqual(
      (await db.listEvents(key, 10, 5)).map((e) => e.sequence),
      [11, 12],
    );
    for (const other of elsewhere) assert.deepEqual(await db.listEvents(other, 0, 5), []);
  });

  test("storeBatch keeps a batch that no pending list names, and markSequenced takes it", async () => {
    const db = store();
    const batch = makeBatch("links", 3);
    await db.storeBatch(batch);
    await db.storeBatch(batch);
    assert.deepEqual(await db.getBatch(batch.batchId), batch);
    assert.deepEqual(await db.listPending("links", 10), []);
    await db.markSequenced(batch, 40);
    assert.deepEqual(await db.getBatch(batch.batchId), { ...batch, firstLeafIndex: 40 });
  });
});
