// The SQS ingest function, in process, fed batches built from events/sqs/ingest-batch.json with
// fuzzed bodies: it never throws, and it reports as failures exactly the records that are not an
// ingest message (what parseQueueMessage refuses); the others are accepted, once each.
import assert from "node:assert/strict";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import fc from "fast-check";
import { createTable } from "../../shared/adapters/dynamodb/table.ts";
import { loadConfig } from "../../shared/config.ts";
import { parseQueueMessage } from "../../shared/schemas/queue-message.ts";
import { createDynamoDbClient } from "../../shared/wiring.ts";
import { type DynamoDbBackend, startDynalite } from "../support/dynamodb/dynalite.ts";
import {
  documentByContent,
  documentByHash,
  hex64,
  transaction,
} from "../support/entry-arbitraries.ts";

type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;
type ScheduledHandler = (event: unknown) => Promise<{
  ledgers: { ledger: string; fromSize: number; treeSize: number }[];
}>;

const TABLE_NAME = "stele";

function loadEvent(path: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../events/${path}`, import.meta.url), "utf8"));
}

const INGEST_BATCH = loadEvent("sqs/ingest-batch.json") as SQSEvent;
const SCHEDULED = loadEvent("scheduler/integrate.json");

let database: DynamoDbBackend;
let ingest: SqsHandler;
let integrate: ScheduledHandler;

/** A record like the sample's first, carrying `body`, with a message id of its own. */
function recordOf(body: string): SQSRecord {
  const record = structuredClone(INGEST_BATCH.Records[0]);
  assert.ok(record !== undefined, "events/sqs/ingest-batch.json has no records");
  record.messageId = randomUUID();
  record.body = body;
  record.md5OfBody = createHash("md5").update(body).digest("hex");
  return record;
}

function isIngestMessage(body: string): boolean {
  try {
    parseQueueMessage(body);
    return true;
  } catch {
    return false;
  }
}

before(async () => {
  database = await startDynalite();
  Object.assign(process.env, {
    STELE_TABLE_NAME: TABLE_NAME,
    STELE_DYNAMODB_ENDPOINT: database.endpoint,
    STELE_ORIGIN_PREFIX: "stele.test",
    STELE_CHECKPOINT_SIGNER: "dev",
    STELE_DEV_CHECKPOINT_KEY: randomBytes(32).toString("hex"),
    AWS_REGION: "us-east-1",
    // The handler warns of each refused message; the fuzz sends hundreds.
    POWERTOOLS_LOG_LEVEL: "ERROR",
  });
  await createTable(createDynamoDbClient(loadConfig(process.env)), TABLE_NAME);
  ingest = (await import("../../functions/ingest-queue/handler.ts")).handler;
  integrate = (await import("../../functions/integrate-ledgers/handler.ts")).handler;
});

after(async () => {
  await database?.stop();
});

describe("the sample SQS batch", () => {
  it("fails only its invalid record, and the scheduled integrate sequences the rest", async () => {
    const event = structuredClone(INGEST_BATCH);
    const invalid = event.Records.filter((record) => !isIngestMessage(record.body));
    assert.equal(event.Records.length, 3);
    assert.equal(invalid.length, 1, "the sample has one invalid record");

    const response = await ingest(event);
    assert.deepEqual(
      response.batchItemFailures.map((failure) => failure.itemIdentifier),
      invalid.map((record) => record.messageId),
    );

    const integrated = await integrate(structuredClone(SCHEDULED));
    const sizes = Object.fromEntries(integrated.ledgers.map((l) => [l.ledger, l.treeSize]));
    assert.deepEqual(sizes, { default: 1, shipments: 2 });

    // SQS delivers at least once: the same batch again adds nothing.
    const again = await ingest(structuredClone(INGEST_BATCH));
    assert.equal(again.batchItemFailures.length, 1);
    const after = await integrate(structuredClone(SCHEDULED));
    assert.deepEqual(
      Object.fromEntries(after.ledgers.map((l) => [l.ledger, l.treeSize])),
      { default: 1, shipments: 2 },
      "a redelivered message was ingested twice",
    );
  });
});

// --- Arbitraries -------------------------------------------------------------------------------

// Mostly valid entries; some upper-case hashes (accepted) and 129–130 character clientRefs (refused).
const entry = fc.oneof(
  documentByHash(
    fc.oneof(
      hex64,
      hex64.map((hex) => hex.toUpperCase()),
    ),
    130,
  ),
  documentByContent,
  transaction,
);

/** Near misses: one field off, so most are refused for one reason a reader can name. */
const nearMiss = fc.oneof(
  fc.record({ kind: fc.constantFrom("document", "photo", ""), contentHash: fc.string() }),
  fc.record({ kind: fc.constant("document"), content: fc.string() }),
  fc.record({ kind: fc.constant("document"), contentHash: hex64, content: fc.constant("aGk=") }),
  fc.record({ kind: fc.constant("transaction"), payload: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant("document"), contentHash: hex64, extra: fc.jsonValue() }),
);

const ledger = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/),
  fc.constantFrom("default", "Default", "-x", "a".repeat(64)),
);

const messageBody = fc.oneof(
  { weight: 4, arbitrary: entry.map((value) => JSON.stringify(value)) },
  {
    weight: 4,
    arbitrary: fc
      .record(
        { ledger, entries: fc.array(fc.oneof(entry, nearMiss), { maxLength: 8 }) },
        { requiredKeys: ["entries"] },
      )
      .map((value) => JSON.stringify(value)),
  },
  { weight: 2, arbitrary: nearMiss.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string({ unit: "binary" }) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 50_000 })
      .map(
        (depth) => `{"kind":"transaction","payload":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}`,
      ),
  },
  // A valid message cut short: no longer JSON.
  {
    weight: 1,
    arbitrary: fc.tuple(entry, fc.nat()).map(([value, cut]) => {
      const text = JSON.stringify(value);
      return text.slice(0, cut % text.length);
    }),
  },
);

describe("the SQS function under fuzzed batches", () => {
  it("never throws, and fails exactly the records that are no ingest message", async (t) => {
    let valid = 0;
    let invalid = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(messageBody, { minLength: 1, maxLength: 10 }), async (bodies) => {
        const event: SQSEvent = { Records: bodies.map(recordOf) };
        const want = event.Records.filter((record) => !isIngestMessage(record.body)).map(
          (record) => record.messageId,
        );
        const response = await ingest(event);
        assert.deepEqual(
          response.batchItemFailures.map((failure) => failure.itemIdentifier),
          want,
        );
        invalid += want.length;
        valid += event.Records.length - want.length;
      }),
      { numRuns: 200 },
    );
    t.diagnostic(`records: ${valid} valid, ${invalid} invalid`);
    assert.ok(valid > 100 && invalid > 100, `${valid} valid and ${invalid} invalid records`);
  });
});
