/** Roots and proofs of a log whose perfect-subtree hashes are stored as tiles. */
import { emptyRoot, type Hash32, hashChildren } from "./hasher.ts";
import { consistencyPlan, inclusionPlan, type ProofPlan, rootPlan } from "./proof-plan.ts";
import { readNodeHashes, type TileReader } from "./tile-reader.ts";

/** Hash of the subtrees `hashes` joined from the right: H(h0, H(h1, … H(hn-2, hn-1))). */
export function foldFromRight(hashes: readonly Hash32[]): Hash32 {
  let acc = hashes.at(-1);
  if (acc === undefined) return emptyRoot();
  for (let i = hashes.length - 2; i >= 0; i--) acc = hashChildren(hashes[i] as Hash32, acc);
  return acc;
}

/** The proof elements of `plan` given the hashes of its nodes, in the same order. */
export function assembleProof(plan: ProofPlan, nodeHashes: readonly Hash32[]): Hash32[] {
  const { foldBegin, foldEnd } = plan;
  const folded = foldBegin < foldEnd ? [foldFromRight(nodeHashes.slice(foldBegin, foldEnd))] : [];
  return [...nodeHashes.slice(0, foldBegin), ...folded, ...nodeHashes.slice(foldEnd)];
}

async function prove(reader: TileReader, plan: ProofPlan, treeSize: number): Promise<Hash32[]> {
  return assembleProof(plan, await readNodeHashes(reader, plan.nodes, treeSize));
}

/** MTH of the first `treeSize` leaves (the empty-tree hash for 0). */
export async function treeRoot(reader: TileReader, treeSize: number): Promise<Hash32> {
  const plan = rootPlan(treeSize);
  return foldFromRight(await readNodeHashes(reader, plan.nodes, treeSize));
}

/** RFC 9162 audit path of leaf `leafIndex` in the tree of `treeSize`; requires leafIndex < treeSize <= stored size. */
export function buildInclusionProof(
  reader: TileReader,
  leafIndex: number,
  treeSize: number,
): Promise<Hash32[]> {
  return prove(reader, inclusionPlan(leafIndex, treeSize), treeSize);
}

/** RFC 9162 consistency proof from `size1` to `size2`; requires 0 < size1 <= size2 <= stored size. */
export function buildConsistencyProof(
  reader: TileReader,
  size1: number,
  size2: number,
): Promise<Hash32[]> {
  return prove(reader, consistencyPlan(size1, size2), size2);
}
