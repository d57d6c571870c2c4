/**
 * Step 5 of spec/proof-v1.md as a pure check: given what a chain's JSON-RPC endpoint reports
 * about an anchor's transaction, does the anchor hold? Fetching that evidence is a port's job.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { toHex, utf8 } from "../bytes.ts";
import type { Anchor, SignedCheckpoint } from "./bundle-schema.ts";
import { failed, passed, type StepOutcome } from "./verdict.ts";

/** One log of a transaction receipt, as JSON-RPC returns it. */
export interface ReceiptLog {
  readonly address: string;
  readonly topics: readonly string[];
  readonly data: string;
}

/** What the chain says about an anchor, read from one endpoint at one moment. */
export interface AnchorEvidence {
  /** Chain id of the endpoint (eth_chainId). */
  readonly chainId: number;
  /** Receipt of anchor.txHash, or null when the chain has no such transaction (dropped or reorged). */
  readonly receipt: {
    readonly status: number;
    readonly blockNumber: number;
    readonly blockHash: string;
    readonly logs: readonly ReceiptLog[];
  } | null;
  /** Hash of the canonical block at anchor.blockNumber, or null when the chain is not that tall. */
  readonly canonicalBlockHash: string | null;
  /** Number of the newest block. */
  readonly headBlockNumber: number;
}

/** topic0 of `event Anchored(bytes32 indexed logId, uint64 indexed treeSize, bytes32 rootHash)`. */
export const ANCHORED_TOPIC = `0x${toHex(keccak_256(utf8("Anchored(bytes32,uint64,bytes32)")))}`;

/** logId of a log: keccak256 of the UTF-8 bytes of its origin, 0x-hex. */
export function logIdOfOrigin(origin: string): string {
  return `0x${toHex(keccak_256(utf8(origin)))}`;
}

/** A uint64 as a 32-byte ABI word, 0x-hex. */
function uint256Word(value: number): string {
  return `0x${value.toString(16).padStart(64, "0")}`;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Confirmations of a block at `blockNumber` when the head is `head` (the block itself counts one). */
export function confirmationsOf(blockNumber: number, head: number): number {
  return Math.max(0, head - blockNumber + 1);
}

/** Checks one anchor of a bundle against the chain's evidence. */
export function checkAnchor(
  anchor: Anchor,
  checkpoint: SignedCheckpoint,
  evidence: AnchorEvidence,
  requiredConfirmations: number,
): StepOutcome {
  const where = `anchor on chain ${anchor.chainId}`;
  if (evidence.chainId !== anchor.chainId) {
    return failed(
      5,
      `${where}: the RPC endpoint serves another chain`,
      `chainId ${anchor.chainId}`,
      `chainId ${evidence.chainId}`,
    );
  }
  const { receipt } = evidence;
  if (receipt === null) {
    return failed(
      5,
      `${where}: the chain has no receipt for the transaction`,
      `a receipt for ${anchor.txHash}`,
      "none",
    );
  }
  if (receipt.status !== 1) {
    return failed(5, `${where}: the transaction reverted`, "status 1", `status ${receipt.status}`);
  }
  if (receipt.blockNumber !== anchor.blockNumber || !same(receipt.blockHash, anchor.blockHash)) {
    return failed(
      5,
      `${where}: the transaction is in another block`,
      `block ${anchor.blockNumber} ${anchor.blockHash}`,
      `block ${receipt.blockNumber} ${receipt.blockHash}`,
    );
  }
  if (
    evidence.canonicalBlockHash === null ||
    !same(evidence.canonicalBlockHash, anchor.blockHash)
  ) {
    return failed(
      5,
      `${where}: the block is not canonical`,
      `canonical block ${anchor.blockNumber} ${anchor.blockHash}`,
      `${evidence.canonicalBlockHash ?? "no block"}`,
    );
  }
  const log = receipt.logs[anchor.logIndex];
  const want = {
    address: anchor.contract,
    topics: [ANCHORED_TOPIC, logIdOfOrigin(checkpoint.origin), uint256Word(checkpoint.treeSize)],
    data: `0x${checkpoint.rootHash}`,
  };
  const describe = (l: ReceiptLog | undefined) =>
    l === undefined
      ? `no log at index ${anchor.logIndex}`
      : `log from ${l.address} topics [${l.topics.join(", ")}] data ${l.data}`;
  const matches =
    log !== undefined &&
    same(log.address, want.address) &&
    log.topics.length === want.topics.length &&
    log.topics.every((topic, i) => same(topic, want.topics[i] ?? "")) &&
    same(log.data, want.data);
  if (!matches) {
    return failed(
      5,
      `${where}: no matching Anchored log at logIndex ${anchor.logIndex}`,
      describe(want),
      describe(log),
    );
  }
  const confirmations = confirmationsOf(anchor.blockNumber, evidence.headBlockNumber);
  if (confirmations < requiredConfirmations) {
    return failed(
      5,
      `${where}: too few confirmations`,
      `${requiredConfirmations} confirmations`,
      `${confirmations}`,
    );
  }
  return passed(
    5,
    `${where}: Anchored(${checkpoint.treeSize}, ${checkpoint.rootHash.slice(0, 12)}…) in block ${anchor.blockNumber}, ${confirmations} confirmations`,
  );
}
