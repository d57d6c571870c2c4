// kill -9 at every step boundary of accept, integrate and anchor. Each function runs in a process
// of its own, as in Lambda, on a real dynalite and hardhat node. A healthy run first records the
// boundaries it passes (STELE_FAULT_TRACE: every call on the store, the signer, the chain and the
// content cipher); then, for each boundary where something was written, a fresh run is killed
// right after it (STELE_FAULT_POINT, see shared/adapters/system/fault-points.ts). Killing after a
// read leaves what killing after the write before it leaves, so writes are the boundaries.
//
// After each kill the service heals itself, by nothing but its own next runs (a client's retry,
// for accept), and then: no acknowledged entry is lost, none is in the log twice, every
// checkpoint is consistent with its predecessor, every subject's chain holds, and every anchor is
// on the canonical chain, final, once, with bundles that verify, step 5 included.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { systemClock, systemRandom } from "../../shared/adapters/system/system-clock.ts";
import { acceptEntries } from "../../shared/app/accept-entries.ts";
import { integrateAll } from "../../shared/app/integrate-all.ts";
import { DEFAULT_TENANT } from "../../shared/domain/ledger/tenant.ts";
import { sha256Hex } from "../../shared/http/auth.ts";
import { entriesRequestSchema } from "../../shared/schemas/entries-request.ts";
import {
  type AnchorHarness,
  CHAIN_ID,
  CONFIRMATIONS,
  ORIGIN_PREFIX,
  type Scenario,
  startAnchorHarness,
} from "../support/chain/anchor-harness.ts";
import { FunctionProcesses, type FunctionRun } from "../support/faults/function-process.ts";
import {
  type AcknowledgedEntry,
  assertCheckpointsConsistent,
  assertLedgerHealed,
} from "../support/faults/log-invariants.ts";
import { sqsRecord } from "../support/sqs/sqs-record.ts";

const LEDGER = "default";
const API_KEY = `stele_test_${randomBytes(12).toString("hex")}`;
const CHECKPOINT_KEY = "07".repeat(32);
const CONTENT_KEY = "5a".repeat(32);
/** A run that only reads: a scheduled invocation's event, one run. */
const SCHEDULED_ONCE = {};

/**
 * Calls that change nothing: a kill right after one is a kill after the write before it. Any
 * other call counts as a write (a new method is killed after until it is listed here), among
 * them listPending, which removes stale pending marks.
 */
const READS =
  /^(get|find|read|recent|anchorsBetween|tiles|address|minedNonce|suggestedFees|sign|encrypt|decrypt|receipt|block|headNumber|balanceWei|listLedgers|listCheckpoints|listEvents)/;

let harness: AnchorHarness;
let workDir: string;

before(async () => {
  harness = await startAnchorHarness();
  workDir = await mkdtemp(join(tmpdir(), "stele-kill-matrix-"));
});

after(async () => {
  await harness?.stop();
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
});

let cells = 0;
let traces = 0;

/** A fresh table and chain state, and its functions, each run in a process of its own. */
async function cell(): Promise<{ s: Scenario; functions: FunctionProcesses; dir: string }> {
  const s = await harness.scenario();
  await s.store.registerLedger(LEDGER);
  await s.store.putApiKey({
    keyHash: sha256Hex(API_KEY),
    keyId: "kill-matrix",
    scopes: ["read", "write"],
    label: "fault-kill-matrix",
  });
  const dir = join(workDir, `cell-${++cells}`);
  const functions = await FunctionProcesses.configure(dir, API_KEY, {
    AWS_REGION: "us-east-1",
    STELE_TABLE_NAME: s.tableName,
    STELE_DYNAMODB_ENDPOINT: harness.dynamoDbEndpoint,
    STELE_ORIGIN_PREFIX: ORIGIN_PREFIX,
    STELE_CHECKPOINT_SIGNER: "dev",
    STELE_DEV_CHECKPOINT_KEY: CHECKPOINT_KEY,
    STELE_CONTENT_CIPHER: "dev",
    STELE_DEV_CONTENT_KEY: CONTENT_KEY,
    STELE_CHAINS: JSON.stringify([
      {
        chainId: CHAIN_ID,
        rpcUrls: [harness.node.url],
        contract: harness.contract,
        confirmations: CONFIRMATIONS,
      },
    ]),
    STELE_ANCHOR_SIGNER: "dev",
    STELE_DEV_ANCHOR_KEY: harness.anchorKey.privateKey.slice(2),
    POWERTOOLS_LOG_LEVEL: "ERROR",
    POWERTOOLS_METRICS_DISABLED: "true",
  });
  return { s, functions, dir };
}

/**
 * The scenario's clock set to the system's, which the function processes use: the runs in this
 * process then see the killed run's records at their true age (replacement, anchor interval).
 */
function onSystemTime(s: Scenario): void {
  s.clock.advance(Date.now() - s.clock.nowMs());
}

/** Runs `name` once with the fault points' trace on; the boundaries where it wrote, in order. */
async function traceWrites(
  functions: FunctionProcesses,
  dir: string,
  name: string,
  eventPath: string,
): Promise<string[]> {
  const trace = join(dir, `${name}-${++traces}.trace`);
  const run = await functions.run(name, eventPath, { STELE_FAULT_TRACE: trace });
  assert.equal(run.code, 0, `the healthy ${name} run failed:\n${run.stderr}`);
  const reached = (await readFile(trace, "utf8")).split("\n").filter((line) => line !== "");
  return reached.filter((point) => !READS.test(point));
}

/** Runs `name` with a kill at `point`, and checks that it died there. */
async function killAt(
  functions: FunctionProcesses,
  name: string,
  eventPath: string,
  point: string,
): Promise<FunctionRun> {
  const run = await functions.run(name, eventPath, { STELE_FAULT_POINT: point });
  assert.equal(
    run.signal,
    "SIGKILL",
    `${name} did not die at ${point}: ${run.code}\n${run.stderr}`,
  );
  assert.match(run.stderr, new RegExp(`fault point ${point} reached`));
  return run;
}

/** Entries as a producer sends them: documents, some events of subjects, a transaction. */
function someEntries(count: number) {
  return Array.from({ length: count }, (_, i) =>
    i === count - 1
      ? { kind: "transaction", payload: { lot: randomBytes(8).toString("hex"), step: i } }
      : {
          kind: "document",
          contentHash: randomBytes(32).toString("hex"),
          ...(i % 2 === 0 ? { subject: `lot-${i % 4}`, eventType: "moved" } : {}),
        },
  );
}

/** Accepted in this process (the accept function is not under test here): acknowledged. */
async function accept(s: Scenario, count: number): Promise<AcknowledgedEntry[]> {
  const request = entriesRequestSchema.parse({ ledger: LEDGER, entries: someEntries(count) });
  const accepted = await acceptEntries(
    { entries: s.store, clock: systemClock, random: systemRandom },
    request,
    { tenant: DEFAULT_TENANT },
  );
  return accepted;
}

/** The integrate function's next scheduled runs, until nothing is pending. */
async function integrateUntilIdle(s: Scenario): Promise<void> {
  const deps = {
    entries: s.store,
    log: s.store,
    signer: s.checkpointSigner,
    subjects: s.store,
    originOf: s.originOf,
  };
  for (let run = 0; run < 5; run++) {
    const results = await integrateAll(deps, { maxEntries: 10_000 });
    if (results.every((result) => result.treeSize === result.fromSize)) return;
  }
  assert.fail("integrate still finds work after 5 runs");
}

async function assertHealed(s: Scenario, acknowledged: readonly AcknowledgedEntry[]) {
  await assertLedgerHealed(
    { entries: s.store, log: s.store, subjects: s.store },
    {
      ledger: LEDGER,
      tenant: DEFAULT_TENANT,
      signer: await s.checkpointSigner.address(),
      acknowledged,
    },
  );
}

/** POST /v1/entries as API Gateway delivers it, with an Idempotency-Key (a client may retry). */
function postEntriesEvent(idempotencyKey: string) {
  const body = JSON.stringify({
    ledger: LEDGER,
    entries: [
      ...someEntries(3),
      { kind: "document", content: randomBytes(40).toString("base64"), retain: true },
    ],
  });
  return {
    version: "2.0",
    routeKey: "POST /v1/entries",
    rawPath: "/v1/entries",
    rawQueryString: "",
    headers: {
      authorization: "Bearer REPLACE_WITH_API_KEY",
      "content-type": "application/json",
      "idempotency-key": idempotencyKey,
    },
    requestContext: {
      http: { method: "POST", path: "/v1/entries", protocol: "HTTP/1.1", sourceIp: "127.0.0.1" },
      requestId: randomBytes(8).toString("hex"),
      routeKey: "POST /v1/entries",
      stage: "$default",
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  };
}

function acknowledgedBy(run: FunctionRun): AcknowledgedEntry[] {
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { statusCode: number; body: string };
  assert.equal(result.statusCode, 202, result.body);
  return (JSON.parse(result.body) as { entries: AcknowledgedEntry[] }).entries;
}

test("kill -9 at every write of accept: the client's retry with its Idempotency-Key gets its entries, once", async (t) => {
  const traced = await cell();
  const event = await traced.functions.event("post", postEntriesEvent("trace"));
  const points = await traceWrites(traced.functions, traced.dir, "accept-entries", event);
  assert.ok(points.length >= 3, `accept writes at ${points}`);
  t.diagnostic(`accept boundaries: ${points.join(" ")}`);
  for (const point of points) {
    await t.test(`killed after ${point}`, async () => {
      const { s, functions } = await cell();
      const request = await functions.event("post", postEntriesEvent(`retry-${point}`));
      await killAt(functions, "accept-entries", request, point);
      // No answer reached the client, which sends the same request again.
      const acknowledged = acknowledgedBy(await functions.run("accept-entries", request));
      await integrateUntilIdle(s);
      await assertHealed(s, acknowledged);
    });
  }
});

/** An SQS batch of two messages (documents whose hashes the test knows), as Lambda receives it. */
function sqsEvent(contentHashes: readonly string[]) {
  const [first = "", ...rest] = contentHashes;
  const bodies = [
    { ledger: LEDGER, entries: [{ kind: "document", contentHash: first, subject: "lot-sqs" }] },
    { ledger: LEDGER, entries: rest.map((contentHash) => ({ kind: "document", contentHash })) },
  ];
  return {
    Records: bodies.map((body) => sqsRecord(randomUUID(), JSON.stringify(body))),
  };
}

test("kill -9 at every write of the SQS ingest: the redelivered batch is accepted once", async (t) => {
  const hashes = () => Array.from({ length: 3 }, () => randomBytes(32).toString("hex"));
  const traced = await cell();
  const event = await traced.functions.event("sqs", sqsEvent(hashes()));
  const points = await traceWrites(traced.functions, traced.dir, "ingest-queue", event);
  assert.ok(points.length >= 4, `ingest writes at ${points}`);
  t.diagnostic(`ingest boundaries: ${points.join(" ")}`);
  for (const point of points) {
    await t.test(`killed after ${point}`, async () => {
      const { s, functions } = await cell();
      const contentHashes = hashes();
      const batch = await functions.event("sqs", sqsEvent(contentHashes));
      await killAt(functions, "ingest-queue", batch, point);
      // The invocation failed: SQS delivers the same messages again once they are visible.
      const redelivered = await functions.run("ingest-queue", batch);
      assert.equal(redelivered.code, 0, redelivered.stderr);
      assert.deepEqual(JSON.parse(redelivered.stdout), { batchItemFailures: [] });
      await integrateUntilIdle(s);
      // Deleted from the queue: acknowledged. The log says which entries they became.
      const acknowledged = await Promise.all(
        contentHashes.map(async (contentHash, i) => {
          const [found, ...more] = await s.store.findByContentHash(contentHash, LEDGER);
          assert.ok(found !== undefined && more.length === 0, `${contentHash}: one entry`);
          return { id: found.entryId, contentHash, ...(i === 0 ? { subject: "lot-sqs" } : {}) };
        }),
      );
      await assertHealed(s, acknowledged);
    });
  }
});

test("kill -9 at every write of integrate: the next run finishes the plan, and later entries follow", async (t) => {
  const traced = await cell();
  await accept(traced.s, 4);
  await accept(traced.s, 3);
  const once = await traced.functions.event("scheduled", SCHEDULED_ONCE);
  const points = await traceWrites(traced.functions, traced.dir, "integrate-ledgers", once);
  assert.ok(points.length >= 6, `integrate writes at ${points}`);
  t.diagnostic(`integrate boundaries: ${points.join(" ")}`);
  for (const point of points) {
    await t.test(`killed after ${point}`, async () => {
      const { s, functions } = await cell();
      const acknowledged = [...(await accept(s, 4)), ...(await accept(s, 3))];
      await killAt(functions, "integrate-ledgers", await functions.event("run", {}), point);
      // Entries keep coming while integrate is down.
      acknowledged.push(...(await accept(s, 2)));
      await integrateUntilIdle(s);
      await assertHealed(s, acknowledged);
    });
  }
});

test("kill -9 at every write of the anchorer, in each of its runs: one anchor, final, on the canonical chain", async (t) => {
  // Run 1 sends, run 2 sees the inclusion (automine), run 3 (a block later) sees it final.
  const RUNS = 3;
  const traced = await cell();
  onSystemTime(traced.s);
  await traced.s.addEntries(5);
  const once = await traced.functions.event("scheduled", SCHEDULED_ONCE);
  const pointsByRun: string[][] = [];
  for (let run = 1; run <= RUNS; run++) {
    pointsByRun.push(await traceWrites(traced.functions, traced.dir, "anchor-checkpoints", once));
    if (run === 2) await traced.s.mine();
  }
  assert.deepEqual(
    pointsByRun.map((points) => points.length > 0),
    [true, true, true],
    `each run writes: ${JSON.stringify(pointsByRun)}`,
  );
  t.diagnostic(`anchor boundaries by run: ${JSON.stringify(pointsByRun)}`);
  for (const [index, points] of pointsByRun.entries()) {
    for (const point of points) {
      await t.test(`run ${index + 1} killed after ${point}`, async () => {
        const { s, functions } = await cell();
        onSystemTime(s);
        await s.addEntries(5);
        const event = await functions.event("scheduled", SCHEDULED_ONCE);
        // The runs before this one (the same use case the function runs, in this process).
        for (let run = 1; run <= index; run++) {
          await s.run();
          if (run === 2) await s.mine();
        }
        await killAt(functions, "anchor-checkpoints", event, point);
        await s.settle();
        await s.assertInvariants();
        // The anchorer writes nothing to the log; it is still one log, consistent throughout.
        await assertCheckpointsConsistent(s.store, LEDGER, await s.checkpointSigner.address());
      });
    }
  }
});
