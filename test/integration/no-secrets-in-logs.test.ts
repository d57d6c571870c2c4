// No secret in any log line: the local stack as a user runs it (`npm start`, its functions at
// DEBUG) through a full run — documents and transactions with retained content and subjects, an
// idempotent retry, refusals (401, 400, 404), a webhook delivered to a real receiver, anchoring
// to final, content read and erased, an SQS message that is not valid, the CLI — and then
// everything the process printed, and the CLI's output, is searched for the API key, the dev
// private keys, the webhook secret, the retained plaintext and the Authorization header, as is,
// in hex and in base64. The start banner, which shows the dev API key to the developer on
// purpose, is the one exception: it is printed once, before any request, and cut out first.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runStele, type SteleRun } from "../support/cli/run-stele.ts";
import { type StackProcess, startStackProcess } from "../support/local/stack-process.ts";
import { type Receiver, startReceiver } from "../support/webhooks/receiver.ts";

const marker = (name: string) => `${name}-${randomBytes(12).toString("hex")}`;
/** Retained content: the document's bytes and a transaction's field, in plain text. */
const DOCUMENT_TEXT = marker("retained-document-plaintext");
const PAYLOAD_SECRET = marker("retained-payload-plaintext");
/** A key nobody issued: refused, and never repeated back or logged either. */
const UNKNOWN_KEY = `stele_${marker("unknown-key")}`;

let dataDir: string;
let work: string;
let stack: StackProcess;
let receiver: Receiver;
/** Where the banner ends in the output: everything after it is log lines. */
let bannerEnd = 0;
const cliRuns: SteleRun[] = [];
const secrets: Record<string, string> = {};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function api(
  method: string,
  path: string,
  options: { body?: unknown; key?: string | null; headers?: Record<string, string> } = {},
) {
  const key = options.key === undefined ? stack.apiKey : options.key;
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...options.headers,
    },
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, bytes, text: bytes.toString("utf8") };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not in ${timeoutMs} ms`);
    await sleep(150);
  }
}

/**
 * The forms a secret could take in a log line: as is, hex (bare, 0x, upper case) and base64 or
 * base64url of its bytes at each of the three alignments it could have inside a longer text.
 */
function encodings(secret: string, bytes: Buffer): string[] {
  const forms = new Set([secret, bytes.toString("hex"), bytes.toString("hex").toUpperCase()]);
  for (let shift = 0; shift < 3; shift++) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
    for (const encoding of ["base64", "base64url"] as const) {
      const text = shifted.toString(encoding).replace(/=+$/, "");
      // Leading characters mix in the bytes before it, the last ones the bytes after.
      const start = Math.ceil((shift * 4) / 3);
      forms.add(text.slice(start, text.length - 2));
    }
  }
  return [...forms].filter((form) => form.length >= 16);
}

/** Every form of every secret found in `text`: `name (form)`. */
function findSecrets(text: string): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    const hex = /^(0x)?[0-9a-f]{64}$/i.test(secret);
    const bytes = hex ? Buffer.from(secret.replace(/^0x/, ""), "hex") : Buffer.from(secret, "utf8");
    for (const form of encodings(secret, bytes)) {
      if (text.includes(form)) found.push(`${name} (as ${form.slice(0, 12)}…)`);
    }
  }
  return found;
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-no-secrets-"));
  work = await mkdtemp(join(tmpdir(), "stele-no-secrets-work-"));
  receiver = await startReceiver("/hooks/stele");
  stack = await startStackProcess({
    STELE_DATA_DIR: dataDir,
    STELE_INTEGRATE_INTERVAL_MS: "200",
    STELE_ANCHOR_INTERVAL_MS: "300",
    STELE_CONFIRMATIONS: "1",
    // As much as the functions ever log (and the event itself, if a handler ever logged it).
    POWERTOOLS_LOG_LEVEL: "DEBUG",
    POWERTOOLS_LOGGER_LOG_EVENT: "true",
  });
  bannerEnd = stack.output().indexOf("Ctrl-C stops it.");
  assert.ok(bannerEnd > 0, stack.output());
  bannerEnd += "Ctrl-C stops it.".length;
  const keys = JSON.parse(await readFile(join(dataDir, "dev-keys.json"), "utf8")) as Record<
    string,
    string
  >;
  Object.assign(secrets, {
    "API key": stack.apiKey,
    "Authorization header": `Bearer ${stack.apiKey}`,
    "unknown API key": UNKNOWN_KEY,
    "checkpoint private key": String(keys.checkpointKey),
    "anchor private key": String(keys.anchorKey),
    "content master key": String(keys.contentKey),
    "retained document": DOCUMENT_TEXT,
    "retained payload field": PAYLOAD_SECRET,
  });
});

after(async () => {
  if (stack !== undefined && stack.child.exitCode === null) await stack.kill();
  await receiver?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe("secrets in the local stack's logs", () => {
  it("finds a secret as is, in hex and in base64 at any offset", () => {
    secrets.probe = "0x8f3a5b6c7d8e9f000102030405060708090a0b0c0d0e0f101112131415161718";
    secrets["probe text"] = "probe-secret-text-0123456789";
    try {
      const bytes = Buffer.from(secrets.probe.slice(2), "hex");
      const text = Buffer.from(secrets["probe text"]);
      for (const [line, want] of [
        [`key=${secrets.probe}`, "probe"],
        [`key=${secrets.probe.slice(2).toUpperCase()}`, "probe"],
        [`{"k":"${Buffer.concat([Buffer.from("ab"), bytes]).toString("base64")}"}`, "probe"],
        [
          `x ${Buffer.concat([Buffer.from("a"), text, Buffer.from("zz")]).toString("base64url")}`,
          "probe text",
        ],
        [`${text.toString("hex")}`, "probe text"],
      ] as const) {
        assert.ok(
          findSecrets(line).some((found) => found.startsWith(`${want} (`)),
          line,
        );
      }
      assert.deepEqual(findSecrets("nothing to see here"), []);
    } finally {
      delete secrets.probe;
      delete secrets["probe text"];
    }
  });

  it("runs a full session, then finds no secret in anything printed but the banner", async () => {
    // A webhook, so that deliveries (signed with its secret) happen.
    const hook = await api("PUT", "/v1/webhook", { body: { url: receiver.url } });
    assert.equal(hook.status, 201, hook.text);
    secrets["webhook secret"] = String(JSON.parse(hook.text).secret);

    // Documents and transactions, retained and not, with subjects; then the same request again.
    const body = {
      entries: [
        {
          kind: "document",
          content: Buffer.from(DOCUMENT_TEXT).toString("base64"),
          retain: true,
          subject: "lot-secret",
          eventType: "received",
        },
        {
          kind: "transaction",
          payload: { lot: "lot-secret", note: PAYLOAD_SECRET },
          retain: true,
          subject: "lot-secret",
          eventType: "shipped",
        },
        { kind: "document", contentHash: randomBytes(32).toString("hex"), clientRef: "plain" },
      ],
    };
    const headers = { "idempotency-key": marker("retry") };
    const first = await api("POST", "/v1/entries", { body, headers });
    assert.equal(first.status, 202, first.text);
    const again = await api("POST", "/v1/entries", { body, headers });
    assert.equal(again.text, first.text, "the retry gets the first answer");
    const ids = (JSON.parse(first.text).entries as { id: string }[]).map((entry) => entry.id);
    const [documentId, transactionId] = ids as [string, string];

    // Refusals: no key, an unknown key, a bad body, an unknown entry; an SQS message that is
    // not valid (it carries retained content) and one that is not JSON (it starts with the key).
    assert.equal((await api("GET", `/v1/entries/${documentId}`, { key: null })).status, 401);
    assert.equal((await api("POST", "/v1/entries", { body, key: UNKNOWN_KEY })).status, 401);
    assert.equal((await api("POST", "/v1/entries", { body: '{"entries": [' })).status, 400);
    const bad = { entries: [{ ...body.entries[0], bogus: stack.apiKey }] };
    assert.equal((await api("POST", "/v1/entries", { body: bad })).status, 400);
    assert.equal((await api("GET", "/v1/entries/01JDX7R4M8Q2V3N5P6K7H8J900")).status, 404);
    assert.equal((await api("POST", "/_local/queue", { body: bad, key: null })).status, 200);
    const notJson = `${stack.apiKey} ${DOCUMENT_TEXT}`;
    assert.equal((await api("POST", "/_local/queue", { body: notJson, key: null })).status, 200);

    await writeFile(join(work, "invoice.txt"), DOCUMENT_TEXT);
    const cli = (args: string[], apiKey = stack.apiKey) =>
      runStele(args, { cwd: work, api: { url: stack.url, apiKey }, timeoutMs: 30_000 }).then(
        (run) => {
          cliRuns.push(run);
          return run;
        },
      );
    const cliSubmits = Promise.all([
      cli(["submit", "invoice.txt", "--upload"]),
      cli(["submit", "invoice.txt", "--index", "other.json"], UNKNOWN_KEY),
    ]);

    // Proofs until final, the subject's history, the webhook's deliveries.
    await until("final", async () => {
      const entry = await api("GET", `/v1/entries/${transactionId}`);
      return JSON.parse(entry.text).status === "final" ? true : undefined;
    });
    assert.equal((await api("GET", `/v1/entries/${documentId}/proof?anchored=true`)).status, 200);
    assert.equal((await api("GET", "/v1/subjects/lot-secret/entries")).status, 200);
    await receiver.waitFor(
      () => receiver.events().some((event) => event.type === "entry.final"),
      20_000,
    );

    // Content read back, then erased (and read again: 410).
    const content = await api("GET", `/v1/entries/${documentId}/content`);
    assert.equal(content.text, DOCUMENT_TEXT);
    assert.equal((await api("DELETE", `/v1/entries/${transactionId}/content`)).status, 204);
    assert.equal((await api("GET", `/v1/entries/${transactionId}/content`)).status, 410);

    // The CLI, meanwhile: a document uploaded, and the same with a key nobody issued.
    const [submitted, refused] = await cliSubmits;
    assert.equal(submitted.code, 0, submitted.stderr);
    assert.notEqual(refused.code, 0);
    // A bundle fetched and verified.
    const proof = await cli(["proof", documentId]);
    assert.equal(proof.code, 0, proof.stderr);
    const verified = await cli(["verify", `${documentId}.stele.json`, "--file", "invoice.txt"]);
    assert.equal(verified.code, 0, verified.stderr);

    // Let the background work log what it logs (integrate, anchor, webhooks), then stop.
    await sleep(500);
    assert.equal(await stack.stop(), 0);

    const output = stack.output();
    if (process.env.STELE_TEST_DUMP !== undefined)
      await writeFile(process.env.STELE_TEST_DUMP, output);
    const banner = output.slice(0, bannerEnd);
    const logs = output.slice(bannerEnd);
    assert.equal(output.split("Stele local stack (dev only) on").length, 2, "one banner");
    assert.ok(banner.includes(`STELE_API_KEY=${stack.apiKey}`), "the banner shows the key");
    assert.ok(
      findSecrets(banner).some((found) => found.startsWith("API key")),
      "and it is found",
    );
    assert.match(banner, /rate limit\s+50\/s per client, bursts of 100/);
    assert.ok(logs.length > 200, `the functions logged: ${logs.length} characters`);
    assert.match(logs, /"level":"DEBUG"|"level":"INFO"/, "Powertools lines are in there");
    assert.deepEqual(findSecrets(logs), [], "after the banner");
    // Before the banner: whatever the stack logged while starting.
    const beforeBanner = banner.slice(0, banner.indexOf("Stele local stack (dev only) on"));
    assert.deepEqual(findSecrets(beforeBanner), [], "before the banner");
    for (const run of cliRuns) {
      assert.deepEqual(findSecrets(`${run.stdout}\n${run.stderr}`), [], run.stdout + run.stderr);
    }
  });
});
