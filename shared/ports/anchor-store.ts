/** Port: what the anchorer sent, and where each anchor stands on its chain. */

/**
 * sending: the transaction is signed and recorded but maybe not broadcast (a crash here is
 * finished by broadcasting the recorded transaction again); sent: broadcast, not yet mined;
 * included: mined in a canonical block; final: with the configured confirmations;
 * orphaned: its block left the canonical chain or every transaction was dropped — the
 * checkpoint is anchored again by a new record.
 */
export type AnchorStatus = "sending" | "sent" | "included" | "final" | "orphaned";

export interface SentTransaction {
  readonly txHash: string;
  /** The signed transaction, so a restart can broadcast exactly what was recorded. */
  readonly rawTx: string;
  readonly maxFeePerGas: string;
  readonly maxPriorityFeePerGas: string;
  readonly sentAtMs: number;
}

export interface AnchorRecord {
  readonly ledger: string;
  readonly chainId: number;
  readonly treeSize: number;
  /** 64 lowercase hex: the checkpoint's root. */
  readonly rootHash: string;
  readonly contract: string;
  /** Distinguishes a re-anchoring of the same checkpoint after an orphaned one. */
  readonly attempt: number;
  readonly status: AnchorStatus;
  readonly nonce: number;
  /** Every transaction sent for this anchor, oldest first (replacements add one). */
  readonly transactions: readonly SentTransaction[];
  /** Once included: where. */
  readonly inclusion?: {
    readonly txHash: string;
    readonly blockNumber: number;
    readonly blockHash: string;
    readonly logIndex: number;
    /** RFC 3339 UTC: the block's timestamp (absent in records written before it was kept). */
    readonly blockTime?: string;
  };
  readonly updatedAtMs: number;
}

export interface AnchorStore {
  /** Creates or replaces the record of (ledger, chainId, treeSize, attempt). */
  putAnchor(record: AnchorRecord): Promise<void>;
  /** The newest records of a ledger on a chain, highest treeSize (then attempt) first. */
  recentAnchors(ledger: string, chainId: number, limit: number): Promise<AnchorRecord[]>;
  /** Every record of a ledger on a chain with fromSize <= treeSize <= throughSize, oldest first. */
  anchorsBetween(
    ledger: string,
    chainId: number,
    fromSize: number,
    throughSize: number,
  ): Promise<AnchorRecord[]>;
}
