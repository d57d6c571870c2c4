// Webhooks end to end on the local stack with its embedded chain (hardhat): a tenant sets its
// webhook over HTTP, submits entries, and its real receiver gets entry.sequenced, entry.anchored
// and entry.final, signed with the secret it was given, about its own entries only; another
// tenant's receiver never sees them. A reorg (evm_snapshot / evm_revert) of an anchor that was
// announced brings anchor.reorged, then entry.anchored again for the re-anchoring.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { JsonRpcProvider } from "ethers";
import { type LocalStack, startLocalStack } from "../../local/stack.ts";
import { loadConfig } from "../../shared/config.ts";
import { sha256Hex } from "../../shared/http/auth.ts";
import type { ApiKeyRecord, ApiScope } from "../../shared/ports/api-key-store.ts";
import { createStore } from "../../shared/wiring.ts";
import { freePort } from "../support/chain/hardhat-node.ts";
import { type Receiver, startReceiver } from "../support/webhooks/receiver.ts";
import { verifySteleSignature } from "../support/webhooks/verify-snippet.ts";

const KEYS = {
  farm: `stele_farm_${randomBytes(16).toString("hex")}`,
  shop: `stele_shop_${randomBytes(16).toString("hex")}`,
  tools: `stele_tools_${randomBytes(16).toString("hex")}`,
  writeOnly: `stele_wo_${randomBytes(16).toString("hex")}`,
  /** Of the tenant tools, with every scope, but kept to the ledger "shelf". */
  toolsShelf: `stele_shelf_${randomBytes(16).toString("hex")}`,
};

interface Event {
  id: string;
  type: string;
  createdAt: string;
  data: {
    ledger: string;
    treeSize?: number;
    entries?: { id: string; leafIndex: number; contentHash: string; clientRef?: string }[];
    anchor?: {
      chainId: number;
      treeSize: number;
      attempt: number;
      txHash: string;
      blockHash: string;
    };
  };
}

let dataDir: string;
let stack: LocalStack;
const hooks: Record<"farm" | "shop", { receiver: Receiver; secret: string }> = {} as never;

async function api(key: string | undefined, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    headers: response.headers,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

function key(name: string, tenant: string, scopes: ApiScope[]): ApiKeyRecord {
  return {
    keyHash: sha256Hex(name),
    keyId: name.slice(0, 12),
    scopes,
    label: "webhooks test",
    tenant,
  };
}

async function submit(who: string, count: number): Promise<string[]> {
  const answer = await api(who, "POST", "/v1/entries", {
    entries: Array.from({ length: count }, (_, i) => ({
      kind: "document",
      contentHash: randomBytes(32).toString("hex"),
      clientRef: `c${i}`,
    })),
  });
  assert.equal(answer.status, 202, answer.text);
  return (answer.json().entries as { id: string }[]).map((entry) => entry.id);
}

/** The events a receiver answered 2xx, parsed. */
function delivered(receiver: Receiver): Event[] {
  return receiver.requests
    .filter((request) => request.answer === 200)
    .map((request) => JSON.parse(request.body) as Event);
}

function eventsAbout(receiver: Receiver, type: string, entryId: string): Event[] {
  return delivered(receiver).filter(
    (event) => event.type === type && event.data.entries?.some((entry) => entry.id === entryId),
  );
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-webhooks-"));
  stack = await startLocalStack({
    dataDir,
    port: 0,
    integrateIntervalMs: 200,
    originPrefix: "stele.test",
    log: () => {},
    page: false,
    chain: { rpcPort: await freePort(), anchorIntervalMs: 300, confirmations: 2 },
  });
  const store = createStore(loadConfig(process.env));
  const all: ApiScope[] = ["read", "write", "manage-webhooks"];
  await store.putApiKey(key(KEYS.farm, "farm", all));
  await store.putApiKey(key(KEYS.shop, "shop", all));
  await store.putApiKey(key(KEYS.tools, "tools", all));
  await store.putApiKey(key(KEYS.writeOnly, "farm", ["read", "write"]));
  await store.putApiKey({ ...key(KEYS.toolsShelf, "tools", all), ledgers: ["shelf"] });
  for (const tenant of ["farm", "shop"] as const) {
    const receiver = await startReceiver(`/${tenant}/events`);
    const answer = await api(KEYS[tenant], "PUT", "/v1/webhook", { url: receiver.url });
    assert.equal(answer.status, 201, answer.text);
    hooks[tenant] = { receiver, secret: String(answer.json().secret) };
  }
});

after(async () => {
  await stack?.stop();
  for (const hook of Object.values(hooks)) await hook.receiver.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("webhook registration (PUT, GET, DELETE /v1/webhook)", () => {
  it("sets a URL with a new secret each time, shows the URL without it, and removes it", async () => {
    const first = await api(KEYS.tools, "PUT", "/v1/webhook", { url: "https://example.com/a" });
    assert.equal(first.status, 201, first.text);
    // The answer holds the secret: no cache (browser, proxy) may keep it.
    assert.equal(first.headers.get("cache-control"), "no-store");
    const created = first.json();
    assert.equal(created.url, "https://example.com/a");
    assert.match(String(created.secret), /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.ok(!Number.isNaN(Date.parse(String(created.createdAt))));

    const shown = await api(KEYS.tools, "GET", "/v1/webhook");
    assert.equal(shown.status, 200);
    assert.equal(shown.headers.get("cache-control"), "no-store");
    assert.deepEqual(shown.json(), { url: "https://example.com/a", createdAt: created.createdAt });

    const again = await api(KEYS.tools, "PUT", "/v1/webhook", { url: "https://example.com/b" });
    assert.equal(again.status, 200, "replaced");
    assert.equal(again.headers.get("cache-control"), "no-store");
    assert.notEqual(again.json().secret, created.secret, "a new secret");
    assert.equal((await api(KEYS.tools, "GET", "/v1/webhook")).json().url, "https://example.com/b");

    const removed = await api(KEYS.tools, "DELETE", "/v1/webhook");
    assert.equal(removed.status, 204);
    assert.equal(removed.text, "");
    const gone = await api(KEYS.tools, "GET", "/v1/webhook");
    assert.equal(gone.status, 404);
    assert.equal(gone.type, "application/problem+json");
    assert.equal((await api(KEYS.tools, "DELETE", "/v1/webhook")).status, 204, "idempotent");
  });

  it("refuses bad URLs and bodies with 400/415 naming the field, and keys without the scope", async () => {
    for (const url of [
      "ftp://example.com/x",
      "http://example.com/hook",
      "https://user:pass@example.com/x",
      "https://example.com/x#frag",
      "not a url",
      `https://example.com/${"a".repeat(2050)}`,
    ]) {
      const answer = await api(KEYS.tools, "PUT", "/v1/webhook", { url });
      assert.equal(answer.status, 400, `${url}: ${answer.text}`);
      assert.equal(answer.type, "application/problem+json");
      assert.equal((answer.json().errors as { path: string }[])[0]?.path, "url", answer.text);
    }
    for (const body of [{}, { url: 42 }, { url: "https://example.com", extra: 1 }, "[1]", "{"]) {
      const answer = await api(KEYS.tools, "PUT", "/v1/webhook", body);
      assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${answer.text}`);
    }
    const plain = await fetch(`${stack.url}/v1/webhook`, {
      method: "PUT",
      headers: { authorization: `Bearer ${KEYS.tools}`, "content-type": "text/plain" },
      body: "https://example.com",
    });
    assert.equal(plain.status, 415);
    assert.equal((await api(undefined, "GET", "/v1/webhook")).status, 401);
    const noScope = await api(KEYS.writeOnly, "PUT", "/v1/webhook", { url: "https://example.com" });
    assert.equal(noScope.status, 403);
    assert.match(String(noScope.json().detail), /manage-webhooks/);
    assert.equal((await api(KEYS.tools, "PATCH", "/v1/webhook")).status, 405);
  });

  it("refuses a key kept to some ledgers on all three routes: the webhook reports every ledger", async () => {
    const set = await api(KEYS.tools, "PUT", "/v1/webhook", { url: "https://example.com/tools" });
    assert.equal(set.status, 201, set.text);
    for (const [method, body] of [
      ["PUT", { url: "https://attacker.example/steal" }],
      ["GET", undefined],
      ["DELETE", undefined],
    ] as const) {
      const answer = await api(KEYS.toolsShelf, method, "/v1/webhook", body);
      assert.equal(answer.status, 403, `${method}: ${answer.text}`);
      assert.equal(answer.type, "application/problem+json");
      assert.equal(
        answer.json().detail,
        "this API key is kept to some ledgers; a tenant's webhook reports every ledger: " +
          "use a key of the whole tenant",
      );
    }
    // Neither replaced nor removed.
    const kept = await api(KEYS.tools, "GET", "/v1/webhook");
    assert.equal(kept.json().url, "https://example.com/tools", kept.text);
    assert.equal(kept.json().createdAt, set.json().createdAt);
    assert.equal((await api(KEYS.tools, "DELETE", "/v1/webhook")).status, 204);
  });
});

describe("webhook events on the local stack", () => {
  it("tells each tenant, signed, of its own entries: sequenced, anchored, final", async () => {
    const farmIds = await submit(KEYS.farm, 3);
    const shopIds = await submit(KEYS.shop, 2);
    const farm = hooks.farm.receiver;
    const shop = hooks.shop.receiver;
    const [farmFirst] = farmIds;
    const [shopFirst] = shopIds;
    assert.ok(farmFirst !== undefined && shopFirst !== undefined);
    await farm.waitFor(() => eventsAbout(farm, "entry.final", farmFirst).length > 0, 90_000);
    await shop.waitFor(() => eventsAbout(shop, "entry.final", shopFirst).length > 0, 90_000);

    for (const type of ["entry.sequenced", "entry.anchored", "entry.final"]) {
      const [event, ...more] = eventsAbout(farm, type, farmFirst);
      assert.ok(event !== undefined, type);
      assert.deepEqual(more, [], `${type}: one event per batch`);
      assert.deepEqual(
        event.data.entries?.map((entry) => entry.id),
        farmIds,
        `${type}: the batch's entries, in order`,
      );
    }
    const sequenced = eventsAbout(farm, "entry.sequenced", farmFirst)[0];
    for (const entry of sequenced?.data.entries ?? []) {
      const view = await api(KEYS.farm, "GET", `/v1/entries/${entry.id}`);
      assert.equal(view.json().leafIndex, entry.leafIndex);
      assert.equal(view.json().contentHash, entry.contentHash);
    }
    const anchored = eventsAbout(farm, "entry.anchored", farmFirst)[0];
    assert.equal(anchored?.data.anchor?.chainId, stack.chain?.chainId);
    assert.match(String(anchored?.data.anchor?.txHash), /^0x[0-9a-f]{64}$/);
    const receipt = await new JsonRpcProvider(stack.chain?.url).getTransactionReceipt(
      String(anchored?.data.anchor?.txHash),
    );
    assert.equal(receipt?.blockHash, anchored?.data.anchor?.blockHash);

    // Only its own entries, every request signed with its own secret, each event 2xx'd once.
    for (const [tenant, ids, others] of [
      ["farm", farmIds, shopIds],
      ["shop", shopIds, farmIds],
    ] as const) {
      const { receiver, secret } = hooks[tenant];
      const seen = delivered(receiver)
        .flatMap((event) => event.data.entries ?? [])
        .map((e) => e.id);
      assert.ok(
        ids.every((id) => seen.includes(id)),
        `${tenant} sees its entries`,
      );
      assert.ok(
        others.every((id) => !seen.includes(id)),
        `${tenant} never sees the other's`,
      );
      for (const request of receiver.requests) {
        assert.equal(request.path, `/${tenant}/events`);
        const signature = String(request.headers["stele-signature"]);
        assert.equal(verifySteleSignature(secret, signature, request.body), true, signature);
        assert.equal(request.headers["stele-event-id"], (JSON.parse(request.body) as Event).id);
      }
      const ids2xx = delivered(receiver).map((event) => event.id);
      assert.equal(new Set(ids2xx).size, ids2xx.length, `${tenant}: no event delivered twice`);
    }
  });

  it("announces a reorg of an announced anchor, then the re-anchoring", async () => {
    const farm = hooks.farm.receiver;
    const provider = new JsonRpcProvider(stack.chain?.url);
    const snapshot: string = await provider.send("evm_snapshot", []);
    const [id] = await submit(KEYS.farm, 1);
    assert.ok(id !== undefined);
    await farm.waitFor(() => eventsAbout(farm, "entry.anchored", id).length > 0, 60_000);
    const first = eventsAbout(farm, "entry.anchored", id)[0]?.data.anchor;
    assert.ok(first !== undefined);
    assert.equal(await provider.send("evm_revert", [snapshot]), true);

    const reorgOf = () =>
      delivered(farm).filter(
        (event) =>
          event.type === "anchor.reorged" &&
          event.data.anchor?.treeSize === first.treeSize &&
          event.data.anchor.attempt === first.attempt &&
          event.data.anchor.txHash === first.txHash,
      );
    await farm.waitFor(() => reorgOf().length > 0, 60_000);
    assert.equal(
      reorgOf()[0]?.id,
      `anchor.reorged:default:${first.chainId}:${first.treeSize}:${first.attempt}`,
    );
    // Anchored again (another attempt, or a later checkpoint that covers the entry).
    await farm.waitFor(
      () =>
        eventsAbout(farm, "entry.anchored", id).some(
          (event) => event.data.anchor?.blockHash !== first.blockHash,
        ),
      60_000,
    );
    const again = eventsAbout(farm, "entry.anchored", id).find(
      (event) => event.data.anchor?.blockHash !== first.blockHash,
    );
    const receipt = await provider.getTransactionReceipt(String(again?.data.anchor?.txHash));
    assert.equal(receipt?.blockHash, again?.data.anchor?.blockHash, "the new anchor is on chain");
    provider.destroy();
  });
});
