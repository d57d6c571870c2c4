// The table grants of infra/constructs/table-access.ts against what the handlers really do:
// each function's handler runs through its paths (a retried request and a redelivered message
// included, so that restoreBatch runs), against dynalite, one function at a time, while every
// DynamoDB call is recorded. A function must use exactly the operations it is granted: one
// more is AccessDenied in AWS, one fewer is a grant to take away.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import type { Context } from "aws-lambda";
import { FUNCTION_NAMES, type FunctionName } from "../../infra/catalog.ts";
import { TABLE_ACCESS } from "../../infra/constructs/table-access.ts";
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from "../../local/embedded-dynamodb.ts";
import { provisionChain } from "../../local/provision-chain.ts";
import { lambdaContextFields } from "../../scripts/load-bundle.ts";
import { DynamoDbStore } from "../../shared/adapters/dynamodb/dynamodb-store.ts";
import { createTable } from "../../shared/adapters/dynamodb/table.ts";
import { inProcessQueue } from "../../shared/adapters/memory/in-process-queue.ts";
import { systemClock } from "../../shared/adapters/system/system-clock.ts";
import { sha256Hex } from "../../shared/http/auth.ts";
import { type HardhatNode, startHardhatNode } from "../support/chain/hardhat-node.ts";
import { localClient } from "../support/dynamodb/backends.ts";
import { type Receiver, startReceiver } from "../support/webhooks/receiver.ts";

const TABLE = "stele-table-access";
const API_KEY = "table-access-test-key-0123456789";
const CHECKPOINT_KEY = "11".repeat(32);
// hardhat's account #1: funded on the node, not the deployer.
const ANCHOR_KEY = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

type Handler = (event: unknown, context: Context) => Promise<unknown>;

let dynamo: EmbeddedDynamoDb | undefined;
let chain: HardhatNode | undefined;
/** The tenant's webhook: its first POST fails, so a delivery is retried (and released). */
let receiver: Receiver | undefined;
/** Whose calls are being recorded; undefined while setting up. */
let recording: FunctionName | undefined;
const used = new Map<FunctionName, Set<string>>(FUNCTION_NAMES.map((name) => [name, new Set()]));
const handlers = new Map<FunctionName, Handler>();

function event(file: string): Record<string, unknown> {
  const text = readFileSync(new URL(`../../events/${file}`, import.meta.url), "utf8");
  return JSON.parse(text.replaceAll("REPLACE_WITH_API_KEY", API_KEY)) as Record<string, unknown>;
}

function context(name: FunctionName): Context {
  const deadline = Date.now() + 30_000;
  return {
    ...lambdaContextFields(name),
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done() {},
    fail() {},
    succeed() {},
  };
}

async function invoke(name: FunctionName, input: unknown): Promise<unknown> {
  const handler = handlers.get(name);
  assert.ok(handler !== undefined);
  recording = name;
  try {
    return await handler(structuredClone(input), context(name));
  } finally {
    recording = undefined;
  }
}

before(async () => {
  dynamo = await startEmbeddedDynamoDb({
    observer: (operation) => {
      if (recording !== undefined) used.get(recording)?.add(operation);
    },
  });
  chain = await startHardhatNode();
  const provisioned = await provisionChain({
    url: chain.url,
    embedded: true,
    anchorKey: ANCHOR_KEY,
  });
  const client = localClient(dynamo.endpoint);
  await createTable(client, TABLE);
  await new DynamoDbStore({ client, tableName: TABLE }).putApiKey({
    keyHash: sha256Hex(API_KEY),
    keyId: "table-access",
    scopes: ["read", "write", "manage-webhooks", "read-content", "erase-content"],
    label: "table access test",
  });
  // One environment for the five handlers (each reads it once, at import).
  Object.assign(process.env, {
    AWS_REGION: "eu-central-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    STELE_TABLE_NAME: TABLE,
    STELE_DYNAMODB_ENDPOINT: dynamo.endpoint,
    STELE_ORIGIN_PREFIX: "table-access.test",
    STELE_CHECKPOINT_SIGNER: "dev",
    STELE_DEV_CHECKPOINT_KEY: CHECKPOINT_KEY,
    STELE_ANCHOR_SIGNER: "dev",
    STELE_DEV_ANCHOR_KEY: ANCHOR_KEY,
    STELE_CHAINS: JSON.stringify([
      {
        chainId: provisioned.chainId,
        rpcUrls: [chain.url],
        contract: provisioned.contract,
        confirmations: 1,
      },
    ]),
    STELE_ANCHOR_INTERVAL_MS: "100",
    STELE_WEBHOOK_QUEUE_URL: "inprocess://table-access",
    STELE_WEBHOOK_ALLOW_HTTP_LOOPBACK: "true",
    STELE_CONTENT_CIPHER: "dev",
    STELE_DEV_CONTENT_KEY: "22".repeat(32),
    POWERTOOLS_METRICS_DISABLED: "true",
    POWERTOOLS_LOG_LEVEL: "SILENT",
  });
  for (const name of FUNCTION_NAMES) {
    const module = (await import(`../../functions/${name}/handler.ts`)) as { handler: Handler };
    handlers.set(name, module.handler);
  }
});

after(async () => {
  await receiver?.close();
  await chain?.stop();
  await dynamo?.stop();
});

test("each function issues exactly the DynamoDB operations it is granted", async () => {
  // accept-entries: PUT /v1/webhook first, so that the entries below have events.
  receiver = await startReceiver();
  receiver.script.push(500);
  const putWebhook = event("http/put-webhook.json");
  putWebhook.body = JSON.stringify({ url: receiver.url });
  const webhookSet = (await invoke("accept-entries", putWebhook)) as {
    statusCode: number;
    body: string;
  };
  assert.equal(webhookSet.statusCode, 201, webhookSet.body);
  // accept-entries: a request with an Idempotency-Key, that request retried, and one without.
  const post = event("http/post-entries.json");
  const accepted = (await invoke("accept-entries", post)) as { statusCode: number; body: string };
  assert.equal(accepted.statusCode, 202, accepted.body);
  assert.equal(((await invoke("accept-entries", post)) as { statusCode: number }).statusCode, 202);
  const headers = post.headers as Record<string, string>;
  assert.ok(headers["idempotency-key"] !== undefined);
  const { "idempotency-key": _, ...withoutKey } = headers;
  const plain = (await invoke("accept-entries", { ...post, headers: withoutKey })) as {
    statusCode: number;
  };
  assert.equal(plain.statusCode, 202);
  const entryId = (JSON.parse(accepted.body) as { entries: { id: string }[] }).entries[0]?.id;
  assert.ok(entryId !== undefined);
  // accept-entries: a retained entry, with an Idempotency-Key and retried, and without one.
  const retainPost = {
    ...post,
    body: JSON.stringify({ entries: [{ kind: "transaction", payload: { n: 1 }, retain: true }] }),
    headers: { ...headers, "idempotency-key": "table-access-retain" },
  };
  const retained = (await invoke("accept-entries", retainPost)) as {
    statusCode: number;
    body: string;
  };
  assert.equal(retained.statusCode, 202, retained.body);
  await invoke("accept-entries", retainPost);
  const retainedPlain = (await invoke("accept-entries", {
    ...retainPost,
    headers: withoutKey,
  })) as { statusCode: number; body: string };
  assert.equal(retainedPlain.statusCode, 202, retainedPlain.body);
  const retainedId = (JSON.parse(retained.body) as { entries: { id: string }[] }).entries[0]?.id;
  assert.ok(retainedId !== undefined);

  // ingest-queue: a batch, then the same messages delivered again.
  const batch = event("sqs/ingest-batch.json");
  await invoke("ingest-queue", batch);
  await invoke("ingest-queue", batch);

  // integrate-ledgers: one run (no loop input) signs checkpoints of every ledger.
  await invoke("integrate-ledgers", {});

  // read-api: every GET route, on the accepted entry.
  const withId = (file: string, id = entryId) => {
    const input = event(file);
    const old = (input.pathParameters as { id: string }).id;
    return JSON.parse(JSON.stringify(input).replaceAll(old, id)) as unknown;
  };
  for (const input of [
    withId("http/get-entry.json"),
    withId("http/get-proof.json"),
    event("http/get-proofs-by-hash.json"),
    event("http/get-checkpoint.json"),
    event("http/get-consistency.json"),
    event("http/get-log.json"),
  ]) {
    const answer = (await invoke("read-api", input)) as { statusCode: number; body: string };
    assert.ok(answer.statusCode < 500, answer.body);
  }

  // entry-content: the retained entry's content, then its erasure.
  for (const [file, status] of [
    ["http/get-entry-content.json", 200],
    ["http/delete-entry-content.json", 204],
  ] as const) {
    const answer = (await invoke("entry-content", withId(file, retainedId))) as {
      statusCode: number;
      body: string;
    };
    assert.equal(answer.statusCode, status, answer.body);
  }

  // anchor-checkpoints: a run sends the anchor, the next sees it included and final.
  await invoke("anchor-checkpoints", {});
  await invoke("anchor-checkpoints", {});

  // notify-webhooks: one run queues the events; deliver-webhooks POSTs them (the first fails).
  await invoke("notify-webhooks", {});
  const queue = inProcessQueue("table-access", { clock: systemClock });
  assert.ok(queue.depth > 0, "events were queued");
  while ((await queue.deliver((input) => invoke("deliver-webhooks", input) as never)) > 0) {
    // Drain what is visible; the failed one's retry waits 30 s and is left.
  }
  assert.ok((receiver?.requests.length ?? 0) > 1);
  // accept-entries: the webhook removed.
  const removed = (await invoke("accept-entries", event("http/delete-webhook.json"))) as {
    statusCode: number;
  };
  assert.equal(removed.statusCode, 204);

  for (const name of FUNCTION_NAMES) {
    assert.deepEqual(
      [...(used.get(name) ?? [])].sort(),
      [...TABLE_ACCESS[name]].sort(),
      `${name}: the operations it used, against its grant`,
    );
  }
});
