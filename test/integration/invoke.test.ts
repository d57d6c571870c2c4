// `npm run invoke -- <function> <event.json>` against a local stack as a user runs it: one handler
// in its own process, on the stack's DynamoDB and keys, with the sample events of events/.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { ApiClient } from "../support/local/api-client.ts";
import { type StackProcess, startStackProcess } from "../support/local/stack-process.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

interface Invocation {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface HttpResult {
  readonly statusCode: number;
  readonly body: string;
}

let dataDir = "";
let stack: StackProcess | undefined;
let stopped = false;

/** `npm run invoke -- ...args`, as a user types it (without npm's banner). */
function invoke(args: string[], env: Record<string, string> = {}): Promise<Invocation> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "local/invoke.ts", ...args],
      { cwd: root, env: { ...process.env, STELE_DATA_DIR: dataDir, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function httpResult(invocation: Invocation): HttpResult {
  assert.equal(invocation.code, 0, invocation.stderr);
  // stdout is the result alone: it parses whole.
  return JSON.parse(invocation.stdout) as HttpResult;
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-invoke-"));
  stack = await startStackProcess({ STELE_DATA_DIR: dataDir });
});

after(async () => {
  if (stack !== undefined && !stopped) await stack.stop();
  if (dataDir !== "") await rm(dataDir, { recursive: true, force: true });
});

test("read-api answers events/http/get-health.json with 200", async () => {
  const result = httpResult(await invoke(["read-api", "events/http/get-health.json"]));
  assert.equal(result.statusCode, 200);
  assert.deepEqual(JSON.parse(result.body), { status: "ok" });
});

test("read-api answers events/http/get-log.json with the stack's signer and chain", async () => {
  const result = httpResult(await invoke(["read-api", "events/http/get-log.json"]));
  assert.equal(result.statusCode, 200);
  const log = JSON.parse(result.body) as {
    checkpointSigner: string;
    chains: { chainId: number }[];
  };
  const printed = /checkpoint signer\s+(0x[0-9a-fA-F]{40})/.exec(stack?.output() ?? "")?.[1];
  assert.equal(log.checkpointSigner, printed);
  assert.deepEqual(
    log.chains.map((chain) => chain.chainId),
    [31337],
  );
});

test("accept-entries stores events/http/post-entries.json; the stack's HTTP API serves it", async () => {
  const result = httpResult(await invoke(["accept-entries", "events/http/post-entries.json"]));
  // The event's Bearer REPLACE_WITH_API_KEY became the stack's key: 202, not 401.
  assert.equal(result.statusCode, 202, result.body);
  const { entries } = JSON.parse(result.body) as {
    entries: { id: string; contentHash: string; status: string }[];
  };
  assert.equal(entries.length, 3);
  const [first] = entries;
  assert.ok(first !== undefined);
  assert.ok(stack !== undefined);
  const api = new ApiClient(stack.url, stack.apiKey);
  const served = await api.request<{ id: string; contentHash: string }>(
    "GET",
    `/v1/entries/${first.id}`,
  );
  assert.equal(served.status, 200);
  assert.equal(served.body.id, first.id);
  assert.equal(served.body.contentHash, first.contentHash);
  // Integrated by the stack like any entry: its proof comes.
  await api.waitForProof(first.id);
});

test("ingest-queue: the invalid record of events/sqs/ingest-batch.json fails alone, logged on stderr", async () => {
  const invocation = await invoke(["ingest-queue", "events/sqs/ingest-batch.json"]);
  assert.equal(invocation.code, 0, invocation.stderr);
  const result = JSON.parse(invocation.stdout) as {
    batchItemFailures: { itemIdentifier: string }[];
  };
  assert.equal(result.batchItemFailures.length, 1);
  assert.match(invocation.stderr, /message not ingested/);
});

test("a handler that throws: exit 1 with its error on stderr", async () => {
  const event = join(dataDir, "not-an-sqs-event.json");
  await writeFile(event, "{}\n");
  const invocation = await invoke(["ingest-queue", event]);
  assert.equal(invocation.code, 1);
  assert.equal(invocation.stdout, "");
  assert.match(invocation.stderr, /ingest-queue failed: TypeError/);
});

test("an unknown function: exit 2 with the usage", async () => {
  const invocation = await invoke(["no-such-function", "events/http/get-health.json"]);
  assert.equal(invocation.code, 2);
  assert.match(invocation.stderr, /no function no-such-function/);
  assert.match(invocation.stderr, /usage: npm run invoke -- <function> <event.json>/);
});

test("no local stack on the data dir: exit 2, start it first", async () => {
  const empty = await mkdtemp(join(tmpdir(), "stele-invoke-empty-"));
  try {
    const invocation = await invoke(["read-api", "events/http/get-health.json"], {
      STELE_DATA_DIR: empty,
    });
    assert.equal(invocation.code, 2);
    assert.match(invocation.stderr, /start the local stack first: npm start/);
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});

test("the stack stopped (its local-env.json left behind): exit 2, start it first", async () => {
  assert.ok(stack !== undefined);
  assert.equal(await stack.stop(), 0);
  stopped = true;
  const invocation = await invoke(["read-api", "events/http/get-health.json"]);
  assert.equal(invocation.code, 2);
  assert.match(invocation.stderr, /start the local stack first: npm start/);
});
