/** Use cases that read entries: status by id, proof bundle, and lookup by content hash. */
import { fromHex, toHex } from "../domain/bytes.ts";
import { InvalidArgumentError, NotFoundError, NotYetError } from "../domain/errors.ts";
import type { Batch, EntryKind, EntryStatus, SequencedBatch } from "../domain/ledger/batch.ts";
import { entryId, parseEntryId } from "../domain/ledger/entry-id.ts";
import { tenantOf } from "../domain/ledger/tenant.ts";
import { buildInclusionProof } from "../domain/merkle/build-proof.ts";
import { hashLeaf } from "../domain/merkle/hasher.ts";
import { BUNDLE_FORMAT, type ProofBundle } from "../domain/proof/bundle-schema.ts";
import type { EntryStore } from "../ports/entry-store.ts";
import type { LogStore, StoredCheckpoint } from "../ports/log-store.ts";
import { type AnchorReads, anchoredView } from "./anchored-view.ts";

/** How long a client should wait before asking again for a proof that is not ready. */
export const PROOF_RETRY_AFTER_SECONDS = 1;

export interface EntryView {
  readonly id: string;
  readonly ledger: string;
  readonly kind: EntryKind;
  readonly contentHash: string;
  readonly receivedAt: string;
  readonly status: EntryStatus;
  readonly leafIndex?: number;
  readonly clientRef?: string;
  readonly subject?: string;
  readonly eventType?: string;
  /** On a subject link: the event entry it links into the subject's chain. */
  readonly linkFor?: string;
  /** Sent with `"retain": true`: GET /v1/entries/{id}/content serves its content. */
  readonly retained?: true;
}

export interface ReadDeps {
  readonly entries: EntryStore;
  readonly log: Pick<LogStore, "getHead" | "tiles" | "getCheckpoint">;
  /** Absent where nothing is anchored (no chain configured). */
  readonly anchors?: AnchorReads;
}

function isSequenced(batch: Batch): batch is SequencedBatch {
  return "firstLeafIndex" in batch && typeof batch.firstLeafIndex === "number";
}

function viewOf(batch: Batch, position: number): EntryView {
  const entry = batch.entries[position];
  if (entry === undefined) throw new NotFoundError(`no entry ${entryId(batch.batchId, position)}`);
  const sequenced = isSequenced(batch);
  return {
    id: entryId(batch.batchId, position),
    ledger: batch.ledger,
    kind: entry.kind,
    contentHash: entry.contentHash,
    receivedAt: batch.receivedAt,
    status: sequenced ? "sequenced" : "pending",
    ...(sequenced ? { leafIndex: batch.firstLeafIndex + position } : {}),
    ...(entry.clientRef === undefined ? {} : { clientRef: entry.clientRef }),
    ...(entry.subject === undefined ? {} : { subject: entry.subject }),
    ...(entry.eventType === undefined ? {} : { eventType: entry.eventType }),
    ...(entry.linkFor === undefined ? {} : { linkFor: entry.linkFor }),
    ...(entry.retained === true ? { retained: true as const } : {}),
  };
}

/**
 * Who reads: entries of other tenants, and of ledgers the reader may not use, are answered as
 * unknown — the same 404 as an id that names nothing, so ids of others reveal nothing.
 */
export interface Reader {
  readonly tenant: string;
  /** The ledgers the reader may read; absent: every ledger. */
  readonly ledgers?: readonly string[];
}

function mayRead(reader: Reader, batch: Batch): boolean {
  return (
    tenantOf(batch) === reader.tenant &&
    (reader.ledgers === undefined || reader.ledgers.includes(batch.ledger))
  );
}

async function readEntry(
  deps: Pick<ReadDeps, "entries">,
  id: string,
  reader: Reader,
): Promise<EntryView> {
  const parsed = parseEntryId(id);
  if (parsed === undefined) throw new NotFoundError(`no entry ${id}: not an entry id`, { id });
  const batch = await deps.entries.getBatch(parsed.batchId);
  if (batch === undefined || !mayRead(reader, batch)) {
    throw new NotFoundError(`no entry ${id}`, { id });
  }
  return viewOf(batch, parsed.position);
}

/** GET /v1/entries/{id}: one read of the entry's batch, and of the anchors once sequenced. */
export async function getEntry(
  deps: Pick<ReadDeps, "entries" | "anchors">,
  id: string,
  reader: Reader,
): Promise<EntryView> {
  const entry = await readEntry(deps, id, reader);
  if (entry.leafIndex === undefined || deps.anchors === undefined) return entry;
  const view = await anchoredView(deps.anchors, entry.ledger);
  if (view.finalSize > entry.leafIndex) return { ...entry, status: "final" };
  if ((view.latest?.treeSize ?? 0) > entry.leafIndex) return { ...entry, status: "anchored" };
  return entry;
}

/**
 * GET /v1/entries/{id}/proof: the bundle against the latest anchored checkpoint that covers the
 * entry, with its anchors; before one exists, against the latest signed checkpoint.
 */
export async function getProof(
  deps: ReadDeps,
  id: string,
  options: {
    readonly reader: Reader;
    anchored?: boolean;
    /** Prove against the latest checkpoint with a final anchor, when one covers the entry. */
    preferFinal?: boolean;
  },
): Promise<ProofBundle> {
  const entry = await readEntry(deps, id, options.reader);
  const { leafIndex } = entry;
  if (leafIndex === undefined) {
    throw new NotYetError(`entry ${id} is not sequenced yet`, PROOF_RETRY_AFTER_SECONDS, { id });
  }
  const view = await anchoredView(deps.anchors, entry.ledger);
  const latest =
    options.preferFinal === true && view.final !== undefined && view.final.treeSize > leafIndex
      ? view.final
      : view.latest;
  let checkpoint: StoredCheckpoint | undefined;
  let anchors: ProofBundle["anchors"] = [];
  if (latest !== undefined && latest.treeSize > leafIndex) {
    checkpoint = await deps.log.getCheckpoint(entry.ledger, latest.treeSize);
    anchors = [...latest.anchors];
  } else if (options.anchored === true) {
    throw new NotYetError(
      `no anchored checkpoint covers entry ${id} yet`,
      PROOF_RETRY_AFTER_SECONDS,
      { id },
    );
  } else {
    checkpoint = (await deps.log.getHead(entry.ledger))?.checkpoint;
  }
  if (checkpoint === undefined || checkpoint.treeSize <= leafIndex) {
    throw new NotYetError(
      `no signed checkpoint covers entry ${id} yet`,
      PROOF_RETRY_AFTER_SECONDS,
      { id },
    );
  }
  const path = await buildInclusionProof(
    deps.log.tiles(entry.ledger),
    leafIndex,
    checkpoint.treeSize,
  );
  return {
    format: BUNDLE_FORMAT,
    entry: {
      id: entry.id,
      ledger: entry.ledger,
      kind: entry.kind,
      contentHash: entry.contentHash,
      receivedAt: entry.receivedAt,
    },
    leafIndex,
    leafHash: toHex(hashLeaf(fromHex(entry.contentHash))),
    inclusionPath: path.map(toHex),
    checkpoint,
    anchors,
  };
}

/** GET /v1/proofs?contentHash=…: sequenced entries with that content hash. */
export async function findByContentHash(
  deps: Pick<ReadDeps, "entries" | "anchors">,
  contentHash: string,
  reader: Reader,
  ledger?: string,
): Promise<EntryView[]> {
  if (!/^[0-9a-f]{64}$/.test(contentHash)) {
    throw new InvalidArgumentError("contentHash must be 64 lowercase hex characters", {
      errors: [{ path: "contentHash", message: "64 lowercase hex characters" }],
    });
  }
  const found = await deps.entries.findByContentHash(contentHash, ledger);
  const views = await Promise.all(
    found.map((item) => getEntry(deps, item.entryId, reader).catch(notFoundAsNothing)),
  );
  return views.filter((view) => view !== undefined);
}

/** Another tenant's entry with the same content: not the reader's to see. */
function notFoundAsNothing(error: unknown): undefined {
  if (error instanceof NotFoundError) return undefined;
  throw error;
}
