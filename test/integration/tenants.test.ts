// Tenants on the local stack: each key reads only its tenant's entries — another tenant's id is
// the same 404 as an id that names nothing — and a key limited to some ledgers writes and reads
// only those. The log itself (checkpoints) stays public and shared.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { LocalStack } from "../../local/stack.ts";
import { loadConfig } from "../../shared/config.ts";
import { entryId, newBatchId } from "../../shared/domain/ledger/entry-id.ts";
import { sha256Hex } from "../../shared/http/auth.ts";
import type { ApiKeyRecord } from "../../shared/ports/api-key-store.ts";
import { createStore } from "../../shared/wiring.ts";
import { startQuietStack } from "../support/local/quiet-stack.ts";

const KEYS = {
  farm: `stele_farm_${randomBytes(16).toString("hex")}`,
  shop: `stele_shop_${randomBytes(16).toString("hex")}`,
  farmShelfOnly: `stele_shelf_${randomBytes(16).toString("hex")}`,
  /** Two tenants' keys that their operators both named "client-a". */
  farmClientA: `stele_fca_${randomBytes(16).toString("hex")}`,
  shopClientA: `stele_sca_${randomBytes(16).toString("hex")}`,
};
/** The same document, stamped by two tenants. */
const HASH = randomBytes(32).toString("hex");

let dataDir: string;
let stack: LocalStack;
let store: ReturnType<typeof createStore>;
const ids = { farm: "", shop: "", shelf: "", legacy: "" };

async function api(
  key: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      ...headers,
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

async function stamp(key: string, ledger: string): Promise<string> {
  const answer = await api(key, "POST", "/v1/entries", {
    ledger,
    entries: [{ kind: "document", contentHash: HASH }],
  });
  assert.equal(answer.status, 202, answer.text);
  return (answer.json().entries as { id: string }[])[0]?.id ?? "";
}

async function waitForProof(key: string, id: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await api(key, "GET", `/v1/entries/${id}/proof`)).status !== 200) {
    if (Date.now() > deadline) throw new Error(`no proof of ${id} in 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function key(name: string, record: Partial<ApiKeyRecord>): ApiKeyRecord {
  return {
    keyHash: sha256Hex(name),
    keyId: name.slice(0, 12),
    scopes: ["read", "write"],
    label: "tenants test",
    ...record,
  };
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-tenants-"));
  stack = await startQuietStack(dataDir);
  store = createStore(loadConfig(process.env));
  await store.putApiKey(key(KEYS.farm, { tenant: "farm" }));
  await store.putApiKey(key(KEYS.shop, { tenant: "shop" }));
  await store.putApiKey(key(KEYS.farmShelfOnly, { tenant: "farm", ledgers: ["shelf"] }));
  await store.putApiKey(key(KEYS.farmClientA, { tenant: "farm", keyId: "client-a" }));
  await store.putApiKey(key(KEYS.shopClientA, { tenant: "shop", keyId: "client-a" }));
  ids.farm = await stamp(KEYS.farm, "default");
  ids.shop = await stamp(KEYS.shop, "default");
  ids.shelf = await stamp(KEYS.farmShelfOnly, "shelf");
  // A batch stored before tenants existed: no tenant attribute at all.
  const batchId = newBatchId(Date.now(), randomBytes(10));
  await store.putBatch({
    batchId,
    ledger: "default",
    receivedAt: new Date().toISOString(),
    entries: [{ kind: "document", contentHash: HASH }],
  });
  ids.legacy = entryId(batchId, 0);
  for (const [who, id] of [
    [KEYS.farm, ids.farm],
    [KEYS.shop, ids.shop],
    [KEYS.farmShelfOnly, ids.shelf],
    [stack.apiKey, ids.legacy],
  ] as const) {
    await waitForProof(who, id);
  }
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("tenants", () => {
  it("answers another tenant's entry, proof and certificate as unknown (404, same words)", async () => {
    for (const path of ["", "/proof", "/certificate"]) {
      const own = await api(KEYS.farm, "GET", `/v1/entries/${ids.farm}${path}`);
      assert.equal(own.status, 200, `${path}: ${own.text}`);
      const other = await api(KEYS.shop, "GET", `/v1/entries/${ids.farm}${path}`);
      assert.equal(other.status, 404, `${path}: ${other.text}`);
      assert.equal(other.json().detail, `no entry ${ids.farm}`);
    }
  });

  it("finds by content hash only the reader's own entries", async () => {
    const lookup = async (who: string) =>
      ((await api(who, "GET", `/v1/proofs?contentHash=${HASH}`)).json().entries as { id: string }[])
        .map((entry) => entry.id)
        .sort();
    assert.deepEqual(await lookup(KEYS.farm), [ids.farm, ids.shelf].sort());
    assert.deepEqual(await lookup(KEYS.shop), [ids.shop]);
    assert.deepEqual(await lookup(KEYS.farmShelfOnly), [ids.shelf]);
    // Entries stored before tenants belong to the default tenant (the dev key's).
    assert.deepEqual(await lookup(stack.apiKey), [ids.legacy]);
  });

  it("keeps a key limited to some ledgers to them: 403 to write elsewhere, 404 to read", async () => {
    const write = await api(KEYS.farmShelfOnly, "POST", "/v1/entries", {
      entries: [{ kind: "document", contentHash: HASH }],
    });
    assert.equal(write.status, 403, write.text);
    assert.equal(write.json().detail, 'this API key may not use ledger "default"');
    assert.equal((await api(KEYS.farmShelfOnly, "GET", `/v1/entries/${ids.farm}`)).status, 404);
    assert.equal((await api(KEYS.farmShelfOnly, "GET", `/v1/entries/${ids.shelf}`)).status, 200);
    // The tenant's unlimited key reads the shelf entry too.
    assert.equal((await api(KEYS.farm, "GET", `/v1/entries/${ids.shelf}`)).status, 200);
  });

  it("keeps Idempotency-Keys apart per tenant, even for key ids both tenants chose", async () => {
    const post = (who: string, contentHash: string) =>
      api(
        who,
        "POST",
        "/v1/entries",
        { entries: [{ kind: "document", contentHash }] },
        { "idempotency-key": "order-1" },
      );
    const farm = await post(KEYS.farmClientA, randomBytes(32).toString("hex"));
    const shop = await post(KEYS.shopClientA, randomBytes(32).toString("hex"));
    assert.equal(farm.status, 202, farm.text);
    assert.equal(shop.status, 202, shop.text);
    assert.notEqual(farm.text, shop.text);
  });

  it("shares the log: both tenants' entries are leaves of the same public checkpoint", async () => {
    const farm = (await api(KEYS.farm, "GET", `/v1/entries/${ids.farm}/proof`)).json();
    const shop = (await api(KEYS.shop, "GET", `/v1/entries/${ids.shop}/proof`)).json();
    const origin = (bundle: Record<string, unknown>) =>
      (bundle.checkpoint as { origin: string }).origin;
    assert.equal(origin(farm), "stele.test/default");
    assert.equal(origin(shop), origin(farm));
    assert.notEqual(farm.leafIndex, shop.leafIndex);
  });
});
