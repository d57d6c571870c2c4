/** Port: one chain as the anchorer uses it, through one signer (the anchor key). */
import type { ReceiptLog } from "../domain/proof/anchor-check.ts";

export interface Eip1559Fees {
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

export interface ChainReceipt {
  readonly txHash: string;
  readonly status: number;
  readonly blockNumber: number;
  readonly blockHash: string;
  readonly logs: readonly ReceiptLog[];
}

/** What broadcasting a signed transaction came to. */
export type BroadcastOutcome =
  | "accepted"
  /** The node has it already (a rebroadcast). */
  | "known"
  /** The nonce is used: one of our transactions with that nonce was mined, or another one. */
  | "nonce-too-low"
  /** A transaction with this nonce and higher fees is pending. */
  | "underpriced";

export interface AnchorChain {
  readonly chainId: number;
  /** Address of the Anchor contract. */
  readonly contract: string;
  /** The anchor key's address. */
  address(): Promise<string>;
  /** Fees a transaction should offer now. */
  suggestedFees(): Promise<Eip1559Fees>;
  /** The next nonce of the anchor key counting mined transactions only. */
  minedNonce(): Promise<number>;
  /** Signs `anchor(logId, treeSize, rootHash)` with the given nonce and fees; sends nothing. */
  signAnchor(call: {
    logId: string;
    treeSize: number;
    rootHash: string;
    nonce: number;
    fees: Eip1559Fees;
  }): Promise<{ txHash: string; rawTx: string }>;
  broadcast(rawTx: string): Promise<BroadcastOutcome>;
  receipt(txHash: string): Promise<ChainReceipt | null>;
  /** The timestamp of the block with this hash, in seconds since the epoch; null if unknown. */
  blockTimestampSeconds(blockHash: string): Promise<number | null>;
  /** Hash of the canonical block at `blockNumber`, or null beyond the head. */
  blockHash(blockNumber: number): Promise<string | null>;
  headNumber(): Promise<number>;
  /** The anchor key's balance on this chain, in wei (for the balance metric and its alarm). */
  balanceWei(): Promise<bigint>;
}
