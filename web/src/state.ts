/** What the page remembers between events: what was given, and which settings the person set. */
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import type { PublishedLog } from "./api.ts";

/** The document or transaction payload given beside the bundle. */
export interface Content {
  readonly file: File;
  /** SHA-256 of the file, streamed; started as soon as the file is chosen. */
  readonly sha256: Promise<Uint8Array>;
}

/** The bundle given, and where it came from (a file name, or the entry and API it was fetched from). */
export interface LoadedBundle {
  readonly bundle: ProofBundle;
  readonly source: string;
}

export const state: {
  bundle?: LoadedBundle;
  content?: Content;
  /** RPC URLs typed or suggested, by chain id (kept when another bundle is loaded). */
  readonly rpcByChain: Map<number, string>;
  /** Chains whose RPC URL the person typed: only these are remembered, never a link's. */
  readonly typedRpc: Set<number>;
  /** The link's `rpc`, for the first chain of the first bundle that has anchors. */
  linkRpc: string | undefined;
  /** The API origin the key field holds the key of (null before the first sync). */
  keyOrigin: string | undefined | null;
  /** Set once the person edits a field, so that later prefills leave it alone. */
  signerTouched: boolean;
  confirmationsTouched: boolean;
  published?: PublishedLog;
  /** Increments per run, so that only the latest verification and fetch write to the page. */
  verifyRun: number;
  fetchRun: number;
} = {
  rpcByChain: new Map(),
  typedRpc: new Set(),
  linkRpc: undefined,
  keyOrigin: null,
  signerTouched: false,
  confirmationsTouched: false,
  verifyRun: 0,
  fetchRun: 0,
};
