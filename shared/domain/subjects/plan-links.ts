/**
 * The links an integrate run appends for the subject entries of its plan: in leaf order, each
 * subject's chain continued from its head before the run. Pure and deterministic, so a rerun of
 * the plan after a crash computes the same links, ids and leaves.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8 } from "../bytes.ts";
import type { Batch, BatchEntry } from "../ledger/batch.ts";
import { batchIdTimeMs, entryId, newBatchId } from "../ledger/entry-id.ts";
import { tenantOf } from "../ledger/tenant.ts";
import {
  linkContentHash,
  SUBJECT_LINK_FORMAT,
  type SubjectHead,
  type SubjectLinkPayload,
} from "./subject-link.ts";

/** Links one link batch holds (entry ids name at most 1024 per batch). */
export const LINKS_PER_BATCH = 1000;

/** An event batch of the plan and its first leaf. */
export interface PlannedBatch {
  readonly batch: Batch;
  readonly firstLeafIndex: number;
}

export interface PlannedLink {
  readonly tenant: string;
  readonly subject: string;
  readonly payload: SubjectLinkPayload;
  readonly contentHash: string;
  readonly linkId: string;
  readonly linkLeafIndex: number;
  /** The event's entry as its batch holds it, and when it was received. */
  readonly event: BatchEntry;
  readonly receivedAt: string;
}

export interface PlannedLinks {
  /** Link batches in leaf order, each starting at its firstLeafIndex. */
  readonly batches: readonly PlannedBatch[];
  readonly links: readonly PlannedLink[];
  /** Each touched chain's head after the links, by chainKey. */
  readonly heads: ReadonlyMap<string, { tenant: string; subject: string; head: SubjectHead }>;
}

/** Identifies one chain within a ledger. */
export function chainKey(tenant: string, subject: string): string {
  return `${tenant}\n${subject}`;
}

/** Entries of a batch that name a subject. */
export function subjectEntryCount(batch: Batch): number {
  return batch.entries.filter((entry) => entry.subject !== undefined).length;
}

/**
 * Links for the subject entries of `planned` (the plan's event batches in leaf order), whose
 * leaves start at `firstLinkLeaf`; `headBefore` gives each chain's head before this plan.
 */
export function planLinks(
  ledger: string,
  fromSize: number,
  planned: readonly PlannedBatch[],
  firstLinkLeaf: number,
  headBefore: (tenant: string, subject: string) => SubjectHead | undefined,
): PlannedLinks {
  const heads = new Map<string, { tenant: string; subject: string; head: SubjectHead }>();
  const drafts: Omit<PlannedLink, "linkId" | "linkLeafIndex">[] = [];
  // Link batches are dated by the latest event batch: ids from its ULID time, receivedAt its own
  // (RFC 3339 UTC strings of one form sort as times do).
  let latestMs = 0;
  let receivedAt = "";
  for (const { batch, firstLeafIndex } of planned) {
    const tenant = tenantOf(batch);
    latestMs = Math.max(latestMs, batchIdTimeMs(batch.batchId));
    if (batch.receivedAt > receivedAt) receivedAt = batch.receivedAt;
    batch.entries.forEach((event, position) => {
      if (event.subject === undefined) return;
      const key = chainKey(tenant, event.subject);
      const previous = heads.get(key)?.head ?? headBefore(tenant, event.subject);
      const payload: SubjectLinkPayload = {
        format: SUBJECT_LINK_FORMAT,
        tenant,
        ledger,
        subject: event.subject,
        sequence: (previous?.sequence ?? 0) + 1,
        ...(event.eventType === undefined ? {} : { eventType: event.eventType }),
        entry: {
          id: entryId(batch.batchId, position),
          contentHash: event.contentHash,
          leafIndex: firstLeafIndex + position,
        },
        previous: previous?.linkHash ?? null,
      };
      const contentHash = linkContentHash(payload);
      heads.set(key, {
        tenant,
        subject: event.subject,
        head: { sequence: payload.sequence, linkHash: contentHash },
      });
      drafts.push({
        tenant,
        subject: event.subject,
        payload,
        contentHash,
        event,
        receivedAt: batch.receivedAt,
      });
    });
  }

  // A link batch belongs to one tenant, as every batch does (reads check the batch's tenant).
  const byTenant = new Map<string, typeof drafts>();
  for (const draft of drafts)
    byTenant.set(draft.tenant, [...(byTenant.get(draft.tenant) ?? []), draft]);
  const batches: PlannedBatch[] = [];
  const links: PlannedLink[] = [];
  let leaf = firstLinkLeaf;
  for (const [tenant, ofTenant] of byTenant) {
    for (let start = 0; start < ofTenant.length; start += LINKS_PER_BATCH) {
      const chunk = ofTenant.slice(start, start + LINKS_PER_BATCH);
      const seed = sha256(utf8(`stele subject links\n${ledger}\n${fromSize}\n${batches.length}`));
      const batchId = newBatchId(latestMs, seed.subarray(0, 10));
      const batch: Batch = {
        batchId,
        ledger,
        tenant,
        receivedAt,
        entries: chunk.map((draft) => ({
          kind: "transaction",
          contentHash: draft.contentHash,
          subject: draft.subject,
          linkFor: draft.payload.entry.id,
        })),
      };
      chunk.forEach((draft, position) => {
        links.push({
          ...draft,
          linkId: entryId(batchId, position),
          linkLeafIndex: leaf + position,
        });
      });
      batches.push({ batch, firstLeafIndex: leaf });
      leaf += chunk.length;
    }
  }
  return { batches, links, heads };
}
