/** Port: accepted batches, their idempotency keys, and the content-hash index. */
import type { Batch, SequencedBatch } from "../domain/ledger/batch.ts";

/** The first request made with an Idempotency-Key, kept so a retry gets the same answer. */
export interface IdempotencyRecord {
  /** Who may reuse the key (the API key's id, or the SQS queue): keys are per caller. */
  readonly scope: string;
  readonly key: string;
  /** SHA-256 hex of the request body: the same key with another body is a conflict (409). */
  readonly requestHash: string;
  readonly batch: Batch;
}

export interface ContentIndexEntry {
  readonly contentHash: string;
  readonly ledger: string;
  readonly entryId: string;
  readonly leafIndex: number;
}

export interface EntryStore {
  /**
   * Stores a batch with a new id and marks it pending for its ledger, in one BatchWriteItem
   * (unprocessed items retried). Resolves only once both are durable.
   */
  putBatch(batch: Batch): Promise<void>;
  /**
   * For a retried request: creates the batch only if it is absent (a stored batch, sequenced
   * or not, is never overwritten) and marks it pending again unless it is already sequenced.
   */
  restoreBatch(batch: Batch): Promise<void>;
  /**
   * Stores a batch that integrate itself writes (a subject link batch), whose leaves its plan
   * already decides: not marked pending. Idempotent: a rerun of the plan stores the same batch.
   */
  storeBatch(batch: Batch): Promise<void>;
  /** Stores `record` unless its (scope, key) is taken; returns whichever record holds the key. */
  claimIdempotencyKey(record: IdempotencyRecord): Promise<IdempotencyRecord>;
  /** The batch, with firstLeafIndex once sequenced (strongly consistent read). */
  getBatch(batchId: string): Promise<Batch | SequencedBatch | undefined>;
  /**
   * Batches of `ledger` not yet sequenced, smallest batchId first, at most `maxBatches`
   * (consistent reads). A pending mark whose batch is already sequenced (left by a race with
   * restoreBatch) is skipped and removed, so no batch is ever returned twice.
   */
  listPending(ledger: string, maxBatches: number): Promise<Batch[]>;
  /** Records the leaves of a batch and takes it off the pending list. Idempotent. */
  markSequenced(batch: Batch, firstLeafIndex: number): Promise<void>;
  /** Indexes sequenced entries by content hash. Idempotent. */
  putContentIndex(entries: readonly ContentIndexEntry[]): Promise<void>;
  /** Records that `ledger` exists (idempotent), so integrate and GET /v1/log can list it. */
  registerLedger(ledger: string): Promise<void>;
  /** Every ledger ever registered, by name. */
  listLedgers(): Promise<string[]>;
  /** Sequenced entries with `contentHash`, in one ledger or all, oldest first. */
  findByContentHash(contentHash: string, ledger?: string): Promise<ContentIndexEntry[]>;
}
