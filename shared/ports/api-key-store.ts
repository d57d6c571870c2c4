/** Port: API keys, stored only as SHA-256 hashes. */

/**
 * What a key may do. read / write: the tenant's entries (in the key's ledgers). manage-webhooks:
 * set, read and delete the tenant's webhook (PUT/GET/DELETE /v1/webhook; keys of the whole tenant
 * only). read-content / erase-content: GET / DELETE /v1/entries/{id}/content, the retained
 * content of the tenant's entries (not implied by read: content is more than its hash).
 */
export type ApiScope = "read" | "write" | "manage-webhooks" | "read-content" | "erase-content";

export interface ApiKeyRecord {
  /** SHA-256 hex of the key; the key itself is never stored. */
  readonly keyHash: string;
  /** A short public handle for logs and idempotency scopes (never the key). */
  readonly keyId: string;
  readonly scopes: readonly ApiScope[];
  readonly label: string;
  /** The tenant whose entries the key writes and reads; absent: the default tenant. */
  readonly tenant?: string;
  /** The only ledgers the key may write to and read from; absent: every ledger. */
  readonly ledgers?: readonly string[];
}

export interface ApiKeyStore {
  putApiKey(record: ApiKeyRecord): Promise<void>;
  getApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
}
