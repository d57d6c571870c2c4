// The SQS ingest function (functions/ingest-queue/handler.ts) behind a stand-in for Lambda's SQS
// event source mapping with ReportBatchItemFailures, against moto's SQS (queues, visibility
// timeout, redrive to a dead-letter queue) and dynalite. What ends where is read back from the
// queues and from the table, not assumed.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, mock, test } from "node:test";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { DynamoDbStore } from "../../shared/adapters/dynamodb/dynamodb-store.ts";
import { createTable } from "../../shared/adapters/dynamodb/table.ts";
import type { Batch } from "../../shared/domain/ledger/batch.ts";
import { type DynamoDbBackend, startDynalite } from "../support/dynamodb/dynalite.ts";
import { type MotoServer, resetMoto, startMotoServer } from "../support/moto/moto-server.ts";
import { LambdaSqsPoller, queueDepth } from "../support/sqs/lambda-sqs-poller.ts";

const TABLE_NAME = "stele-sqs-ingest-test";
const MAX_RECEIVE_COUNT = 2;

type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

let moto: MotoServer;
let dynalite: DynamoDbBackend;
let faults: FaultyProxy;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;
let store: DynamoDbStore;
let handler: SqsHandler;
/** The handler's warnings ("message not ingested"), parsed from its JSON log lines. */
const warnings: Record<string, unknown>[] = [];

before(async () => {
  [moto, dynalite] = await Promise.all([startMotoServer(), startDynalite()]);
  faults = await startFaultyProxy(dynalite.endpoint);
  dynamodb = new DynamoDBClient({
    endpoint: dynalite.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  await createTable(dynamodb, TABLE_NAME);
  store = new DynamoDbStore({ client: dynamodb, tableName: TABLE_NAME });
  sqs = new SQSClient({
    endpoint: moto.endpoint,
    region: moto.region,
    credentials: moto.credentials,
  });

  // The handler reads its configuration at import, as at a Lambda cold start; its DynamoDB
  // traffic goes through a proxy that can fail it on demand.
  Object.assign(process.env, {
    STELE_TABLE_NAME: TABLE_NAME,
    STELE_DYNAMODB_ENDPOINT: faults.endpoint,
    STELE_ORIGIN_PREFIX: "stele.test",
    STELE_CHECKPOINT_SIGNER: "dev",
    STELE_DEV_CHECKPOINT_KEY: "11".repeat(32),
    AWS_REGION: "us-east-1",
    // The Logger then writes through the global console, where the test reads its warnings.
    POWERTOOLS_DEV: "true",
    POWERTOOLS_LOG_LEVEL: "WARN",
  });
  mock.method(console, "warn", (line: unknown) => {
    warnings.push(parseLogLine(line));
  });
  ({ handler } = await import("../../functions/ingest-queue/handler.ts"));
});

after(async () => {
  mock.restoreAll();
  sqs?.destroy();
  dynamodb?.destroy();
  await Promise.all([moto?.stop(), faults?.stop()]);
  await dynalite?.stop();
});

beforeEach(async () => {
  await resetMoto(moto);
  warnings.length = 0;
  faults.failWhenBodyContains = undefined;
});

// ---- helpers ------------------------------------------------------------------------------

interface Queues {
  readonly mainUrl: string;
  readonly mainArn: string;
  readonly dlqUrl: string;
}

/** A dead-letter queue and a main queue redriving into it after MAX_RECEIVE_COUNT receives. */
async function createQueues(name: string): Promise<Queues> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqUrl = required(dlq.QueueUrl, "DLQ url");
  const deadLetterTargetArn = await queueArn(dlqUrl);
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: "1",
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn, maxReceiveCount: MAX_RECEIVE_COUNT }),
      },
    }),
  );
  const mainUrl = required(main.QueueUrl, "queue url");
  return { mainUrl, mainArn: await queueArn(mainUrl), dlqUrl };
}

async function queueArn(url: string): Promise<string> {
  const answer = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
  );
  return required(answer.Attributes?.QueueArn, "QueueArn");
}

interface Sent {
  readonly messageId: string;
  readonly body: string;
}

/** Sends `bodies` in order (batches of 10); answers each with its SQS messageId. */
async function send(
  queueUrl: string,
  bodies: readonly string[],
  attributes: SendMessageBatchRequestEntry["MessageAttributes"] = undefined,
): Promise<Sent[]> {
  const sent: Sent[] = [];
  for (let start = 0; start < bodies.length; start += 10) {
    const chunk = bodies.slice(start, start + 10);
    const answer = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((body, index) => ({
          Id: String(index),
          MessageBody: body,
          ...(attributes === undefined ? {} : { MessageAttributes: attributes }),
        })),
      }),
    );
    assert.deepEqual(answer.Failed ?? [], []);
    chunk.forEach((body, index) => {
      const entry = answer.Successful?.find((ok) => ok.Id === String(index));
      sent.push({ messageId: required(entry?.MessageId, "MessageId"), body });
    });
  }
  return sent;
}

/** Everything in a queue, received (and left in flight) until `expected` or 5 s pass. */
async function receiveAll(queueUrl: string, expected: number): Promise<Sent[]> {
  const seen = new Map<string, string>();
  const deadline = performance.now() + 5000;
  while (seen.size < expected && performance.now() < deadline) {
    const answer = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 30,
      }),
    );
    for (const message of answer.Messages ?? []) {
      seen.set(required(message.MessageId, "MessageId"), required(message.Body, "Body"));
    }
  }
  // One more short look: nothing beyond what was expected.
  const extra = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  for (const message of extra.Messages ?? []) {
    seen.set(required(message.MessageId, "MessageId"), required(message.Body, "Body"));
  }
  return [...seen].map(([messageId, body]) => ({ messageId, body }));
}

function parseLogLine(line: unknown): Record<string, unknown> {
  if (typeof line !== "string") return { line };
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null ? { ...value } : { line };
  } catch {
    return { line };
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`missing ${what}`);
  return value;
}

function randomHash(): string {
  return randomBytes(32).toString("hex");
}

function document(contentHash: string): { kind: "document"; contentHash: string } {
  return { kind: "document", contentHash };
}

/** The pending batches of a ledger as the store lists them. */
async function pending(ledger: string): Promise<Batch[]> {
  return store.listPending(ledger, 10_000);
}

function hashesOf(batches: readonly Batch[]): string[] {
  return batches.flatMap((batch) => batch.entries.map((entry) => entry.contentHash)).sort();
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

// ---- tests --------------------------------------------------------------------------------

test("valid messages are accepted once; invalid ones end in the DLQ without retrying the rest", async () => {
  const queues = await createQueues("ingest-mixed");
  const ledger = "sqs-mixed";

  const singles = [randomHash(), randomHash(), randomHash(), randomHash()];
  const groupA = [randomHash(), randomHash(), randomHash()];
  const groupB = [randomHash(), randomHash()];
  const defaultGroup = [randomHash(), randomHash()];
  const full = Array.from({ length: 1000 }, randomHash);
  const valid = [
    JSON.stringify(document(singles[0] ?? "")),
    JSON.stringify({ ledger, entries: groupA.map(document) }),
    JSON.stringify(document(singles[1] ?? "")),
    JSON.stringify({ entries: defaultGroup.map(document) }),
    JSON.stringify(document(singles[2] ?? "")),
    JSON.stringify({ ledger, entries: full.map(document) }),
    JSON.stringify({ ledger, entries: groupB.map(document) }),
    JSON.stringify(document(singles[3] ?? "")),
  ];
  const invalid = [
    '{"kind":"document","contentHash":', // not JSON
    JSON.stringify({ kind: "document", contentHash: "not-a-sha256" }),
    JSON.stringify({ ledger, entries: Array.from({ length: 1001 }, () => document(randomHash())) }),
  ];
  // Interleaved, so both batches of 10 hold valid and invalid messages together.
  const bodies = [
    valid[0],
    invalid[0],
    valid[1],
    valid[2],
    invalid[1],
    valid[3],
    valid[4],
    valid[5],
    valid[6],
    invalid[2],
    valid[7],
  ].map((body) => required(body, "body"));
  const sent = await send(queues.mainUrl, bodies, {
    origin: { DataType: "String", StringValue: "sqs-ingest-test" },
  });
  const validSent = sent.filter((message) => valid.includes(message.body));
  const invalidSent = sent.filter((message) => invalid.includes(message.body));
  assert.equal(validSent.length, valid.length);
  assert.equal(invalidSent.length, invalid.length);

  const poller = await LambdaSqsPoller.create({
    client: sqs,
    queueUrl: queues.mainUrl,
    handler,
  });
  await poller.drain({ timeoutMs: 20_000 });

  // The events were shaped as Lambda shapes them.
  const first = required(poller.invocations[0]?.Records[0], "a record");
  assert.equal(first.eventSource, "aws:sqs");
  assert.equal(first.eventSourceARN, queues.mainArn);
  assert.equal(first.awsRegion, moto.region);
  assert.equal(first.md5OfBody, createHash("md5").update(first.body).digest("hex"));
  assert.equal(first.attributes.ApproximateReceiveCount, "1");
  assert.deepEqual(first.messageAttributes, {
    origin: {
      stringValue: "sqs-ingest-test",
      stringListValues: [],
      binaryListValues: [],
      dataType: "String",
    },
  });
  assert.ok(poller.invocations.every((event) => event.Records.length <= 10));
  assert.ok(
    poller.invocations.some(
      (event) =>
        event.Records.some((record) => valid.includes(record.body)) &&
        event.Records.some((record) => invalid.includes(record.body)),
    ),
    "some batch mixed valid and invalid messages",
  );

  // On the queues: the main queue is empty, the DLQ holds exactly the invalid messages.
  assert.equal(await queueDepth(sqs, queues.mainUrl), 0);
  const deadLetters = await receiveAll(queues.dlqUrl, invalid.length);
  assert.deepEqual(sorted(deadLetters.map((m) => m.body)), sorted(invalid));
  assert.deepEqual(
    sorted(deadLetters.map((m) => m.messageId)),
    sorted(invalidSent.map((m) => m.messageId)),
  );

  // Each valid message was received once and deleted; each invalid one failed on every receive.
  for (const message of validSent) {
    const deliveries = poller.deliveriesOf(message.messageId);
    assert.deepEqual(
      deliveries.map((d) => [d.receiveCount, d.outcome]),
      [[1, "deleted"]],
      `valid message ${message.body.slice(0, 60)}`,
    );
  }
  for (const message of invalidSent) {
    const deliveries = poller.deliveriesOf(message.messageId);
    assert.deepEqual(
      deliveries.map((d) => [d.receiveCount, d.outcome]),
      [
        [1, "reported-failure"],
        [2, "reported-failure"],
      ],
      `invalid message ${message.body.slice(0, 60)}`,
    );
  }

  // Each rejection was logged with its messageId and reason.
  const rejected = warnings.filter((w) => w.message === "message not ingested");
  for (const message of invalidSent) {
    const lines = rejected.filter((w) => w.messageId === message.messageId);
    assert.equal(lines.length, MAX_RECEIVE_COUNT, `log lines for ${message.body.slice(0, 40)}`);
    for (const line of lines) assert.ok(JSON.stringify(line.reason).length > 2);
  }
  assert.equal(rejected.length, invalidSent.length * MAX_RECEIVE_COUNT);

  // In DynamoDB: every valid entry pending exactly once, one batch per valid message.
  const named = await pending(ledger);
  const defaults = await pending("default");
  assert.deepEqual(hashesOf(named), sorted([...groupA, ...full, ...groupB]));
  assert.equal(named.length, 3);
  assert.deepEqual(hashesOf(defaults), sorted([...singles, ...defaultGroup]));
  assert.equal(defaults.length, 5);
});

test("one SQS message delivered twice makes one batch (idempotency by messageId)", async () => {
  const queues = await createQueues("ingest-twice");
  const ledger = "sqs-twice";
  const hashes = [randomHash(), randomHash()];
  const [message] = await send(queues.mainUrl, [
    JSON.stringify({ ledger, entries: hashes.map(document) }),
  ]);
  const messageId = required(message, "sent").messageId;

  // The same record handed to the function twice, as at-least-once delivery can.
  const answers: SQSBatchResponse[] = [];
  const poller = await LambdaSqsPoller.create({
    client: sqs,
    queueUrl: queues.mainUrl,
    handler: async (event) => {
      answers.push(await handler(event));
      answers.push(await handler(event));
      return answers.at(-1);
    },
  });
  await poller.drain({ timeoutMs: 10_000 });
  assert.deepEqual(answers, [{ batchItemFailures: [] }, { batchItemFailures: [] }]);
  assert.deepEqual(
    poller.deliveriesOf(messageId).map((d) => [d.receiveCount, d.outcome]),
    [[1, "deleted"]],
  );
  const batches = await pending(ledger);
  assert.equal(batches.length, 1);
  assert.deepEqual(hashesOf(batches), sorted(hashes));
  assert.equal(await queueDepth(sqs, queues.dlqUrl), 0);
});

test("a message processed but not deleted is redelivered by SQS and still makes one batch", async () => {
  const queues = await createQueues("ingest-redelivered");
  const ledger = "sqs-redelivered";
  const hashes = [randomHash(), randomHash(), randomHash()];
  const [message] = await send(queues.mainUrl, [
    JSON.stringify({ ledger, entries: hashes.map(document) }),
  ]);
  const messageId = required(message, "sent").messageId;

  // The first invocation stores the batch and then dies (a timeout after the write): Lambda
  // deletes nothing and SQS delivers the message again after the visibility timeout.
  let invocations = 0;
  const poller = await LambdaSqsPoller.create({
    client: sqs,
    queueUrl: queues.mainUrl,
    handler: async (event) => {
      invocations++;
      const answer = await handler(event);
      if (invocations === 1) throw new Error("Task timed out after the batch was written");
      return answer;
    },
  });
  await poller.drain({ timeoutMs: 10_000 });
  assert.deepEqual(
    poller.deliveriesOf(messageId).map((d) => [d.receiveCount, d.outcome]),
    [
      [1, "batch-failed"],
      [2, "deleted"],
    ],
  );
  const batches = await pending(ledger);
  assert.equal(batches.length, 1);
  assert.deepEqual(hashesOf(batches), sorted(hashes));
  assert.equal(await queueDepth(sqs, queues.dlqUrl), 0);
});

test("a transient DynamoDB failure is reported, retried by SQS, then accepted once", async () => {
  const queues = await createQueues("ingest-transient");
  const ledger = "sqs-transient";
  const flakyHash = randomHash();
  const others = [randomHash(), randomHash()];
  const sent = await send(queues.mainUrl, [
    JSON.stringify({ ledger, entries: [document(required(others[0], "hash"))] }),
    JSON.stringify({ ledger, entries: [document(flakyHash)] }),
    JSON.stringify({ ledger, entries: [document(required(others[1], "hash"))] }),
  ]);
  const flaky = required(sent[1], "flaky message");

  // DynamoDB answers 500 to every write of the flaky entry (past the SDK's own retries) during
  // the first invocation that sees it; the handler must report that message, and only it.
  faults.failWhenBodyContains = flakyHash;
  const poller = await LambdaSqsPoller.create({
    client: sqs,
    queueUrl: queues.mainUrl,
    handler: async (event) => {
      try {
        return await handler(event);
      } finally {
        if (event.Records.some((record) => record.messageId === flaky.messageId)) {
          faults.failWhenBodyContains = undefined;
        }
      }
    },
  });
  await poller.drain({ timeoutMs: 10_000 });
  assert.ok(faults.failed > 0, "the proxy failed some DynamoDB request");

  assert.deepEqual(
    poller.deliveriesOf(flaky.messageId).map((d) => [d.receiveCount, d.outcome]),
    [
      [1, "reported-failure"],
      [2, "deleted"],
    ],
  );
  for (const message of sent.filter((m) => m !== flaky)) {
    assert.deepEqual(
      poller.deliveriesOf(message.messageId).map((d) => [d.receiveCount, d.outcome]),
      [[1, "deleted"]],
    );
  }
  assert.deepEqual(await receiveAll(queues.dlqUrl, 0), []);
  const batches = await pending(ledger);
  assert.equal(batches.length, 3);
  assert.deepEqual(hashesOf(batches), sorted([flakyHash, ...others]));
});

test("an invocation that throws midway is retried whole and every message is accepted once", async () => {
  const queues = await createQueues("ingest-crash");
  const ledger = "sqs-crash";
  const hashes = [randomHash(), randomHash(), randomHash(), randomHash()];
  const sent = await send(
    queues.mainUrl,
    hashes.map((hash) => JSON.stringify({ ledger, entries: [document(hash)] })),
  );
  const flaky = required(sent[2], "flaky message");

  // The first time the flaky message arrives, the function handles the records before it and
  // then throws (a transient crash): Lambda deletes none of the batch.
  let crashed = false;
  const poller = await LambdaSqsPoller.create({
    client: sqs,
    queueUrl: queues.mainUrl,
    handler: async (event) => {
      const at = event.Records.findIndex((record) => record.messageId === flaky.messageId);
      if (at >= 0 && !crashed) {
        crashed = true;
        await handler({ Records: event.Records.slice(0, at) });
        throw new Error("transient failure while handling the flaky message");
      }
      return handler(event);
    },
  });
  await poller.drain({ timeoutMs: 10_000 });
  assert.ok(crashed);

  const flakyDeliveries = poller.deliveriesOf(flaky.messageId);
  assert.deepEqual(
    flakyDeliveries.map((d) => [d.receiveCount, d.outcome]),
    [
      [1, "batch-failed"],
      [2, "deleted"],
    ],
  );
  for (const message of sent) {
    const outcomes = poller.deliveriesOf(message.messageId).map((d) => d.outcome);
    assert.equal(outcomes.at(-1), "deleted");
  }
  assert.deepEqual(await receiveAll(queues.dlqUrl, 0), []);
  assert.equal(await queueDepth(sqs, queues.mainUrl), 0);
  const batches = await pending(ledger);
  assert.equal(batches.length, hashes.length);
  assert.deepEqual(hashesOf(batches), sorted(hashes));
});

// ---- a DynamoDB endpoint that fails on demand --------------------------------------------

interface FaultyProxy {
  readonly endpoint: string;
  /** While set, a request whose body contains this text is answered HTTP 500. */
  failWhenBodyContains: string | undefined;
  /** How many requests were failed so far. */
  readonly failed: number;
  stop(): Promise<void>;
}

/** An HTTP proxy in front of `target` that answers chosen requests with a DynamoDB 500. */
async function startFaultyProxy(target: string): Promise<FaultyProxy> {
  const upstream = new URL(target);
  const state: { failWhenBodyContains: string | undefined; failed: number } = {
    failWhenBodyContains: undefined,
    failed: 0,
  };
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      const needle = state.failWhenBodyContains;
      if (needle !== undefined && body.toString("utf8").includes(needle)) {
        state.failed++;
        outgoing.writeHead(500, { "content-type": "application/x-amz-json-1.0" });
        outgoing.end(
          JSON.stringify({
            __type: "com.amazonaws.dynamodb.v20120810#InternalServerError",
            message: "injected transient failure",
          }),
        );
        return;
      }
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.on("error", (error) => outgoing.destroy(error));
      forward.end(body);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get failWhenBodyContains() {
      return state.failWhenBodyContains;
    },
    set failWhenBodyContains(value) {
      state.failWhenBodyContains = value;
    },
    get failed() {
      return state.failed;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
