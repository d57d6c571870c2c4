/**
 * Use cases of encrypted retention: keeping the content of entries sent with `"retain": true`
 * (sealed, stored before the batch is acknowledged), reading it back, and erasing it. What is
 * kept is exactly what contentHash hashes — the document's bytes, or the payload's RFC 8785
 * canonical JSON — so a reader can check it against the proof; erasing it leaves every proof valid.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { fromBase64, toHex, utf8 } from "../domain/bytes.ts";
import { InvalidArgumentError, NotFoundError } from "../domain/errors.ts";
import type { Batch, EntryKind } from "../domain/ledger/batch.ts";
import { entryId } from "../domain/ledger/entry-id.ts";
import { canonicalJson } from "../domain/proof/content-hash.ts";
import type { Clock } from "../ports/clock.ts";
import type { ContentCipher } from "../ports/content-cipher.ts";
import type { ContentStore, RetainedContent } from "../ports/content-store.ts";
import type { EntryStore } from "../ports/entry-store.ts";
import type { EntriesRequest, EntryRequest } from "../schemas/entries-request.ts";
import { getEntry, type Reader } from "./read-entries.ts";

/** A content cipher and where sealed contents go: absent where retention is off. */
export interface ContentRetention {
  readonly cipher: ContentCipher;
  readonly store: ContentStore;
}

/** The additional authenticated data of an entry's content: the UTF-8 bytes of its id. */
export function contentAad(id: string): Uint8Array {
  return utf8(id);
}

/** The bytes kept of a retained entry (what its contentHash hashes); undefined if not retained. */
export function retainedBytes(entry: EntryRequest): Uint8Array | undefined {
  if (entry.retain !== true) return undefined;
  if (entry.kind === "transaction") return utf8(canonicalJson(entry.payload));
  // The schema allows retain on a document only with its content.
  if (entry.content === undefined) throw new Error("a retained document without content");
  return fromBase64(entry.content);
}

/** A 400 naming every `retain: true` when this deployment keeps no content. */
export function assertRetainable(
  retention: ContentRetention | undefined,
  request: EntriesRequest,
): void {
  if (retention !== undefined) return;
  const errors = request.entries.flatMap((entry, position) =>
    entry.retain === true
      ? [
          {
            path: `entries.${position}.retain`,
            message: "this service keeps no content (no content key is configured): leave it out",
          },
        ]
      : [],
  );
  if (errors.length > 0) {
    throw new InvalidArgumentError("this service does not retain content: see errors", { errors });
  }
}

/**
 * Seals and stores the retained contents of `batch` (entry i of `request` is entry i of the
 * batch). Call it before the batch is stored, so nothing acknowledged lacks its content:
 * `new` for a batch with new ids, `restore` for the first batch of a retried request, whose
 * contents may be stored already, or erased since (then they stay erased).
 */
export async function keepRetainedContent(
  retention: ContentRetention | undefined,
  batch: Batch,
  request: EntriesRequest,
  mode: "new" | "restore",
): Promise<void> {
  assertRetainable(retention, request);
  if (retention === undefined) return;
  const contents: RetainedContent[] = [];
  for (const [position, entry] of request.entries.entries()) {
    const bytes = retainedBytes(entry);
    if (bytes === undefined) continue;
    const stored = batch.entries[position];
    // The same body as the batch's request (the Idempotency-Key's hash says so), checked anyway:
    // kept content is always the content the proof commits to.
    if (stored?.retained !== true || stored.contentHash !== toHex(sha256(bytes))) {
      throw new Error(`entry ${position} of batch ${batch.batchId} is not the retained one sent`);
    }
    const id = entryId(batch.batchId, position);
    contents.push({ entryId: id, sealed: await retention.cipher.encrypt(bytes, contentAad(id)) });
  }
  if (contents.length === 0) return;
  if (mode === "new") await retention.store.putNewContents(contents);
  else await retention.store.restoreContents(contents);
}

export interface ContentDeps {
  readonly entries: EntryStore;
  readonly contents: ContentStore;
  /** Absent where no content key is configured: kept content then cannot be read. */
  readonly cipher?: ContentCipher;
}

export type ContentRead =
  | {
      readonly state: "kept";
      readonly kind: EntryKind;
      /** The document's bytes, or the payload's canonical JSON as UTF-8. */
      readonly bytes: Uint8Array;
    }
  | { readonly state: "erased"; readonly erasedAt: string };

/** The reader's entry, if it was retained: a 404 as for any entry read, or one saying it was not. */
async function retainedEntry(deps: Pick<ContentDeps, "entries">, id: string, reader: Reader) {
  const entry = await getEntry({ entries: deps.entries }, id, reader);
  if (entry.retained !== true) {
    throw new NotFoundError(
      `entry ${id} was not retained: only entries sent with "retain": true keep their content`,
      { id },
    );
  }
  return entry;
}

/** GET /v1/entries/{id}/content: the kept bytes, checked against the entry's contentHash. */
export async function readContent(
  deps: ContentDeps,
  id: string,
  reader: Reader,
): Promise<ContentRead> {
  const entry = await retainedEntry(deps, id, reader);
  const stored = await deps.contents.getContent(id);
  // Contents are stored before their batch: a retained entry without one is a fault.
  if (stored === undefined) throw new Error(`retained entry ${id} has no stored content`);
  if (stored.state === "erased") return stored;
  if (deps.cipher === undefined) {
    throw new Error("this function has no content key: set STELE_CONTENT_CIPHER (kms or dev)");
  }
  const bytes = await deps.cipher.decrypt(stored.sealed, contentAad(id));
  if (toHex(sha256(bytes)) !== entry.contentHash) {
    throw new Error(`the content kept for entry ${id} does not hash to its contentHash`);
  }
  return { state: "kept", kind: entry.kind, bytes };
}

/** DELETE /v1/entries/{id}/content: erases the kept content (idempotent); returns when. */
export async function eraseContent(
  deps: Pick<ContentDeps, "entries" | "contents"> & { readonly clock: Clock },
  id: string,
  reader: Reader,
): Promise<string> {
  await retainedEntry(deps, id, reader);
  return deps.contents.eraseContent(id, new Date(deps.clock.nowMs()).toISOString());
}
