/**
 * The walk of RFC 9162 §2.1.3.2 one path element at a time, for showing a person how a leaf
 * reaches the root. Same algorithm as rootFromInclusionProof in verify-inclusion.ts; checking
 * stays there, this only names the intermediate nodes.
 */
import { HASH_BYTES, type Hash32, hashChildren } from "./hasher.ts";
import { InvalidProofError } from "./proof-errors.ts";
import { requireCount, shiftRight } from "./tree-math.ts";
import { inclusionProofLength } from "./verify-inclusion.ts";

/** One element of an inclusion path and the node it makes with the node below it. */
export interface InclusionStep {
  /** Position of the element in the path (0 is next to the leaf). */
  readonly pathIndex: number;
  /** The path element: the hash of the sibling subtree. */
  readonly sibling: Hash32;
  /** Where the sibling sits: `left` means node = SHA-256(0x01 || sibling || below). */
  readonly siblingSide: "left" | "right";
  /** Height of the computed node above the leaves (a leaf is 0; the root is the tree's height). */
  readonly height: number;
  /** The node computed from the node below and the sibling; the last one is the root. */
  readonly node: Hash32;
}

/**
 * The steps from `leafHash` at `leafIndex` up through `proof` in a tree of `treeSize`; requires
 * leafIndex < treeSize, a 32-byte leaf hash and a path of the length the sizes imply (else
 * InvalidProofError). A tree of one leaf has no steps: the leaf is the root.
 */
export function inclusionSteps(
  leafIndex: number,
  treeSize: number,
  leafHash: Hash32,
  proof: readonly Hash32[],
): InclusionStep[] {
  requireCount("leafIndex", leafIndex);
  requireCount("treeSize", treeSize);
  if (leafIndex >= treeSize) {
    throw new InvalidProofError(`leaf index ${leafIndex} is beyond tree size ${treeSize}`, {
      leafIndex,
      treeSize,
    });
  }
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
  // fn follows the leaf up, sn the last leaf; on the right edge (fn == sn, fn even) the node has
  // no right sibling and rises unchanged until it is a right child: those levels add height only.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let height = 0;
  let node = leafHash;
  const steps: InclusionStep[] = [];
  for (const [pathIndex, sibling] of proof.entries()) {
    let siblingSide: "left" | "right";
    if (fn % 2 === 1 || fn === sn) {
      while (fn % 2 === 0 && fn !== 0) {
        fn = shiftRight(fn, 1);
        sn = shiftRight(sn, 1);
        height++;
      }
      siblingSide = "left";
      node = hashChildren(sibling, node);
    } else {
      siblingSide = "right";
      node = hashChildren(node, sibling);
    }
    fn = shiftRight(fn, 1);
    sn = shiftRight(sn, 1);
    height++;
    steps.push({ pathIndex, sibling, siblingSide, height, node });
  }
  return steps;
}
