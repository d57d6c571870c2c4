/**
 * Which stored nodes an inclusion or consistency proof is made of (RFC 9162 §2.1.3.1, §2.1.4.1),
 * worked out from sizes and indices alone, so that a store can fetch them in one batch.
 */
import { InvalidArgumentError } from "../errors.ts";
import { leavesUnder, type NodeId, rangeNodes } from "./node-id.ts";
import { bitLength, requireCount, shiftRight, trailingZeros, xor } from "./tree-math.ts";

/**
 * A proof as stored nodes: `nodes` in proof order, except that the run [foldBegin, foldEnd)
 * stands for one proof element, the hash of a right-edge subtree that is not perfect, obtained
 * by folding those hashes from the right (a run of one is that hash; foldBegin === foldEnd when
 * there is no such element).
 */
export interface ProofPlan {
  readonly nodes: readonly NodeId[];
  readonly foldBegin: number;
  readonly foldEnd: number;
}

/** The audit path of perfect node `node` in a tree of `treeSize` leaves, bottom up. */
function pathPlan(node: NodeId, treeSize: number): ProofPlan {
  const lastLeaf = treeSize - 1;
  // Levels above `node` where its ancestors still differ from the last leaf's ancestors.
  const apart = bitLength(xor(node.index, shiftRight(lastLeaf, node.level)));
  const nodes: NodeId[] = [];
  for (let up = 0; up + 1 < apart; up++) {
    nodes.push({ level: node.level + up, index: xor(shiftRight(node.index, up), 1) });
  }
  const foldBegin = nodes.length;
  if (apart > 0) {
    // The right sibling below the fork holds the right edge of the tree and may be partial.
    const level = node.level + apart - 1;
    const begin = (shiftRight(node.index, apart - 1) + 1) * leavesUnder(level);
    nodes.push(...rangeNodes(begin, treeSize));
  }
  const foldEnd = nodes.length;
  // On the right edge every left sibling is perfect; right siblings do not exist.
  for (let up = apart; shiftRight(node.index, up) > 0; up++) {
    const ancestor = shiftRight(node.index, up);
    if (ancestor % 2 === 1) nodes.push({ level: node.level + up, index: ancestor - 1 });
  }
  return { nodes, foldBegin, foldEnd };
}

/** Nodes of the inclusion proof of leaf `leafIndex` in a tree of `treeSize`; requires leafIndex < treeSize. */
export function inclusionPlan(leafIndex: number, treeSize: number): ProofPlan {
  requireCount("leafIndex", leafIndex);
  requireCount("treeSize", treeSize);
  if (leafIndex >= treeSize) {
    throw new InvalidArgumentError(`leafIndex ${leafIndex} is not below treeSize ${treeSize}`, {
      leafIndex,
      treeSize,
    });
  }
  return pathPlan({ level: 0, index: leafIndex }, treeSize);
}

/** Nodes of the consistency proof from `size1` to `size2`; requires 0 < size1 <= size2. */
export function consistencyPlan(size1: number, size2: number): ProofPlan {
  requireCount("size1", size1);
  requireCount("size2", size2);
  if (size1 === 0 || size1 > size2) {
    throw new InvalidArgumentError(
      `consistency needs 0 < size1 <= size2, got ${size1} and ${size2}`,
      {
        size1,
        size2,
      },
    );
  }
  if (size1 === size2) return { nodes: [], foldBegin: 0, foldEnd: 0 };
  // The largest perfect subtree that ends at size1; both trees contain it.
  const level = trailingZeros(size1);
  const node = { level, index: shiftRight(size1, level) - 1 };
  const path = pathPlan(node, size2);
  // When size1 is a power of two that subtree is the old root itself, which the verifier has.
  if (node.index === 0) return path;
  return { nodes: [node, ...path.nodes], foldBegin: path.foldBegin + 1, foldEnd: path.foldEnd + 1 };
}

/** Nodes whose right fold is the root of a tree of `treeSize` leaves (none for the empty tree). */
export function rootPlan(treeSize: number): ProofPlan {
  requireCount("treeSize", treeSize);
  const nodes = rangeNodes(0, treeSize);
  return { nodes, foldBegin: 0, foldEnd: nodes.length };
}
