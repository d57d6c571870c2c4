/**
 * Published RFC 6962 known answers: the 8-leaf reference tree that Certificate Transparency
 * implementations test against (roots of every prefix and the proofs in transparency-dev/merkle's
 * proof/verify_test.go), checked against the project's hasher, tiles, proof builders and
 * verifiers, and against the test reference itself (the oracle of the generated vectors).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryTileStore } from "../../shared/adapters/memory/memory-tile-store.ts";
import { appendLeaves } from "../../shared/domain/merkle/append-leaves.ts";
import {
  buildConsistencyProof,
  buildInclusionProof,
  treeRoot,
} from "../../shared/domain/merkle/build-proof.ts";
import { emptyRoot, hashChildren, hashLeaf } from "../../shared/domain/merkle/hasher.ts";
import { verifyConsistency } from "../../shared/domain/merkle/verify-consistency.ts";
import { verifyInclusion } from "../../shared/domain/merkle/verify-inclusion.ts";
import { CT_LEAVES_HEX, CT_ROOTS } from "../support/ct-reference-tree.ts";
import { hex, naiveMth, ReferenceTree, refLeafHash, unhex } from "../support/reference-merkle.ts";

// `printf '' | sha256sum`
const EMPTY_TREE_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// `printf '\x00' | sha256sum`: the leaf hash of empty leaf data, and the root of the tree {""}.
const EMPTY_LEAF_HASH = "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d";

/** Leaf data of the reference tree (certificate-transparency, transparency-dev/merkle). */
const CT_LEAVES = CT_LEAVES_HEX.map(unhex);

/** transparency-dev/merkle proof/verify_test.go inclusionProofs (its leaf numbers are 1-based). */
const CT_INCLUSION: readonly { leafIndex: number; treeSize: number; proof: string[] }[] = [
  { leafIndex: 0, treeSize: 1, proof: [] },
  {
    leafIndex: 0,
    treeSize: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    leafIndex: 5,
    treeSize: 8,
    proof: [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  {
    leafIndex: 2,
    treeSize: 3,
    proof: ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
  },
  {
    leafIndex: 1,
    treeSize: 5,
    proof: [
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
];

/** transparency-dev/merkle proof/verify_test.go consistencyProofs. */
const CT_CONSISTENCY: readonly { size1: number; size2: number; proof: string[] }[] = [
  { size1: 1, size2: 1, proof: [] },
  {
    size1: 1,
    size2: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    size1: 6,
    size2: 8,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  {
    size1: 2,
    size2: 5,
    proof: [
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
  {
    size1: 6,
    size2: 7,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
];

const rootOf = (treeSize: number): string => CT_ROOTS[treeSize - 1] ?? "";

/** The reference tree stored as tiles, one leaf per appendLeaves call, checking each new root. */
async function ctTiles(): Promise<MemoryTileStore> {
  const store = new MemoryTileStore();
  for (const [i, data] of CT_LEAVES.entries()) {
    const result = await appendLeaves(store, i, hashLeaf(data));
    assert.equal(result.treeSize, i + 1);
    assert.equal(hex(result.rootHash), rootOf(i + 1), `appendLeaves root of size ${i + 1}`);
    store.writeTiles(result.tiles);
  }
  return store;
}

describe("RFC 6962 known answers", () => {
  it("hashes the empty tree and the empty leaf as sha256sum does", async () => {
    assert.equal(hex(emptyRoot()), EMPTY_TREE_ROOT);
    assert.equal(hex(await treeRoot(new MemoryTileStore(), 0)), EMPTY_TREE_ROOT);
    assert.equal(hex(hashLeaf(new Uint8Array(0))), EMPTY_LEAF_HASH);
    assert.equal(hex(naiveMth([])), EMPTY_TREE_ROOT);
    assert.equal(hex(refLeafHash(new Uint8Array(0))), EMPTY_LEAF_HASH);
  });

  it("computes the published root of every prefix of the 8-leaf reference tree", async () => {
    const leafHashes = CT_LEAVES.map(hashLeaf);
    const reference = new ReferenceTree(CT_LEAVES.map(refLeafHash));
    const store = await ctTiles();
    for (let n = 1; n <= CT_LEAVES.length; n++) {
      assert.equal(hex(await treeRoot(store, n)), rootOf(n), `treeRoot of size ${n}`);
      assert.equal(hex(naiveMth(leafHashes.slice(0, n))), rootOf(n), `reference MTH of size ${n}`);
      assert.equal(hex(reference.root(n)), rootOf(n), `ReferenceTree root of size ${n}`);
    }
    // The root of two leaves is SHA-256(0x01 || leaf 0 || leaf 1).
    assert.equal(
      hex(hashChildren(leafHashes[0] ?? new Uint8Array(0), leafHashes[1] ?? new Uint8Array(0))),
      rootOf(2),
    );
  });

  it("builds and verifies the published inclusion proofs", async () => {
    const store = await ctTiles();
    const reference = new ReferenceTree(CT_LEAVES.map(refLeafHash));
    for (const { leafIndex, treeSize, proof } of CT_INCLUSION) {
      const label = `leaf ${leafIndex} of ${treeSize}`;
      const leafHash = hashLeaf(CT_LEAVES[leafIndex] ?? new Uint8Array(0));
      assert.deepEqual(
        (await buildInclusionProof(store, leafIndex, treeSize)).map(hex),
        proof,
        label,
      );
      assert.deepEqual(reference.path(leafIndex, treeSize).map(hex), proof, `reference ${label}`);
      verifyInclusion(leafIndex, treeSize, leafHash, proof.map(unhex), unhex(rootOf(treeSize)));
      assert.throws(
        () =>
          verifyInclusion(
            leafIndex,
            treeSize,
            leafHash,
            proof.map(unhex),
            unhex(rootOf(treeSize + 1) || EMPTY_TREE_ROOT),
          ),
        { code: "invalid_proof" },
        label,
      );
    }
  });

  it("builds and verifies the published consistency proofs", async () => {
    const store = await ctTiles();
    const reference = new ReferenceTree(CT_LEAVES.map(refLeafHash));
    for (const { size1, size2, proof } of CT_CONSISTENCY) {
      const label = `${size1} to ${size2}`;
      assert.deepEqual((await buildConsistencyProof(store, size1, size2)).map(hex), proof, label);
      assert.deepEqual(reference.consistency(size1, size2).map(hex), proof, `reference ${label}`);
      verifyConsistency(size1, size2, proof.map(unhex), unhex(rootOf(size1)), unhex(rootOf(size2)));
      if (size1 < size2) {
        assert.throws(
          () =>
            verifyConsistency(
              size1,
              size2,
              proof.map(unhex),
              unhex(rootOf(size2)),
              unhex(rootOf(size1)),
            ),
          { code: "invalid_proof" },
          `swapped roots ${label}`,
        );
      }
    }
  });
});
