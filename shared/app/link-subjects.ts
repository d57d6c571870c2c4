/**
 * The subject links of one integrate run: read the heads of the chains its entries continue,
 * plan the links (shared/domain/subjects/plan-links.ts), and once the links' leaves are recorded,
 * store each event and the chains' new heads for GET /v1/subjects.
 *
 * Crash safety and concurrent runs: a head stores the head before the plan that moved it, so a
 * rerun of that plan (whose heads a crashed or concurrent run may already have written) starts
 * each chain from the same place and computes the same links, ids and events, which it may put
 * again. A run that finds a head moved by a later plan is late: that plan, and this one before
 * it, are integrated, and the run stops before writing anything (`late`). Heads only move
 * forward (the store's condition), so a run that turns late after reading writes nothing back.
 */

import { tenantOf } from "../domain/ledger/tenant.ts";
import { chainKey, type PlannedBatch, planLinks } from "../domain/subjects/plan-links.ts";
import type { SubjectHead } from "../domain/subjects/subject-link.ts";
import type { SequencingPlan } from "../ports/log-store.ts";
import type { StoredSubjectHead, SubjectKey, SubjectStore } from "../ports/subject-store.ts";

export type LinkedSubjects =
  | {
      readonly late: false;
      /** The link batches, each at its first leaf, after the plan's event batches. */
      readonly batches: readonly PlannedBatch[];
      /** Stores the events and heads; call once the link batches are sequenced. */
      readonly record: () => Promise<void>;
    }
  /** A later plan has moved a head this plan's links continue: this plan is integrated. */
  | { readonly late: true };

export async function linkSubjects(
  deps: { readonly subjects: SubjectStore },
  plan: SequencingPlan,
  planned: readonly PlannedBatch[],
): Promise<LinkedSubjects> {
  const { ledger } = plan;
  const firstLinkLeaf =
    plan.fromSize + planned.reduce((sum, { batch }) => sum + batch.entries.length, 0);
  const keys = new Map<string, SubjectKey>();
  for (const { batch } of planned) {
    for (const entry of batch.entries) {
      if (entry.subject === undefined) continue;
      const tenant = tenantOf(batch);
      keys.set(chainKey(tenant, entry.subject), { tenant, ledger, subject: entry.subject });
    }
  }
  const stored = keys.size === 0 ? [] : await deps.subjects.getHeads([...keys.values()]);
  if (stored.some((head) => head !== undefined && head.asOfSize > plan.toSize)) {
    return { late: true };
  }
  const before = new Map<string, SubjectHead | undefined>();
  [...keys.keys()].forEach((key, i) => {
    const head = stored[i];
    // A head this very plan wrote (a crashed run of it): start from the one before.
    before.set(
      key,
      head === undefined ? undefined : head.asOfSize >= plan.toSize ? head.before : head.head,
    );
  });

  const linked = planLinks(ledger, plan.fromSize, planned, firstLinkLeaf, (tenant, subject) =>
    before.get(chainKey(tenant, subject)),
  );
  if (firstLinkLeaf + linked.links.length !== plan.toSize) {
    throw new Error(
      `plan ${ledger}@${plan.fromSize} ends at ${plan.toSize}, but its entries and subject links end at ${firstLinkLeaf + linked.links.length}`,
    );
  }

  const record = async () => {
    if (linked.links.length === 0) return;
    const events = linked.links.map((link) => ({
      tenant: link.tenant,
      ledger,
      subject: link.subject,
      event: {
        sequence: link.payload.sequence,
        entryId: link.payload.entry.id,
        kind: link.event.kind,
        contentHash: link.event.contentHash,
        ...(link.event.eventType === undefined ? {} : { eventType: link.event.eventType }),
        receivedAt: link.receivedAt,
        leafIndex: link.payload.entry.leafIndex,
        link: {
          id: link.linkId,
          contentHash: link.contentHash,
          leafIndex: link.linkLeafIndex,
          payload: link.payload,
        },
      },
    }));
    const heads = [...linked.heads].map(([key, { tenant, subject, head }]) => {
      const previous = before.get(key);
      const value: StoredSubjectHead = {
        head,
        asOfSize: plan.toSize,
        ...(previous === undefined ? {} : { before: previous }),
      };
      return { tenant, ledger, subject, stored: value };
    });
    await deps.subjects.putEvents(events, heads);
  };
  return { late: false, batches: linked.batches, record };
}
