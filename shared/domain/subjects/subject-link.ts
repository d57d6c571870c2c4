/**
 * A subject's history as part of the log. Each entry that names a subject is followed in the log
 * by a link: a transaction entry that Stele writes, whose payload names the subject, the event's
 * place in the subject's history (sequence 1, 2, …), the event entry (id, content hash, leaf
 * index) and the content hash of the previous link. The links form a hash chain inside the log,
 * so anyone holding the links' bundles sees a missing event (a gap in the sequence, a broken
 * `previous`) or a reordering (sequence against leaf order) without trusting Stele.
 */
import { toHex } from "../bytes.ts";
import { transactionContentHash } from "../proof/content-hash.ts";

export const SUBJECT_LINK_FORMAT = "stele.subject-link.v1";

/** A link's payload; its contentHash is that of any transaction: SHA-256 of the JCS text. */
export interface SubjectLinkPayload {
  readonly format: typeof SUBJECT_LINK_FORMAT;
  readonly tenant: string;
  readonly ledger: string;
  readonly subject: string;
  /** 1 for the subject's first event in this ledger, then one more per event. */
  readonly sequence: number;
  readonly eventType?: string;
  readonly entry: { readonly id: string; readonly contentHash: string; readonly leafIndex: number };
  /** contentHash of link sequence − 1; null for the first. */
  readonly previous: string | null;
}

export function linkContentHash(payload: SubjectLinkPayload): string {
  return toHex(transactionContentHash(payload));
}

/** Where a subject's chain stands: its last link, or nothing yet. */
export interface SubjectHead {
  readonly sequence: number;
  readonly linkHash: string;
}

/** A link as a holder of its bundle sees it: the payload, and the leaf the link itself is. */
export interface HeldLink {
  readonly payload: SubjectLinkPayload;
  /** The link entry's leaf index (from its bundle). */
  readonly leafIndex: number;
}

/** One thing wrong with a chain of links, in words. */
export interface ChainProblem {
  readonly sequence: number;
  readonly problem: string;
}

/**
 * Checks links of one subject and ledger held in sequence order from 1: each follows the one
 * before it (sequence + 1, previous = its hash), each event sits before its link in the log and
 * after the previous event, and all name the same subject. `head`, when known (the latest link's
 * sequence from the service or a later bundle), exposes events missing at the end.
 */
export function checkSubjectChain(
  links: readonly HeldLink[],
  head?: { readonly sequence: number },
): ChainProblem[] {
  const problems: ChainProblem[] = [];
  let expected = 1;
  let previousHash: string | null = null;
  let previousEventLeaf = -1;
  const first = links[0]?.payload;
  for (const { payload, leafIndex } of links) {
    const at = payload.sequence;
    if (first !== undefined && payload.subject !== first.subject) {
      problems.push({
        sequence: at,
        problem: `names subject ${payload.subject}, not ${first.subject}`,
      });
    }
    if (first !== undefined && payload.ledger !== first.ledger) {
      problems.push({
        sequence: at,
        problem: `is in ledger ${payload.ledger}, not ${first.ledger}`,
      });
    }
    if (at !== expected) {
      problems.push({
        sequence: at,
        problem:
          at > expected
            ? `events ${expected}–${at - 1} are missing`
            : `comes after sequence ${expected - 1}: reordered or repeated`,
      });
    }
    if (payload.previous !== previousHash) {
      problems.push({
        sequence: at,
        problem: `previous is ${payload.previous ?? "null"}, but the link before hashes to ${previousHash ?? "null (none)"}`,
      });
    }
    if (payload.entry.leafIndex <= previousEventLeaf) {
      problems.push({
        sequence: at,
        problem: `its event is leaf ${payload.entry.leafIndex}, not after the previous event (leaf ${previousEventLeaf})`,
      });
    }
    if (leafIndex <= payload.entry.leafIndex) {
      problems.push({
        sequence: at,
        problem: `the link is leaf ${leafIndex}, not after its event (leaf ${payload.entry.leafIndex})`,
      });
    }
    expected = at + 1;
    previousHash = linkContentHash(payload);
    previousEventLeaf = payload.entry.leafIndex;
  }
  if (head !== undefined && head.sequence >= expected) {
    problems.push({
      sequence: head.sequence,
      problem: `events ${expected}–${head.sequence} are missing at the end`,
    });
  }
  return problems;
}
