// `npm start` as users meet it: entries in over HTTP and the local queue, bundles out that
// verify without trusting Stele, and everything still there after a restart.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import canonicalize from "canonicalize";
import { verifyBundle } from "../../shared/app/verify-bundle.ts";
import { fromHex } from "../../shared/domain/bytes.ts";
import { verifyConsistency } from "../../shared/domain/merkle/verify-consistency.ts";
import { parseBundle } from "../../shared/domain/proof/bundle-codec.ts";
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { ApiClient } from "../support/local/api-client.ts";
import { type StackProcess, startStackProcess } from "../support/local/stack-process.ts";

const sha256Hex = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

interface Accepted {
  readonly id: string;
  readonly ledger: string;
  readonly kind: string;
  readonly contentHash: string;
  readonly receivedAt: string;
  readonly status: string;
}

let dataDir: string;
let stack: StackProcess;
let api: ApiClient;
let signer: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-local-"));
  stack = await startStackProcess({ STELE_DATA_DIR: dataDir, STELE_INTEGRATE_INTERVAL_MS: "100" });
  api = new ApiClient(stack.url, stack.apiKey);
  const log = await api.request<{ checkpointSigner: string }>("GET", "/v1/log", { auth: false });
  signer = log.body.checkpointSigner;
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("the local stack", () => {
  it("turns documents and transactions into bundles that verify against their content", async () => {
    const document = randomBytes(1000);
    const payload = { lot: "A-42", farm: "Hof Zoë", weightKg: 12.5, tags: ["bio", "€"] };
    const hashOnly = randomBytes(32).toString("hex");
    const submitted = await api.request<{ entries: Accepted[] }>("POST", "/v1/entries", {
      body: {
        entries: [
          { kind: "document", content: document.toString("base64"), clientRef: "invoice-1" },
          { kind: "transaction", payload },
          { kind: "document", contentHash: hashOnly },
        ],
      },
    });
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    const [doc, tx, byHash] = submitted.body.entries;
    assert.ok(doc && tx && byHash);
    assert.equal(doc.contentHash, sha256Hex(document));
    assert.equal(tx.contentHash, sha256Hex(canonicalize(payload) ?? ""));
    assert.equal(byHash.contentHash, hashOnly);
    for (const entry of submitted.body.entries) assert.equal(entry.status, "pending");

    const checks: [Accepted, Parameters<typeof verifyBundle>[1]][] = [
      [doc, { content: { kind: "document", bytes: document }, trustedSigner: signer }],
      [
        tx,
        {
          content: {
            kind: "transaction",
            payload: { tags: ["bio", "€"], weightKg: 12.5, farm: "Hof Zoë", lot: "A-42" },
          },
          trustedSigner: signer,
        },
      ],
      [byHash, { trustedSigner: signer }],
    ];
    for (const [entry, options] of checks) {
      const bundle = parseBundle(await api.waitForProof(entry.id));
      assert.equal(bundle.entry.id, entry.id);
      const verdict = await verifyBundle(bundle, options);
      assert.equal(verdict.valid, true, JSON.stringify(verdict));
      const status = await api.request<{ status: string; leafIndex: number }>(
        "GET",
        `/v1/entries/${entry.id}`,
      );
      assert.equal(status.body.status, "sequenced");
      assert.equal(status.body.leafIndex, bundle.leafIndex);
    }

    const found = await api.request<{ entries: Accepted[] }>(
      "GET",
      `/v1/proofs?contentHash=${doc.contentHash}`,
    );
    assert.equal(found.status, 200);
    assert.deepEqual(
      found.body.entries.map((entry) => entry.id),
      [doc.id],
    );
  });

  it("takes entries from the ingest queue, and dead-letters what is not an entry", async () => {
    const contentHash = randomBytes(32).toString("hex");
    await api.request("POST", "/_local/queue", {
      body: { kind: "document", contentHash },
      auth: false,
    });
    await api.request("POST", "/_local/queue", {
      body: { kind: "document", contentHash: "not hex" },
      auth: false,
    });
    const deadline = Date.now() + 20_000;
    let found: Accepted[] = [];
    while (found.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      found = (
        await api.request<{ entries: Accepted[] }>("GET", `/v1/proofs?contentHash=${contentHash}`)
      ).body.entries;
    }
    assert.equal(found.length, 1);
    const bundle = parseBundle(await api.waitForProof(found[0]?.id ?? ""));
    assert.equal((await verifyBundle(bundle, { trustedSigner: signer })).valid, true);
    let queue = { depth: 1, deadLetters: [] as { body: string }[] };
    while (queue.deadLetters.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      queue = (await api.request<typeof queue>("GET", "/_local/queue", { auth: false })).body;
    }
    assert.deepEqual(
      queue.deadLetters.map((letter) => JSON.parse(letter.body).contentHash),
      ["not hex"],
    );
  });

  it("answers a retried request with its first answer, and a reused key with another body with 409", async () => {
    const body = { entries: [{ kind: "document", contentHash: randomBytes(32).toString("hex") }] };
    const headers = { "idempotency-key": `retry-${randomBytes(6).toString("hex")}` };
    const first = await api.request<{ entries: Accepted[] }>("POST", "/v1/entries", {
      body,
      headers,
    });
    const again = await api.request<{ entries: Accepted[] }>("POST", "/v1/entries", {
      body,
      headers,
    });
    assert.equal(first.status, 202);
    assert.deepEqual(again.body, first.body);
    const other = await api.request<{ status: number; title: string }>("POST", "/v1/entries", {
      body: { entries: [{ kind: "document", contentHash: randomBytes(32).toString("hex") }] },
      headers,
    });
    assert.equal(other.status, 409);
    assert.equal(other.headers.get("content-type"), "application/problem+json");
  });

  it("serves checkpoints and consistency proofs between them", async () => {
    const before = (
      await api.request<{ treeSize: number; rootHash: string }>(
        "GET",
        "/v1/ledgers/default/checkpoint",
        { auth: false },
      )
    ).body;
    const added = await api.request<{ entries: Accepted[] }>("POST", "/v1/entries", {
      body: {
        entries: Array.from({ length: 40 }, () => ({
          kind: "document",
          contentHash: randomBytes(32).toString("hex"),
        })),
      },
    });
    await api.waitForProof(added.body.entries.at(-1)?.id ?? "");
    const now = (
      await api.request<{ treeSize: number; rootHash: string }>(
        "GET",
        "/v1/ledgers/default/checkpoint",
        { auth: false },
      )
    ).body;
    assert.ok(now.treeSize >= before.treeSize + 40);
    const proof = await api.request<{ path: string[] }>(
      "GET",
      `/v1/ledgers/default/consistency?from=${before.treeSize}&to=${now.treeSize}`,
      { auth: false },
    );
    assert.equal(proof.status, 200);
    verifyConsistency(
      before.treeSize,
      now.treeSize,
      proof.body.path.map(fromHex),
      fromHex(before.rootHash),
      fromHex(now.rootHash),
    );
  });

  it("keeps its keys and entries across a restart", async () => {
    const entry = (
      await api.request<{ entries: Accepted[] }>("POST", "/v1/entries", {
        body: { entries: [{ kind: "document", contentHash: randomBytes(32).toString("hex") }] },
      })
    ).body.entries[0];
    assert.ok(entry);
    const bundle = await api.waitForProof<ProofBundle>(entry.id);
    assert.equal(await stack.stop(), 0, stack.output());
    stack = await startStackProcess({
      STELE_DATA_DIR: dataDir,
      STELE_INTEGRATE_INTERVAL_MS: "100",
    });
    assert.equal(stack.apiKey, api.apiKey);
    api = new ApiClient(stack.url, stack.apiKey);
    const again = parseBundle(await api.waitForProof(entry.id));
    assert.equal(again.leafIndex, bundle.leafIndex);
    assert.equal(again.checkpoint.signature.signer, signer);
    assert.equal((await verifyBundle(again, { trustedSigner: signer })).valid, true);
  });
});
