// The verify page's picture of an inclusion path: each step must be a real node of the RFC 9162
// tree (checked against the naive reference), and the last one the root, for every leaf.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inclusionSteps } from "../../shared/domain/merkle/inclusion-steps.ts";
import { InvalidProofError } from "../../shared/domain/merkle/proof-errors.ts";
import { hex, ReferenceTree, vectorLeafHashes } from "../support/reference-merkle.ts";

const SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 31, 32, 33, 100];
const tree = new ReferenceTree(vectorLeafHashes(Math.max(...SIZES)));

describe("inclusionSteps", () => {
  it("ends at the root for every leaf of every tree size", () => {
    for (const treeSize of SIZES) {
      for (let leafIndex = 0; leafIndex < treeSize; leafIndex++) {
        const leaf = tree.leafHashes[leafIndex] as Uint8Array;
        const steps = inclusionSteps(leafIndex, treeSize, leaf, tree.path(leafIndex, treeSize));
        const top = steps.at(-1)?.node ?? leaf;
        assert.equal(hex(top), hex(tree.root(treeSize)), `leaf ${leafIndex} of ${treeSize}`);
        assert.equal(steps.at(-1)?.height ?? 0, Math.ceil(Math.log2(treeSize)));
      }
    }
  });

  it("names at each step the subtree that holds the leaf, and the side of its sibling", () => {
    for (const treeSize of SIZES) {
      for (let leafIndex = 0; leafIndex < treeSize; leafIndex++) {
        const path = tree.path(leafIndex, treeSize);
        const leaf = tree.leafHashes[leafIndex] as Uint8Array;
        const steps = inclusionSteps(leafIndex, treeSize, leaf, path);
        assert.equal(steps.length, path.length);
        for (const [i, step] of steps.entries()) {
          const where = `step ${i} of leaf ${leafIndex} in ${treeSize}`;
          // A node at height h covers the aligned range of 2^h leaves (cut at the tree's edge).
          const width = 2 ** step.height;
          const begin = Math.floor(leafIndex / width) * width;
          const end = Math.min(begin + width, treeSize);
          assert.equal(hex(step.node), hex(tree.mth(begin, end)), where);
          assert.equal(step.pathIndex, i);
          assert.equal(hex(step.sibling), hex(path[i] as Uint8Array), where);
          const childWidth = width / 2;
          const inRightHalf = leafIndex - begin >= childWidth;
          assert.equal(step.siblingSide, inRightHalf ? "left" : "right", where);
        }
      }
    }
  });

  it("refuses what rootFromInclusionProof refuses: an index beyond the tree, a path of the wrong length", () => {
    const leaf = tree.leafHashes[0] as Uint8Array;
    const path = tree.path(0, 8);
    assert.throws(() => inclusionSteps(8, 8, leaf, path), InvalidProofError);
    assert.throws(() => inclusionSteps(0, 8, leaf, path.slice(1)), /wrong proof size 2, want 3/);
    assert.throws(() => inclusionSteps(0, 8, leaf.subarray(1), path), InvalidProofError);
  });
});
