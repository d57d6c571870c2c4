/** Port for step 5 of bundle verification: read what a chain says about an anchor. */

import type { AnchorEvidence } from "../domain/proof/anchor-check.ts";
import type { Anchor } from "../domain/proof/bundle-schema.ts";

export interface AnchorEvidenceReader {
  /** Chain id of the endpoint, learnt when connecting. */
  readonly chainId: number;
  /** Reads the receipt, canonical block and head for `anchor` from one chain endpoint. */
  readEvidence(anchor: Anchor): Promise<AnchorEvidence>;
  /** Releases the connection. */
  close(): void;
}
