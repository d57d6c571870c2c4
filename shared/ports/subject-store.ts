/** Port: subjects' histories, as integrate records them and GET /v1/subjects reads them. */
import type { EntryKind } from "../domain/ledger/batch.ts";
import type { SubjectHead, SubjectLinkPayload } from "../domain/subjects/subject-link.ts";

/** A subject's chain in one ledger: subjects are per tenant, and chains per ledger. */
export interface SubjectKey {
  readonly tenant: string;
  readonly ledger: string;
  readonly subject: string;
}

/**
 * A chain's head as integrate leaves it: the head after the plan that ended at `asOfSize`, and
 * the head before it, so that a rerun of that plan (after a crash) starts from the same place.
 */
export interface StoredSubjectHead {
  readonly head: SubjectHead;
  readonly asOfSize: number;
  readonly before?: SubjectHead;
}

/** One event of a subject: the entry, and the link that places it in the chain. */
export interface SubjectEvent {
  readonly sequence: number;
  readonly entryId: string;
  readonly kind: EntryKind;
  readonly contentHash: string;
  readonly eventType?: string;
  readonly receivedAt: string;
  readonly leafIndex: number;
  readonly link: {
    readonly id: string;
    readonly contentHash: string;
    readonly leafIndex: number;
    readonly payload: SubjectLinkPayload;
  };
}

export interface SubjectStore {
  /** The stored heads of `keys`, in order (undefined: no event yet). Strongly consistent. */
  getHeads(keys: readonly SubjectKey[]): Promise<(StoredSubjectHead | undefined)[]>;
  /**
   * Stores events, then heads; idempotent (a rerun writes the same items). A head is stored only
   * over one of the same or a smaller asOfSize: a late run of an older plan never moves it back.
   */
  putEvents(
    events: readonly (SubjectKey & { readonly event: SubjectEvent })[],
    heads: readonly (SubjectKey & { readonly stored: StoredSubjectHead })[],
  ): Promise<void>;
  /** Events of one chain by sequence, after `afterSequence`, at most `limit`. */
  listEvents(key: SubjectKey, afterSequence: number, limit: number): Promise<SubjectEvent[]>;
}
