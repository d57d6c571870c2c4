/** Port: API keys, stored only as SHA-256 hashes. */

export type ApiScope = "read" | "write";

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
