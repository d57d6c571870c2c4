// Fault matrix, DynamoDB cells: the real accept and integrate use cases on DynamoDbStore, their
// table behind a proxy that answers as DynamoDB does when it throttles (400
// ProvisionedThroughputExceededException / ThrottlingException, BatchWriteItem's
// UnprocessedItems) or fails (500 InternalServerError, before or after the write took effect),
// and several integrators started at once on one ledger. Whatever fails, once the faults stop the
// next runs heal the ledger: every acknowledged entry once, every checkpoint consistent with its
// predecessor, nothing left pending, never a fork.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDbStore } from "../../shared/adapters/dynamodb/dynamodb-store.ts";
import { createTable } from "../../shared/adapters/dynamodb/table.ts";
import { type DynamoDbBackend, startDynalite } from "../support/dynamodb/dynalite.ts";
import { startDynamoDbLocal } from "../support/dynamodb/dynamodb-local.ts";
import {
  type AwsErrorAnswer,
  AwsFaultProxy,
  DYNAMODB_ERRORS,
  type FaultRule,
} from "../support/faults/aws-fault-proxy.ts";
import {
  LedgerWorkload,
  type PreparedRequest,
  sdkDynamoClient,
} from "../support/faults/ledger-workload.ts";
import { seededRandom } from "../support/reference-merkle.ts";

let dynalite: DynamoDbBackend;
const opened: { stop(): Promise<void> }[] = [];
const clients: DynamoDBClient[] = [];

before(async () => {
  dynalite = await startDynalite();
});

after(async () => {
  for (const client of clients) client.destroy();
  await Promise.all(opened.map((o) => o.stop()));
  await dynalite?.stop();
});

/** A fresh table on `endpoint`; a store straight on it and one through a new fault proxy. */
async function tableWithProxy(endpoint: string) {
  const tableName = `matrix-${randomUUID().slice(0, 8)}`;
  const direct = sdkDynamoClient(endpoint);
  clients.push(direct);
  await createTable(direct, tableName);
  const proxy = await AwsFaultProxy.start(endpoint);
  opened.push(proxy);
  const viaProxy = sdkDynamoClient(proxy.endpoint);
  clients.push(viaProxy);
  return {
    tableName,
    proxy,
    clean: new DynamoDbStore({ client: direct, tableName }),
    // Fewer retries of unprocessed items than the default 10, so a burst of throttling exhausts them.
    faulty: new DynamoDbStore({
      client: viaProxy,
      tableName,
      retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 40 },
    }),
    /** Another writer on the same table, with its own client (another Lambda instance). */
    another: () => {
      const client = sdkDynamoClient(endpoint);
      clients.push(client);
      return new DynamoDbStore({ client, tableName });
    },
  };
}

/** The operations the use cases call, and the faults DynamoDB answers them with. */
const OPERATIONS = [
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "GetItem",
  "Query",
  "BatchWriteItem",
  "BatchGetItem",
];
const ANSWERS: readonly AwsErrorAnswer[] = [
  DYNAMODB_ERRORS.provisionedThroughputExceeded,
  DYNAMODB_ERRORS.throttling,
  DYNAMODB_ERRORS.internalServerError,
];

/** A burst of faults on one operation: `times` in a row, enough now and then to exhaust retries. */
function randomRule(random: () => number): FaultRule {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const operation = pick(OPERATIONS);
  const times = 1 + Math.floor(random() * 6);
  const kind = random();
  if (operation === "BatchWriteItem" && kind < 0.4)
    return { operations: [operation], unprocess: true, times: times * 2 };
  // A 500 after the write: the call failed for the caller, yet it took effect (retried or not).
  if (kind < 0.3 && operation !== "GetItem" && operation !== "Query")
    return { operations: [operation], answerAfter: DYNAMODB_ERRORS.internalServerError, times };
  return { operations: [operation], answer: pick(ANSWERS), times };
}

test("throttling and 500s mid-way through accept and integrate: nothing acknowledged lost or doubled, healed", async (t) => {
  const started = performance.now();
  const { proxy, clean, faulty } = await tableWithProxy(dynalite.endpoint);
  const seed = Number(process.env.STELE_MATRIX_SEED ?? Date.now() % 100_000);
  // The seed draws the fault rules and the request sizes only: content hashes, ids and timing
  // differ from run to run, so a run is not replayed exactly.
  t.diagnostic(`seed ${seed} (STELE_MATRIX_SEED=${seed} repeats the fault schedule and sizes)`);
  const random = seededRandom(seed);
  const w = new LedgerWorkload("throttled");
  /** Requests with an Idempotency-Key whose answer was a failure: the client sends them again. */
  const toRetry: PreparedRequest[] = [];

  for (let round = 0; round < 6; round++) {
    // A burst on the accept path's write first (enough to exhaust the SDK's three attempts now
    // and then), then faults anywhere.
    proxy.inject({
      operations: [round % 2 === 0 ? "BatchWriteItem" : "PutItem"],
      answer: DYNAMODB_ERRORS.provisionedThroughputExceeded,
      times: 2 + (round % 3),
    });
    if (round === 0) {
      // Past any retry, whatever the seed: an accept and an integrate run fail outright.
      proxy.inject({
        operations: ["BatchWriteItem"],
        answer: DYNAMODB_ERRORS.throttling,
        times: 12,
      });
      proxy.inject({ operations: ["Query"], answer: DYNAMODB_ERRORS.throttling, times: 12 });
      // Idempotency-Key claims (and any other PutItem) stored, yet answered 500 past retries.
      proxy.inject({
        operations: ["PutItem"],
        answerAfter: DYNAMODB_ERRORS.internalServerError,
        times: 12,
      });
    }
    for (let i = 0; i < 3; i++) proxy.inject(randomRule(random));
    const requests = Array.from({ length: 4 }, (_, i) =>
      w.prepare(1 + Math.floor(random() * 6), {
        subjectEvery: 3,
        ...(i % 2 === 0 ? { idempotencyKey: randomUUID() } : {}),
      }),
    );
    await Promise.all([
      ...requests.map(async (request) => {
        const answer = await w.send(faulty, request);
        if (answer instanceof Error && request.idempotencyKey !== undefined) toRetry.push(request);
      }),
      w.integrate(faulty, 7),
      w.integrate(faulty, 1000),
    ]);
    proxy.clear();
  }
  t.diagnostic(
    `faults injected: ${JSON.stringify(Object.fromEntries(proxy.injected))}; ` +
      `${w.acceptFailures} accepts and ${w.integrateFailures} integrate runs failed`,
  );
  assert.ok(w.acceptFailures > 0, "throttled hard enough that some accepts failed");
  assert.ok(w.integrateFailures > 0, "throttled hard enough that some integrate runs failed");

  // The clients retry what failed with its Idempotency-Key; the first answer (if it was stored)
  // or a new batch is acknowledged now. Then the scheduler's next runs heal the ledger.
  assert.ok(toRetry.length > 0, "some requests with an Idempotency-Key failed");
  for (const request of toRetry) {
    const answer = await w.send(clean, request);
    assert.ok(!(answer instanceof Error), `the retry of a failed request: ${answer}`);
  }
  await w.heal(clean);
  const treeSize = await w.assertHealed(clean);
  t.diagnostic(
    `${w.acknowledged.length} acknowledged entries, tree size ${treeSize}, ${toRetry.length} requests retried; ${Math.round(performance.now() - started)} ms`,
  );
});

/**
 * Three integrators at once on one ledger, round after round, while entries keep coming: two on
 * the table directly (each its own client, as two Lambda instances), one through a proxy that
 * throttles and answers 500 after some writes, so they interleave differently each round.
 */
async function raceIntegrators(
  t: { diagnostic(message: string): void },
  endpoint: string,
  rounds: number,
) {
  const { proxy, clean, faulty, another } = await tableWithProxy(endpoint);
  const seed = Number(process.env.STELE_MATRIX_SEED ?? Date.now() % 100_000);
  t.diagnostic(`seed ${seed} (STELE_MATRIX_SEED=${seed} repeats the rounds' sizes)`);
  const random = seededRandom(seed);
  const integrators = [clean, another(), faulty];
  const w = new LedgerWorkload("raced");
  proxy.inject({ answerAfter: DYNAMODB_ERRORS.internalServerError, every: 9 });
  proxy.inject({ answer: DYNAMODB_ERRORS.provisionedThroughputExceeded, every: 7 });
  let checkpoints = 0;
  for (let round = 0; round < rounds; round++) {
    const maxEntries = 2 + Math.floor(random() * 6);
    // Integrators started at once, and again while accepts land.
    await Promise.all([
      ...integrators.map((store) => w.integrate(store, maxEntries)),
      w.accept({ store: clean, count: 1 + Math.floor(random() * 5), subjectEvery: 2 }),
      w.accept({ store: another(), count: 1 + Math.floor(random() * 5), subjectEvery: 3 }),
      ...integrators.map((store) => w.integrate(store, maxEntries)),
    ]);
    // Then all three at once until none has anything left: the log must never fork.
    for (let pass = 0; pass < 30; pass++) {
      const results = await Promise.all(integrators.map((store) => w.integrate(store, maxEntries)));
      const idle = results.every((r) => !(r instanceof Error) && r.treeSize === r.fromSize);
      if (idle && (await clean.listPending(w.ledger, 1)).length === 0) break;
    }
    await w.assertHealed(clean);
    checkpoints = (await clean.listCheckpoints(w.ledger, 1, Number.MAX_SAFE_INTEGER, 10_000))
      .length;
  }
  t.diagnostic(
    `${w.acknowledged.length} entries, ${checkpoints} checkpoints, ${w.integrateFailures} runs failed, faults ${proxy.injectedCount}`,
  );
  assert.ok(proxy.injectedCount > 0);
}

test("integrators started at once on one ledger never fork the log [dynalite]", async (t) => {
  await raceIntegrators(t, dynalite.endpoint, 3);
});

test("integrators started at once on one ledger never fork the log [dynamodb-local]", async (t) => {
  const local = await startDynamoDbLocal();
  opened.push(local);
  await raceIntegrators(t, local.endpoint, 2);
});
