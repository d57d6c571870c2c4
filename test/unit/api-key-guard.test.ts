// ApiKeyGuard (shared/http/auth.ts) over an in-memory key store (the store is a port) and a clock
// the test moves: answers are cached briefly, and a flood of invented keys, each a cached miss,
// never grows the cache past its bound of 10,000 answers: at the bound it starts again, which
// shows as a store lookup for a key that was cached before the flood.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { ApiKeyGuard, sha256Hex } from "../../shared/http/auth.ts";
import { HttpError } from "../../shared/http/http-error.ts";
import type { ApiKeyRecord, ApiKeyStore } from "../../shared/ports/api-key-store.ts";

/** shared/http/auth.ts: CACHE_ENTRIES and CACHE_MS. */
const CACHE_ENTRIES = 10_000;
const CACHE_MS = 30_000;

const SAMPLE = JSON.parse(
  readFileSync(new URL("../../events/http/get-entry.json", import.meta.url), "utf8"),
) as APIGatewayProxyEventV2;

/** The sample event sent with `key`. */
function withKey(key: string): APIGatewayProxyEventV2 {
  const event = structuredClone(SAMPLE);
  event.headers.authorization = `Bearer ${key}`;
  return event;
}

/** Keys in a Map; counts the lookups that reach it. */
class MemoryKeyStore implements ApiKeyStore {
  readonly #keys = new Map<string, ApiKeyRecord>();
  readonly lookups = new Map<string, number>();

  async putApiKey(record: ApiKeyRecord): Promise<void> {
    this.#keys.set(record.keyHash, record);
  }

  revoke(keyHash: string): void {
    this.#keys.delete(keyHash);
  }

  async getApiKey(keyHash: string): Promise<ApiKeyRecord | undefined> {
    this.lookups.set(keyHash, (this.lookups.get(keyHash) ?? 0) + 1);
    return this.#keys.get(keyHash);
  }
}

const KEY = "stele_known_key";

async function setUp() {
  const store = new MemoryKeyStore();
  await store.putApiKey({ keyHash: sha256Hex(KEY), keyId: "known", scopes: ["read"], label: "" });
  let now = 1_000_000;
  const guard = new ApiKeyGuard(store, () => now);
  return {
    store,
    guard,
    advance: (ms: number) => {
      now += ms;
    },
    lookupsOfKey: () => store.lookups.get(sha256Hex(KEY)) ?? 0,
  };
}

async function unknown(guard: ApiKeyGuard, key: string): Promise<void> {
  await assert.rejects(
    guard.require(withKey(key), "read"),
    (error) => error instanceof HttpError && error.status === 401,
  );
}

describe("ApiKeyGuard", () => {
  it("caches answers, known and unknown, for 30 s; a revoked key then stops working", async () => {
    const { store, guard, advance, lookupsOfKey } = await setUp();
    assert.equal((await guard.require(withKey(KEY), "read")).keyId, "known");
    await guard.require(withKey(KEY), "read");
    await unknown(guard, "stele_invented");
    await unknown(guard, "stele_invented");
    assert.equal(lookupsOfKey(), 1);
    assert.equal(store.lookups.get(sha256Hex("stele_invented")), 1, "a miss is cached too");
    store.revoke(sha256Hex(KEY));
    advance(CACHE_MS - 1);
    await guard.require(withKey(KEY), "read");
    assert.equal(lookupsOfKey(), 1, "the cached answer, for up to 30 s");
    advance(1);
    await unknown(guard, KEY);
    assert.equal(lookupsOfKey(), 2);
  });

  it("keeps at most 10,000 answers, however many keys are invented", async () => {
    const { guard, lookupsOfKey } = await setUp();
    await guard.require(withKey(KEY), "read");
    // The known key's answer and 9,999 misses: the cache is full, and still holds the key.
    for (let i = 1; i < CACHE_ENTRIES; i++) await unknown(guard, `stele_invented_${i}`);
    await guard.require(withKey(KEY), "read");
    assert.equal(lookupsOfKey(), 1, "still cached at the bound");
    // One more miss does not make 10,001 answers: the cache starts again, the key is gone.
    await unknown(guard, "stele_one_too_many");
    await guard.require(withKey(KEY), "read");
    assert.equal(lookupsOfKey(), 2, "asked again: the cache was emptied at the bound");
    // And so on for any number of invented keys: the known key is looked up once per 10,000.
    for (let i = 0; i < 2 * CACHE_ENTRIES; i++) await unknown(guard, `stele_flood_${i}`);
    await guard.require(withKey(KEY), "read");
    assert.equal(lookupsOfKey(), 3);
  });
});
