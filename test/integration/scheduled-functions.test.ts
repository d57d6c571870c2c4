// The scheduled functions as Lambda runs them: integrate-ledgers and anchor-checkpoints handlers
// in process, over dynalite, a hardhat chain whose RPC URL the anchor function reads at cold
// start from a Secrets Manager secret (moto), and their CloudWatch metrics as EMF lines on stdout.
// The Scheduler's Input makes one invocation run every everyMs for runForMs, within the
// Lambda context's time left; a bad Input, a missing secret or a chain down fail clearly.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { Context } from "aws-lambda";
import { provisionChain } from "../../local/provision-chain.ts";
import { createTable } from "../../shared/adapters/dynamodb/table.ts";
import { systemClock, systemRandom } from "../../shared/adapters/system/system-clock.ts";
import { acceptEntries } from "../../shared/app/accept-entries.ts";
import { loadConfig } from "../../shared/config.ts";
import { DEFAULT_TENANT } from "../../shared/domain/ledger/tenant.ts";
import { entriesRequestSchema } from "../../shared/schemas/entries-request.ts";
import { createDynamoDbClient, createStore } from "../../shared/wiring.ts";
import { freePort, type HardhatNode, startHardhatNode } from "../support/chain/hardhat-node.ts";
import { type DynamoDbBackend, startDynalite } from "../support/dynamodb/dynalite.ts";
import { type MotoServer, startMotoServer } from "../support/moto/moto-server.ts";

type Handler = (event?: unknown, context?: Context) => Promise<unknown>;
interface IntegrateAnswer {
  runs: number;
  failedRuns: number;
  ledgers: { ledger: string; fromSize: number; treeSize: number }[];
}
interface AnchorAnswer {
  events: number;
  chains: { chainId: number; runs: number; failedRuns: number; events: number }[];
}
interface Emf {
  _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] };
  [key: string]: unknown;
}

const TABLE_NAME = "stele";
const SECRET = "stele/test/rpc/31337";
const SCHEDULED = JSON.parse(
  readFileSync(new URL("../../events/scheduler/integrate.json", import.meta.url), "utf8"),
) as unknown;

let database: DynamoDbBackend;
let node: HardhatNode;
let moto: MotoServer;
let secretsManager: SecretsManagerClient;
let integrate: Handler;
let anchor: Handler;
let contract: string;

/**
 * Calls `invoke`, returning its answer and the EMF documents it wrote to stdout meanwhile.
 * Everything else written to stdout (the test runner's own reports) passes through.
 */
async function withMetrics<T>(invoke: () => Promise<T>): Promise<{ answer: T; emf: Emf[] }> {
  const emf: Emf[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = String(chunk);
    if (!text.startsWith('{"_aws"'))
      return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    for (const line of text.split("\n")) if (line.trim() !== "") emf.push(JSON.parse(line) as Emf);
    return true;
  }) as typeof process.stdout.write;
  try {
    return { answer: await invoke(), emf };
  } finally {
    process.stdout.write = write;
  }
}

/** A Lambda context whose deadline is `timeoutMs` from now. */
function lambdaContext(timeoutMs: number): Context {
  const deadlineMs = Date.now() + timeoutMs;
  return { getRemainingTimeInMillis: () => deadlineMs - Date.now() } as Context;
}

async function addEntries(count: number, ledger = "default"): Promise<void> {
  const store = createStore(loadConfig(process.env));
  await store.registerLedger(ledger);
  const request = entriesRequestSchema.parse({
    ledger,
    entries: Array.from({ length: count }, () => ({
      kind: "document",
      contentHash: randomBytes(32).toString("hex"),
    })),
  });
  await acceptEntries({ entries: store, clock: systemClock, random: systemRandom }, request, {
    tenant: DEFAULT_TENANT,
  });
}

/** Sets the secret's value: a new current version, or the first one. */
async function putRpcUrls(value: string): Promise<void> {
  try {
    await secretsManager.send(new PutSecretValueCommand({ SecretId: SECRET, SecretString: value }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await secretsManager.send(new CreateSecretCommand({ Name: SECRET, SecretString: value }));
  }
}

/** A fresh instance of the anchor function (a cold start) with `chains` as STELE_CHAINS. */
async function coldAnchor(chains: unknown, instance: string): Promise<Handler> {
  process.env.STELE_CHAINS = JSON.stringify(chains);
  const url = new URL(`../../functions/anchor-checkpoints/handler.ts?${instance}`, import.meta.url);
  return ((await import(url.href)) as { handler: Handler }).handler;
}

before(async () => {
  [database, node, moto] = await Promise.all([
    startDynalite(),
    startHardhatNode(),
    startMotoServer(),
  ]);
  const anchorKey = randomBytes(32).toString("hex");
  ({ contract } = await provisionChain({ url: node.url, embedded: true, anchorKey }));
  secretsManager = new SecretsManagerClient({
    region: moto.region,
    endpoint: moto.endpoint,
    credentials: moto.credentials,
  });
  await putRpcUrls(`${node.url}/`);
  Object.assign(process.env, {
    STELE_TABLE_NAME: TABLE_NAME,
    STELE_DYNAMODB_ENDPOINT: database.endpoint,
    STELE_ORIGIN_PREFIX: "scheduled.stele.test",
    STELE_CHECKPOINT_SIGNER: "dev",
    STELE_DEV_CHECKPOINT_KEY: randomBytes(32).toString("hex"),
    STELE_ANCHOR_SIGNER: "dev",
    STELE_DEV_ANCHOR_KEY: anchorKey,
    STELE_ANCHOR_INTERVAL_MS: "100",
    STELE_SECRETS_MANAGER_ENDPOINT: moto.endpoint,
    AWS_REGION: moto.region,
    POWERTOOLS_LOG_LEVEL: "CRITICAL",
    STELE_CHAINS: "[]",
  });
  await createTable(createDynamoDbClient(loadConfig(process.env)), TABLE_NAME);
  integrate = (await import("../../functions/integrate-ledgers/handler.ts")).handler;
  anchor = await coldAnchor(
    [{ chainId: node.chainId, rpcUrlsSecret: SECRET, contract }],
    "from-secrets-manager",
  );
});

after(async () => {
  secretsManager?.destroy();
  await Promise.all([database?.stop(), node?.stop(), moto?.stop()]);
});

test("integrate: the Scheduler's sample event (no runForMs) is one run, measured", async () => {
  await addEntries(3);
  const { answer, emf } = await withMetrics(
    () => integrate(structuredClone(SCHEDULED)) as Promise<IntegrateAnswer>,
  );
  assert.deepEqual(answer, {
    runs: 1,
    failedRuns: 0,
    ledgers: [{ ledger: "default", fromSize: 0, treeSize: 3 }],
  });
  assert.equal(emf.length, 1);
  assert.deepEqual(emf[0]?._aws.CloudWatchMetrics[0]?.Dimensions, [["service"]]);
  assert.equal(emf[0]?.IntegrateRuns, 1);
  assert.equal(emf[0]?.EntriesIntegrated, 3);
  assert.equal(emf[0]?.IntegrateRunFailures, undefined);
});

test("integrate: runForMs and everyMs make one invocation run several times", async () => {
  await addEntries(2);
  const started = Date.now();
  const { answer, emf } = await withMetrics(
    () => integrate({ runForMs: 600, everyMs: 200 }) as Promise<IntegrateAnswer>,
  );
  const tookMs = Date.now() - started;
  assert.equal(answer.runs, 3);
  assert.deepEqual(answer.ledgers, [{ ledger: "default", fromSize: 3, treeSize: 5 }]);
  assert.ok(tookMs >= 400 && tookMs < 3000, `${tookMs} ms`);
  assert.deepEqual(
    emf.map((document) => document.EntriesIntegrated),
    [2, 0, 0],
  );
});

test("integrate: with a Lambda context, a run starts only if one more fits before the timeout", async () => {
  // 4 s left: less than the 5 s margin, so the first run is the only one.
  const short = await withMetrics(
    () =>
      integrate(
        { runForMs: 55_000, everyMs: 100 },
        lambdaContext(4000),
      ) as Promise<IntegrateAnswer>,
  );
  assert.equal(short.answer.runs, 1);
  assert.equal(short.emf.length, 1);
  // 5.6 s left: a few runs of a few ms each, then it stops with the margin left.
  const started = Date.now();
  const more = await withMetrics(
    () =>
      integrate(
        { runForMs: 55_000, everyMs: 100 },
        lambdaContext(5600),
      ) as Promise<IntegrateAnswer>,
  );
  assert.ok(more.answer.runs > 1 && more.answer.runs <= 7, `${more.answer.runs} runs`);
  assert.equal(more.emf.length, more.answer.runs);
  assert.ok(Date.now() - started < 1000);
});

test("a bad scheduled event fails the invocation naming the field, and runs nothing", async () => {
  await assert.rejects(integrate({ runForMs: "55s", everyMs: 1000 }), {
    name: "InvalidScheduledEventError",
    message:
      /^bad scheduled event: runForMs: Invalid input: expected number, received string \(expected/,
  });
  await assert.rejects(
    anchor({ runFor: 55_000 }),
    /bad scheduled event: Unrecognized key: "runFor"/,
  );
});

test("anchor: the RPC URL comes from Secrets Manager; each run is measured with the chain's gauges", async () => {
  await addEntries(4, "anchored");
  await withMetrics(() => integrate());
  const { answer, emf } = await withMetrics(() => anchor({}) as Promise<AnchorAnswer>);
  assert.equal(answer.chains.length, 1);
  assert.deepEqual(answer.chains[0]?.runs, 1);
  assert.ok(answer.events >= 2, "both ledgers' checkpoints sent");
  const [document] = emf;
  assert.ok(document !== undefined && emf.length === 1);
  assert.deepEqual(document._aws.CloudWatchMetrics[0]?.Dimensions, [["service", "chainId"]]);
  assert.equal(document.chainId, String(node.chainId));
  assert.equal(document.AnchorRuns, 1);
  assert.equal(document.AnchorLagEntries, 5, "default: 5 signed, nothing included yet");
  assert.equal(typeof document.AnchorLagSeconds, "number");
  assert.ok(Number(document.AnchorBalanceEth) > 99 && Number(document.AnchorBalanceEth) < 100);

  // Looping, the next runs see the anchors included (automine), and nothing lags any more.
  const loop = await withMetrics(
    () => anchor({ runForMs: 500, everyMs: 100 }, lambdaContext(60_000)) as Promise<AnchorAnswer>,
  );
  const runs = loop.answer.chains[0]?.runs ?? 0;
  assert.ok(runs >= 2 && runs <= 5, `${runs} runs`);
  assert.equal(loop.answer.chains[0]?.failedRuns, 0);
  assert.equal(loop.emf.length, runs, "one EMF document per run");
  assert.equal(loop.emf.at(-1)?.AnchorLagEntries, 0);
  assert.ok(loop.emf.some((document) => document.AnchorsIncluded !== undefined));
});

test("anchor: a chain down in the last run fails the invocation; every run counts a failure", async () => {
  await putRpcUrls(`http://127.0.0.1:${await freePort()}`);
  const down = await coldAnchor(
    [{ chainId: node.chainId, rpcUrlsSecret: SECRET, contract }],
    "chain-down",
  );
  const { answer: error, emf } = await withMetrics(() =>
    down({ runForMs: 300, everyMs: 100 }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    ),
  );
  assert.ok(error instanceof AggregateError, String(error));
  assert.equal(
    error.message,
    `anchoring failed on chain ${node.chainId} (of 1 chains) in its last run`,
  );
  assert.ok(emf.length >= 2, `${emf.length} runs`);
  for (const document of emf) {
    assert.deepEqual([document.AnchorRuns, document.AnchorRunFailures], [1, 1]);
    assert.equal(document.AnchorLagEntries, undefined, "a failed run has no gauges");
  }
  await putRpcUrls(node.url);
});

test("anchor: a missing rpcUrlsSecret stops the cold start, naming it", async () => {
  await assert.rejects(
    coldAnchor(
      [{ chainId: node.chainId, rpcUrlsSecret: "stele/test/rpc/missing", contract }],
      "missing-secret",
    ),
    {
      message:
        "bad configuration: STELE_CHAINS.0.rpcUrlsSecret: Secrets Manager secret stele/test/rpc/missing does not exist or has no value: create it (its SecretString the comma-separated http(s) URLs), or fix the name",
    },
  );
});
