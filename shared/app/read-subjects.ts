/**
 * Use case: GET /v1/subjects/{subject}/entries — a subject's events in one ledger, in chain
 * order, each with its status, its link and where to get both proofs; paged by an opaque cursor.
 */
import { InvalidArgumentError, NotFoundError } from "../domain/errors.ts";
import type { EntryStatus } from "../domain/ledger/batch.ts";
import type { SubjectLinkPayload } from "../domain/subjects/subject-link.ts";
import type { SubjectStore } from "../ports/subject-store.ts";
import { type AnchorReads, anchoredView } from "./anchored-view.ts";
import type { Reader } from "./read-entries.ts";

export const DEFAULT_SUBJECT_PAGE = 100;
export const MAX_SUBJECT_PAGE = 1000;

export interface SubjectEntryView {
  readonly sequence: number;
  readonly id: string;
  readonly kind: "document" | "transaction";
  readonly contentHash: string;
  readonly eventType?: string;
  readonly receivedAt: string;
  readonly leafIndex: number;
  readonly status: EntryStatus;
  /** Path of the entry's proof bundle on this API. */
  readonly proof: string;
  readonly link: {
    readonly id: string;
    readonly contentHash: string;
    readonly leafIndex: number;
    readonly payload: SubjectLinkPayload;
    readonly proof: string;
  };
}

export interface SubjectPage {
  readonly subject: string;
  readonly ledger: string;
  readonly entries: readonly SubjectEntryView[];
  /** Pass as `cursor` for the next page; null on the last. */
  readonly next: string | null;
}

/** The cursor names the last sequence served; its form is not part of the API. */
function encodeCursor(sequence: number): string {
  return Buffer.from(JSON.stringify({ v: 1, after: sequence })).toString("base64url");
}

function decodeCursor(cursor: string): number {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    const after = (value as { v?: unknown; after?: unknown }).after;
    if ((value as { v?: unknown }).v === 1 && Number.isSafeInteger(after) && (after as number) >= 0)
      return after as number;
  } catch {
    // Falls through to the error below.
  }
  throw new InvalidArgumentError("cursor is not one this API gave: pass `next` as it came", {
    errors: [{ path: "cursor", message: "a cursor from a previous page's next" }],
  });
}

const proofPath = (id: string) => `/v1/entries/${id}/proof`;

export async function listSubjectEntries(
  deps: { readonly subjects: SubjectStore; readonly anchors?: AnchorReads },
  reader: Reader,
  subject: string,
  options: { readonly ledger: string; readonly cursor?: string; readonly limit: number },
): Promise<SubjectPage> {
  const { ledger, limit } = options;
  const unknown = () =>
    new NotFoundError(`no subject ${subject} in ledger ${ledger}`, { subject, ledger });
  if (reader.ledgers !== undefined && !reader.ledgers.includes(ledger)) throw unknown();
  const after = options.cursor === undefined ? 0 : decodeCursor(options.cursor);
  const key = { tenant: reader.tenant, ledger, subject };
  // One more than asked: whether there is a next page, without a cursor that leads nowhere.
  const events = await deps.subjects.listEvents(key, after, limit + 1);
  if (events.length === 0 && after === 0) throw unknown();
  const page = events.slice(0, limit);
  const view = deps.anchors === undefined ? undefined : await anchoredView(deps.anchors, ledger);
  const statusOf = (leafIndex: number): EntryStatus =>
    view === undefined
      ? "sequenced"
      : view.finalSize > leafIndex
        ? "final"
        : (view.latest?.treeSize ?? 0) > leafIndex
          ? "anchored"
          : "sequenced";
  const last = page.at(-1);
  return {
    subject,
    ledger,
    entries: page.map((event) => ({
      sequence: event.sequence,
      id: event.entryId,
      kind: event.kind,
      contentHash: event.contentHash,
      ...(event.eventType === undefined ? {} : { eventType: event.eventType }),
      receivedAt: event.receivedAt,
      leafIndex: event.leafIndex,
      status: statusOf(event.leafIndex),
      proof: proofPath(event.entryId),
      link: { ...event.link, proof: proofPath(event.link.id) },
    })),
    next: events.length > limit && last !== undefined ? encodeCursor(last.sequence) : null,
  };
}
