/**
 * Use case: what a proof certificate states about one entry — its proof bundle (against the
 * latest anchored checkpoint covering it, else the latest signed one), its status, and the link
 * that opens the verify page on it.
 */
import type { ProofBundle } from "../domain/proof/bundle-schema.ts";
import { verifyPageLink } from "../domain/proof/verify-link.ts";
import { type EntryView, getEntry, getProof, type ReadDeps, type Reader } from "./read-entries.ts";

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
}

/** Throws NotFoundError for an unknown entry, NotYetError before a signed checkpoint covers it. */
export async function getCertificate(
  deps: ReadDeps & { readonly checkpointSigner: () => Promise<string> },
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
  return {
    entry,
    bundle,
    checkpointSigner,
    verifyLink: verifyPageLink(links.verifyPageUrl, { entry: id, api: links.apiUrl }),
    anchoring: deps.anchors !== undefined,
  };
}
