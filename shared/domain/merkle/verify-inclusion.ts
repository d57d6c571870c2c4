/** RFC 9162 §2.1.3.2: checking an inclusion proof needs no trust in whoever built it. */
import { equalBytes } from "../bytes.ts";
import { HASH_BYTES, type Hash32, hashChildren } from "./hasher.ts";
import { InvalidProofError, RootMismatchError } from "./proof-errors.ts";
import { bitLength, popCount, requireCount, shiftRight, xor } from "./tree-math.ts";

/** Length of the audit path of leaf `leafIndex` in a tree of `treeSize`; requires leafIndex < treeSize. */
export function inclusionProofLength(leafIndex: number, treeSize: number): number {
  const inner = bitLength(xor(leafIndex, treeSize - 1));
  return inner + popCount(shiftRight(leafIndex, inner));
}

/**
 * The root that `proof` leads to from `leafHash` at `leafIndex` in a tree of `treeSize`.
 * Throws InvalidProofError when leafIndex >= treeSize, the leaf hash is not 32 bytes or the
 * proof has the wrong length.
 */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Hash32,
  proof: readonly Hash32[],
): Hash32 {
  requireCount("leafIndex", leafIndex);
  requireCount("treeSize", treeSize);
  if (leafIndex >= treeSize) {
    throw new InvalidProofError(`leaf index ${leafIndex} is beyond tree size ${treeSize}`, {
      leafIndex,
      treeSize,
    });
  }
  // Without this a 0-byte leaf hash "proves" itself against a 0-byte root in a tree of one.
  if (leafHash.length !== HASH_BYTES) {
    throw new InvalidProofError(`leaf hash has ${leafHash.length} bytes, want ${HASH_BYTES}`, {
      got: leafHash.length,
      want: HASH_BYTES,
    });
  }
  const want = inclusionProofLength(leafIndex, treeSize);
  if (proof.length !== want) {
    throw new InvalidProofError(`wrong proof size ${proof.length}, want ${want}`, {
      got: proof.length,
      want,
    });
  }
  // The RFC's walk: fn follows the leaf up, sn the last leaf; where fn is a right child or on
  // the right edge (fn == sn) the proof element is the left sibling, otherwise the right one.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let root = leafHash;
  for (const sibling of proof) {
    if (fn % 2 === 1 || fn === sn) {
      root = hashChildren(sibling, root);
      while (fn % 2 === 0 && fn !== 0) {
        fn = shiftRight(fn, 1);
        sn = shiftRight(sn, 1);
      }
    } else {
      root = hashChildren(root, sibling);
    }
    fn = shiftRight(fn, 1);
    sn = shiftRight(sn, 1);
  }
  return root;
}

/** Throws unless `proof` shows `leafHash` at `leafIndex` in the tree of `treeSize` with root `root`. */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Hash32,
  proof: readonly Hash32[],
  root: Hash32,
): void {
  const calculated = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
  if (!equalBytes(calculated, root))
    throw new RootMismatchError("inclusion proof", root, calculated);
}
