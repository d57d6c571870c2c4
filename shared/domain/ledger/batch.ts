/**
 * What the accept path stores: one batch per accepted request (or SQS message), holding its
 * entries in request order. Writing one item per request, not per entry, is what lets a table
 * that writes a few thousand items a second accept tens of thousands of entries a second.
 */

export type EntryKind = "document" | "transaction";

/** Where an entry stands, as GET /v1/entries/{id} reports it. */
export type EntryStatus = "pending" | "sequenced" | "anchored" | "final";

export interface BatchEntry {
  readonly kind: EntryKind;
  /** SHA-256 of the document bytes or of the payload's canonical JSON: 64 lowercase hex. */
  readonly contentHash: string;
  readonly clientRef?: string;
  /** The subject the entry is an event of (per tenant), and what kind of event. */
  readonly subject?: string;
  readonly eventType?: string;
  /** On a subject link that Stele wrote: the id of the event entry it links. */
  readonly linkFor?: string;
  /** Sent with `"retain": true`: its content is kept, sealed (see shared/app/retained-content.ts). */
  readonly retained?: true;
}

export interface Batch {
  /** A ULID whose last two characters are "00"; entry i's id replaces them with i in base 32. */
  readonly batchId: string;
  readonly ledger: string;
  /** The tenant that submitted it; absent in batches stored before tenants (the default one). */
  readonly tenant?: string;
  /** When the service accepted the request: RFC 3339 UTC with milliseconds. */
  readonly receivedAt: string;
  readonly entries: readonly BatchEntry[];
}

/** A batch once integrated: entry i is leaf firstLeafIndex + i. */
export interface SequencedBatch extends Batch {
  readonly firstLeafIndex: number;
}
