/**
 * Use case: accept entries. One batch per request, written before the answer, so an
 * acknowledged entry is durable; an Idempotency-Key makes a retry return the first answer.
 */
import { fromBase64, toHex } from "../domain/bytes.ts";
import { ConflictError } from "../domain/errors.ts";
import type { Batch, BatchEntry, EntryKind } from "../domain/ledger/batch.ts";
import { entryId, newBatchId } from "../domain/ledger/entry-id.ts";
import { documentContentHash, transactionContentHash } from "../domain/proof/content-hash.ts";
import type { Clock } from "../ports/clock.ts";
import type { EntryStore } from "../ports/entry-store.ts";
import type { RandomSource } from "../ports/random-source.ts";
import type { EntriesRequest, EntryRequest } from "../schemas/entries-request.ts";
import {
  assertRetainable,
  type ContentRetention,
  keepRetainedContent,
} from "./retained-content.ts";

export interface AcceptDeps {
  readonly entries: EntryStore;
  readonly clock: Clock;
  readonly random: RandomSource;
  /** Where `"retain": true` content goes; absent: such entries are refused (400). */
  readonly contents?: ContentRetention;
}

export interface AcceptOptions {
  /** The tenant submitting (of the API key, or of the queue). */
  readonly tenant: string;
  /** Idempotency-Key of the request, with the scope it is unique in (the caller). */
  readonly idempotency?: {
    readonly scope: string;
    readonly key: string;
    readonly requestHash: string;
  };
}

/** One accepted entry as POST /v1/entries answers it. */
export interface AcceptedEntry {
  readonly id: string;
  readonly ledger: string;
  readonly kind: EntryKind;
  readonly contentHash: string;
  readonly receivedAt: string;
  readonly status: "pending";
  readonly clientRef?: string;
  readonly subject?: string;
  readonly eventType?: string;
  readonly retained?: true;
}

/** What a document or payload commits to; content is hashed here and kept only with retain. */
function toBatchEntry(entry: EntryRequest): BatchEntry {
  const labels = {
    ...(entry.clientRef === undefined ? {} : { clientRef: entry.clientRef }),
    ...(entry.subject === undefined ? {} : { subject: entry.subject }),
    ...(entry.eventType === undefined ? {} : { eventType: entry.eventType }),
    ...(entry.retain === true ? { retained: true as const } : {}),
  };
  if (entry.kind === "transaction") {
    return {
      kind: "transaction",
      contentHash: toHex(transactionContentHash(entry.payload)),
      ...labels,
    };
  }
  const contentHash =
    entry.contentHash ?? toHex(documentContentHash(fromBase64(entry.content ?? "")));
  return { kind: "document", contentHash, ...labels };
}

/** The answer for a stored batch: its entries in request order. */
export function acceptedEntries(batch: Batch): AcceptedEntry[] {
  return batch.entries.map((entry, position) => ({
    id: entryId(batch.batchId, position),
    ledger: batch.ledger,
    kind: entry.kind,
    contentHash: entry.contentHash,
    receivedAt: batch.receivedAt,
    status: "pending",
    ...(entry.clientRef === undefined ? {} : { clientRef: entry.clientRef }),
    ...(entry.subject === undefined ? {} : { subject: entry.subject }),
    ...(entry.eventType === undefined ? {} : { eventType: entry.eventType }),
    ...(entry.retained === true ? { retained: true as const } : {}),
  }));
}

export async function acceptEntries(
  deps: AcceptDeps,
  request: EntriesRequest,
  options: AcceptOptions,
): Promise<AcceptedEntry[]> {
  const nowMs = deps.clock.nowMs();
  const batch: Batch = {
    batchId: newBatchId(nowMs, deps.random.bytes(10)),
    ledger: request.ledger,
    tenant: options.tenant,
    receivedAt: new Date(nowMs).toISOString(),
    entries: request.entries.map(toBatchEntry),
  };
  const { idempotency } = options;
  assertRetainable(deps.contents, request);
  if (idempotency === undefined) {
    // Retained content first: an acknowledged entry always has its content stored.
    await keepRetainedContent(deps.contents, batch, request, "new");
    await deps.entries.putBatch(batch);
    return acceptedEntries(batch);
  }
  const first = await deps.entries.claimIdempotencyKey({ ...idempotency, batch });
  if (first.requestHash !== idempotency.requestHash) {
    throw new ConflictError(
      "this Idempotency-Key was used with another request body: use a new key for a new request",
      { idempotencyKey: idempotency.key },
    );
  }
  // Whether this is the first attempt or a retry (whose first attempt may have died before
  // storing the batch), restoreBatch never overwrites a batch a concurrent attempt stored and
  // integrate may already have sequenced. Contents go under the first batch's ids, never over
  // one kept or erased since.
  await keepRetainedContent(deps.contents, first.batch, request, "restore");
  await deps.entries.restoreBatch(first.batch);
  return acceptedEntries(first.batch);
}
