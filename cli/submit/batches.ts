/**
 * Splitting entries into POST /v1/entries requests: at most 1000 entries and at most
 * MAX_BODY_BYTES of JSON each, in order, each with an Idempotency-Key derived from its body, so
 * that the same batch sent again (a retry, or a re-run) is answered with the same entry ids.
 */
import { createHash } from "node:crypto";

export const MAX_ENTRIES_PER_REQUEST = 1000;
/**
 * The API takes up to 6 MiB; 6,000,000 bytes stays under it (and under Lambda's 6 MB event,
 * which also holds the request's headers).
 */
export const MAX_BODY_BYTES = 6_000_000;

/** An entry as planned: its size on the wire is known before its content is read. */
export interface PlannedEntry {
  /** Bytes of this entry's JSON in the request body. */
  readonly jsonBytes: number;
}

/** Groups `entries` in order into batches that respect both limits. */
export function planBatches<T extends PlannedEntry>(entries: readonly T[], ledger: string): T[][] {
  const envelope = Buffer.byteLength(`{"ledger":${JSON.stringify(ledger)},"entries":[]}`);
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = envelope;
  for (const entry of entries) {
    const added = entry.jsonBytes + (current.length > 0 ? 1 : 0); // the comma
    if (
      current.length > 0 &&
      (current.length === MAX_ENTRIES_PER_REQUEST || bytes + added > MAX_BODY_BYTES)
    ) {
      batches.push(current);
      current = [];
      bytes = envelope;
    }
    bytes += current.length > 0 ? entry.jsonBytes + 1 : entry.jsonBytes;
    current.push(entry);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The request body for the wire forms of a batch's entries. */
export function batchBody(ledger: string, entryJson: readonly string[]): string {
  return `{"ledger":${JSON.stringify(ledger)},"entries":[${entryJson.join(",")}]}`;
}

/** The same body always gets the same key; the API scopes keys to the API key, for 24 h. */
export function idempotencyKeyOf(body: string): string {
  return `stele-cli-${createHash("sha256").update(body).digest("hex")}`;
}
