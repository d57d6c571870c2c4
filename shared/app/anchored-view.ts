/** What the anchors of a ledger prove today: its newest anchored checkpoint on each chain. */
import type { Anchor } from "../domain/proof/bundle-schema.ts";
import type { AnchorRecord, AnchorStore } from "../ports/anchor-store.ts";

export interface AnchorReads {
  readonly store: Pick<AnchorStore, "recentAnchors">;
  /** The chains this deployment anchors on. */
  readonly chainIds: readonly number[];
}

export interface AnchoredView {
  /** The largest tree size anchored (included or final) on any chain, with every chain's anchor of it. */
  readonly latest?: { readonly treeSize: number; readonly anchors: readonly Anchor[] };
  /** The largest tree size whose anchor is final on some chain (0: none). */
  readonly finalSize: number;
  /** The checkpoint of finalSize with every chain's standing anchor of it, when there is one. */
  readonly final?: { readonly treeSize: number; readonly anchors: readonly Anchor[] };
}

/** The bundle form of a record whose anchor stands (included or final), else undefined. */
export function toBundleAnchor(record: AnchorRecord): Anchor | undefined {
  const { inclusion } = record;
  if (inclusion === undefined || (record.status !== "included" && record.status !== "final"))
    return undefined;
  return {
    chainId: record.chainId,
    contract: record.contract,
    txHash: inclusion.txHash,
    blockNumber: inclusion.blockNumber,
    blockHash: inclusion.blockHash,
    logIndex: inclusion.logIndex,
    status: record.status,
    ...(inclusion.blockTime === undefined ? {} : { blockTime: inclusion.blockTime }),
  };
}

export async function anchoredView(
  reads: AnchorReads | undefined,
  ledger: string,
): Promise<AnchoredView> {
  if (reads === undefined) return { finalSize: 0 };
  const perChain = await Promise.all(
    reads.chainIds.map((chainId) => reads.store.recentAnchors(ledger, chainId, 20)),
  );
  const standing = perChain.flat().filter((record) => toBundleAnchor(record) !== undefined);
  const finalSize = Math.max(
    0,
    ...standing.filter((r) => r.status === "final").map((r) => r.treeSize),
  );
  if (standing.length === 0) return { finalSize };
  const treeSize = Math.max(...standing.map((r) => r.treeSize));
  const latest = { treeSize, anchors: anchorsOfSize(standing, treeSize) };
  if (finalSize === 0) return { latest, finalSize };
  return {
    latest,
    finalSize,
    final: { treeSize: finalSize, anchors: anchorsOfSize(standing, finalSize) },
  };
}

/** The standing anchors of one tree size, one per chain. */
function anchorsOfSize(standing: readonly AnchorRecord[], treeSize: number): Anchor[] {
  const anchors = standing
    .filter((r) => r.treeSize === treeSize)
    .flatMap((r) => toBundleAnchor(r) ?? []);
  // One anchor per chain: several attempts of one size on one chain cannot all stand, but be sure.
  return [...new Map(anchors.map((anchor) => [anchor.chainId, anchor])).values()];
}
