/** API key checks for the routes that need them: 401 without a known key, 403 without the scope. */
import { createHash } from "node:crypto";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { Reader } from "../app/read-entries.ts";
import { DEFAULT_TENANT, tenantOf } from "../domain/ledger/tenant.ts";
import type { ApiKeyRecord, ApiKeyStore, ApiScope } from "../ports/api-key-store.ts";
import { HttpError } from "./http-error.ts";
import { header } from "./request.ts";

const CHALLENGE = { "www-authenticate": 'Bearer realm="stele"' };
/** Keys are looked up at most this often per process: a revoked key stops working within it. */
const CACHE_MS = 30_000;
/** Answers kept at most: invented keys (each a miss, cached) must not grow a warm function's memory. */
const CACHE_ENTRIES = 10_000;

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Checks bearer keys against the store, caching answers (known and unknown) briefly. */
export class ApiKeyGuard {
  readonly #store: ApiKeyStore;
  readonly #nowMs: () => number;
  readonly #cache = new Map<string, { record: ApiKeyRecord | undefined; atMs: number }>();

  constructor(store: ApiKeyStore, nowMs: () => number) {
    this.#store = store;
    this.#nowMs = nowMs;
  }

  async #lookup(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const cached = this.#cache.get(keyHash);
    if (cached !== undefined && this.#nowMs() - cached.atMs < CACHE_MS) return cached.record;
    const record = await this.#store.getApiKey(keyHash);
    if (this.#cache.size >= CACHE_ENTRIES) this.#cache.clear();
    this.#cache.set(keyHash, { record, atMs: this.#nowMs() });
    return record;
  }

  /** The caller's key record, or a 401/403 HttpError. */
  async require(event: APIGatewayProxyEventV2, scope: ApiScope): Promise<ApiKeyRecord> {
    const authorization = header(event, "authorization");
    const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1] === undefined) {
      throw new HttpError(401, "send an API key: Authorization: Bearer <api key>", {
        headers: CHALLENGE,
      });
    }
    const record = await this.#lookup(sha256Hex(match[1]));
    if (record === undefined)
      throw new HttpError(401, "the API key is not known", { headers: CHALLENGE });
    if (!record.scopes.includes(scope)) {
      throw new HttpError(403, `this API key lacks the "${scope}" scope`);
    }
    return record;
  }
}

/** What a key may read: its tenant's entries, in its ledgers. */
export function readerOf(record: ApiKeyRecord): Reader {
  return {
    tenant: tenantOf(record),
    ...(record.ledgers === undefined ? {} : { ledgers: record.ledgers }),
  };
}

/** A 403 unless the key may use `ledger` (keys limited to some ledgers name them). */
export function requireLedger(record: ApiKeyRecord, ledger: string): void {
  if (record.ledgers !== undefined && !record.ledgers.includes(ledger)) {
    throw new HttpError(403, `this API key may not use ledger ${JSON.stringify(ledger)}`);
  }
}

/**
 * Where a key's Idempotency-Keys are unique: its key id within its tenant (operators choose key
 * ids per tenant, so two tenants may both have a "client-a"). The default tenant's scope is the
 * bare key id, as it was before tenants, so retries across an upgrade still find their records.
 */
export function idempotencyScope(record: ApiKeyRecord): string {
  const tenant = tenantOf(record);
  return tenant === DEFAULT_TENANT ? record.keyId : `${tenant}/${record.keyId}`;
}
