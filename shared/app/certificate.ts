/**
 * Use case: what a proof certificate states about one entry — its proof bundle (against the
 * latest anchored checkpoint covering it, else the latest signed one), its status, and the link
 * that opens the verify page on it.
 */
import type { ProofBundle } from "../domain/proof/bundle-schema.ts";
import { verifyPageLink } from "../domain/proof/verify-link.ts";
import type { SubjectStore } from "../ports/subject-store.ts";
import { type EntryView, getEntry, getProof, type ReadDeps, type Reader } from "./read-entries.ts";
import { listSubjectEntries, type SubjectPage } from "./read-subjects.ts";

/** Events of the entry's subject a certificate shows (the rest are a link away). */
export const CERTIFICATE_TIMELINE_EVENTS = 100;

export interface CertificateLinks {
  /** The API's base URL, which the verify page fetches the proof from. */
  readonly apiUrl: string;
  /** The verify page. */
  readonly verifyPageUrl: string;
}

export interface Certificate {
  readonly entry: EntryView;
  readonly bundle: ProofBundle;
  /** The log's published checkpoint signer, which step 4 compares with. */
  readonly checkpointSigner: string;
  /** The verify page opened on this entry: the QR code's content. */
  readonly verifyLink: string;
  /** Whether the service anchors at all (else no anchor will ever follow). */
  readonly anchoring: boolean;
  /** For an event of a subject: the subject's history, from its first event. */
  readonly timeline?: SubjectPage;
}

/** Throws NotFoundError for an unknown entry, NotYetError before a signed checkpoint covers it. */
export async function getCertificate(
  deps: ReadDeps & {
    readonly checkpointSigner: () => Promise<string>;
    readonly subjects: SubjectStore;
  },
  id: string,
  reader: Reader,
  links: CertificateLinks,
): Promise<Certificate> {
  // A certificate that says final carries a final anchor, not a newer one still confirming.
  const bundle = await getProof(deps, id, { reader, preferFinal: true });
  // Read after the bundle, so the status is never behind what the bundle shows.
  const [entry, checkpointSigner] = await Promise.all([
    getEntry(deps, id, reader),
    deps.checkpointSigner(),
  ]);
  // The subject's events are recorded before the checkpoint that covers them is signed.
  const timeline =
    entry.subject === undefined || entry.linkFor !== undefined
      ? undefined
      : await listSubjectEntries(deps, reader, entry.subject, {
          ledger: entry.ledger,
          limit: CERTIFICATE_TIMELINE_EVENTS,
        });
  return {
    entry,
    bundle,
    ...(timeline === undefined ? {} : { timeline }),
    checkpointSigner,
    verifyLink: verifyPageLink(links.verifyPageUrl, { entry: id, api: links.apiUrl }),
    anchoring: deps.anchors !== undefined,
  };
}
