/**
 * The anchors of an exported log: each names its checkpoint's tree size and root on a chain and
 * contract the log publishes, and, given chain readers, holds on that chain.
 */
import { checkAnchor } from "../../domain/proof/anchor-check.ts";
import type { AnchorEvidenceReader } from "../../ports/anchor-evidence-reader.ts";
import { EXPORT_LAYOUT } from "../log-export-layout.ts";
import type { ChainCheckOptions } from "../verify-bundle.ts";
import type { Located } from "./checkpoints.ts";
import type { Findings } from "./findings.ts";

/** Each anchor names its checkpoint's size and root, on a chain and contract the log publishes. */
export function checkAnchorClaims(
  checkpoints: readonly Located[],
  chains: ReadonlyMap<number, string>,
  findings: Findings,
): number {
  let count = 0;
  for (const { checkpoint, file } of checkpoints) {
    for (const anchor of checkpoint.anchors) {
      count++;
      const what = `anchor of tree size ${checkpoint.treeSize} on chain ${anchor.chainId} (tx ${anchor.txHash})`;
      const { treeSize, rootHash } = anchor as { treeSize?: unknown; rootHash?: unknown };
      if (treeSize !== undefined && treeSize !== checkpoint.treeSize) {
        findings.add(
          file,
          `${what}: names another tree size`,
          String(checkpoint.treeSize),
          String(treeSize),
        );
      }
      if (rootHash !== undefined && rootHash !== checkpoint.rootHash) {
        findings.add(file, `${what}: names another root`, checkpoint.rootHash, String(rootHash));
      }
      const contract = chains.get(anchor.chainId);
      if (contract === undefined) {
        findings.add(
          file,
          `${what}: a chain the log does not publish (${EXPORT_LAYOUT.log})`,
          `chain ${[...chains.keys()].join(", ") || "(none)"}`,
          `chain ${anchor.chainId}`,
        );
      } else if (contract.toLowerCase() !== anchor.contract.toLowerCase()) {
        findings.add(
          file,
          `${what}: another contract than the log publishes (${EXPORT_LAYOUT.log})`,
          contract,
          anchor.contract,
        );
      }
    }
  }
  return count;
}

/** Each anchor against the chain of a reader; anchors of chains without one are left. */
export async function checkAnchorsOnChain(
  checkpoints: readonly Located[],
  chain: ChainCheckOptions,
  findings: Findings,
): Promise<number> {
  const anchored = checkpoints.filter(({ checkpoint }) => checkpoint.anchors.length > 0);
  if (anchored.length === 0) return 0;
  const readers: readonly AnchorEvidenceReader[] = await chain.connect();
  try {
    const byChain = new Map(readers.map((reader) => [reader.chainId, reader]));
    let checked = 0;
    for (const { checkpoint, file } of anchored) {
      for (const anchor of checkpoint.anchors) {
        const reader = byChain.get(anchor.chainId);
        if (reader === undefined) continue;
        const outcome = checkAnchor(
          anchor,
          checkpoint,
          await reader.readEvidence(anchor),
          chain.confirmations,
        );
        checked++;
        if (outcome.status === "failed") {
          findings.add(
            file,
            `anchor of tree size ${checkpoint.treeSize}: ${outcome.detail}`,
            outcome.expected ?? "",
            outcome.found ?? "",
          );
        }
      }
    }
    return checked;
  } finally {
    for (const reader of readers) reader.close();
  }
}
