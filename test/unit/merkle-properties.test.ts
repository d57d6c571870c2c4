/**
 * Property tests of the tile-based Merkle log against the naive RFC 9162 reference in
 * test/support/reference-merkle.ts: every leaf is provable, every pair of sizes is consistent,
 * proofs in trees of up to 2^24 leaves verify (over a lazily computed "virtual" tree), any change
 * to a proof is rejected unless the reference says it is still valid, and appendLeaves builds the
 * same tree whatever the chunking, writing only at the right edge.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  buildConsistencyProof,
  buildInclusionProof,
  treeRoot,
} from "../../shared/domain/merkle/build-proof.ts";
import { InvalidProofError } from "../../shared/domain/merkle/proof-errors.ts";
import type { TileId } from "../../shared/domain/merkle/tile-id.ts";
import type { TileReader } from "../../shared/domain/merkle/tile-reader.ts";
import { verifyConsistency } from "../../shared/domain/merkle/verify-consistency.ts";
import { verifyInclusion } from "../../shared/domain/merkle/verify-inclusion.ts";
import {
  buildTiles,
  hex,
  ReferenceTree,
  type RefHash,
  randomChunks,
  refConsistencyValid,
  refInclusionValid,
  refLeafHash,
  refNodeHash,
  sha256,
  type TileStoreLike,
} from "../support/reference-merkle.ts";

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Leaf hashes of a tree named by `seed`, so that fast-check can vary the leaves too. */
function leavesFor(seed: number, count: number): RefHash[] {
  return Array.from({ length: count }, (_, i) => refLeafHash(utf8(`${seed}:${i}`)));
}

/** ceil(log256(n)) for n >= 1: tile levels a tree of n leaves can need. */
function ceilLog256(n: number): number {
  let levels = 0;
  while (256 ** levels < n) levels++;
  return levels;
}

function bitLength(value: number): number {
  let bits = 0;
  for (let rest = value; rest > 0; rest = Math.floor(rest / 2)) bits++;
  return bits;
}

/** Runs `verify`; true if it accepted, false if it threw InvalidProofError, rethrows anything else. */
function accepts(verify: () => void): boolean {
  try {
    verify();
    return true;
  } catch (error) {
    if (error instanceof InvalidProofError) return false;
    throw error;
  }
}

/**
 * A TileReader for a tree of up to 2^53 leaves that exists only where proofs look. Leaf i's hash
 * is a PRF of i. A stored hash at tree level 8·L (what tiles hold) is computed honestly from its
 * 256 children when its subtree holds a marked leaf, and is a PRF of (L, index) otherwise; hashes
 * at the levels in between are whatever readNodeHashes folds from the tiles, as in a real log.
 * Proofs for the marked leaves (and sizes ending at them) climb only through honest nodes, so to
 * a verifier this is indistinguishable from a fully built tree, at O(256 · log n) hashes.
 */
class VirtualTree implements TileReader {
  readonly treeSize: number;
  readonly #marked: readonly number[];
  readonly #seed: number;
  readonly #memo = new Map<string, RefHash>();
  tilesRead = 0;

  constructor(treeSize: number, marked: readonly number[], seed: number) {
    this.treeSize = treeSize;
    this.#marked = marked;
    this.#seed = seed;
  }

  leafHash(index: number): RefHash {
    return this.stored(0, index);
  }

  /** The hash at tree level 8·tileLevel, position `index`. */
  stored(tileLevel: number, index: number): RefHash {
    const span = 256 ** tileLevel;
    if ((index + 1) * span > this.treeSize) {
      throw new Error(`node ${tileLevel}/${index} is not complete in a tree of ${this.treeSize}`);
    }
    const key = `${tileLevel}/${index}`;
    const cached = this.#memo.get(key);
    if (cached !== undefined) return cached;
    let hash: RefHash;
    if (tileLevel === 0) {
      hash = sha256(utf8(`leaf/${this.#seed}/${index}`));
    } else if (this.#marked.some((m) => m >= index * span && m < (index + 1) * span)) {
      let level = Array.from({ length: 256 }, (_, k) =>
        this.stored(tileLevel - 1, index * 256 + k),
      );
      while (level.length > 1) {
        level = Array.from({ length: level.length / 2 }, (_, k) =>
          refNodeHash(level[2 * k] as RefHash, level[2 * k + 1] as RefHash),
        );
      }
      hash = level[0] as RefHash;
    } else {
      hash = sha256(utf8(`node/${this.#seed}/${tileLevel}/${index}`));
    }
    this.#memo.set(key, hash);
    return hash;
  }

  async readTiles(tiles: readonly TileId[]): Promise<readonly Uint8Array[]> {
    this.tilesRead += tiles.length;
    return tiles.map((tile) => {
      const hashes = new Uint8Array(tile.width * 32);
      for (let k = 0; k < tile.width; k++)
        hashes.set(this.stored(tile.level, tile.index * 256 + k), k * 32);
      return hashes;
    });
  }
}

const MAX_VIRTUAL = 2 ** 24;
/** Sizes around tile and level boundaries, mixed into the uniform ones. */
const edgeSizes = fc.constantFrom(
  1,
  2,
  3,
  255,
  256,
  257,
  65535,
  65536,
  65537,
  65793,
  131329,
  MAX_VIRTUAL - 1,
  MAX_VIRTUAL,
);
const virtualSize = fc.oneof(fc.integer({ min: 1, max: MAX_VIRTUAL }), edgeSizes);
/** An index below n: uniform, or at one of the edges. */
const indexBelow = (n: number) =>
  fc.oneof(
    fc.integer({ min: 0, max: n - 1 }),
    fc.constantFrom(0, n - 1, Math.floor(n / 2), Math.max(0, n - 257)),
  );

describe("Merkle log properties", () => {
  it("(a) every leaf of a tree of up to 400 leaves is provable from tiles, with the reference PATH", async () => {
    let proofs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 1, max: 400 }), fc.constantFrom(1, 255, 256, 257, 400)),
        fc.integer(),
        async (n, seed) => {
          const leaves = leavesFor(seed, n);
          const reference = new ReferenceTree(leaves);
          const { store } = await buildTiles(leaves, randomChunks(seed));
          const root = await treeRoot(store, n);
          assert.equal(hex(root), hex(reference.root()));
          for (let m = 0; m < n; m++) {
            const proof = await buildInclusionProof(store, m, n);
            assert.deepEqual(proof.map(hex), reference.path(m, n).map(hex), `leaf ${m} of ${n}`);
            verifyInclusion(m, n, leaves[m] as RefHash, proof, root);
            proofs++;
          }
        },
      ),
      { numRuns: 20 },
    );
    assert.ok(proofs > 0);
  });

  it("(b) every pair of sizes up to 64 is consistent, from tiles of exactly size2 leaves", async () => {
    const leaves = leavesFor(64, 64);
    const reference = new ReferenceTree(leaves);
    // One leaf per appendLeaves call: after each, the store holds exactly size2 leaves.
    let store: TileStoreLike | undefined;
    let pairs = 0;
    for (let size2 = 1; size2 <= 64; size2++) {
      const options = store === undefined ? { startSize: 0 } : { store, startSize: size2 - 1 };
      ({ store } = await buildTiles(leaves.slice(size2 - 1, size2), () => 1, options));
      const root2 = await treeRoot(store, size2);
      assert.equal(hex(root2), hex(reference.root(size2)), `root of ${size2}`);
      for (let size1 = 1; size1 <= size2; size1++) {
        const proof = await buildConsistencyProof(store, size1, size2);
        const label = `${size1} to ${size2}`;
        assert.deepEqual(proof.map(hex), reference.consistency(size1, size2).map(hex), label);
        const root1 = await treeRoot(store, size1);
        assert.equal(hex(root1), hex(reference.root(size1)), label);
        verifyConsistency(size1, size2, proof, root1, root2);
        pairs++;
      }
    }
    assert.equal(pairs, (64 * 65) / 2);
  });

  it("(c) proofs in virtual trees of up to 2^24 leaves verify against treeRoot", async () => {
    await fc.assert(
      fc.asyncProperty(
        virtualSize.chain((n) => fc.tuple(fc.constant(n), indexBelow(n))),
        fc.integer(),
        async ([n, m], seed) => {
          const tree = new VirtualTree(n, [m, n - 1], seed);
          const root = await treeRoot(tree, n);
          tree.tilesRead = 0;
          const proof = await buildInclusionProof(tree, m, n);
          // Two tiles per tile level at most: the one over the leaf's own subtree and the
          // right-edge tile. (Not ceil(log256 n) + 1: leaf 0 of 131329 needs 5 tiles.)
          assert.ok(
            tree.tilesRead <= 2 * Math.ceil(bitLength(n - 1) / 8),
            `${tree.tilesRead} tiles for leaf ${m} of ${n}`,
          );
          verifyInclusion(m, n, tree.leafHash(m), proof, root);
          assert.ok(
            refInclusionValid(m, n, tree.leafHash(m), proof, root),
            `reference rejects leaf ${m} of ${n}`,
          );
        },
      ),
      { numRuns: 100 },
    );
    await fc.assert(
      fc.asyncProperty(
        virtualSize.chain((n) =>
          fc.tuple(fc.oneof(indexBelow(n), fc.constant(n - 1)), fc.constant(n)),
        ),
        fc.integer(),
        async ([below, size2], seed) => {
          const size1 = below + 1;
          const tree = new VirtualTree(size2, [size1 - 1, size2 - 1], seed);
          const root1 = await treeRoot(tree, size1);
          const root2 = await treeRoot(tree, size2);
          const proof = await buildConsistencyProof(tree, size1, size2);
          verifyConsistency(size1, size2, proof, root1, root2);
          assert.ok(
            refConsistencyValid(size1, size2, proof, root1, root2),
            `reference rejects ${size1} to ${size2}`,
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it("(d) any change to a proof is rejected unless the reference says it still proves the same", async (t) => {
    const leaves = leavesFor(300, 300);
    const reference = new ReferenceTree(leaves);
    const { store } = await buildTiles(leaves, randomChunks(300));
    const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("flip"), at: fc.nat(), bit: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant("drop"), at: fc.nat() }),
      fc.record({ kind: fc.constant("add"), at: fc.nat(), hash: hash32 }),
      fc.record({ kind: fc.constant("first"), to: fc.integer({ min: 0, max: 700 }) }),
      fc.record({ kind: fc.constant("second"), to: fc.integer({ min: 0, max: 700 }) }),
      fc.record({ kind: fc.constant("hash"), hash: hash32 }),
    );
    type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;
    const mutateProof = (proof: readonly RefHash[], change: Mutation): RefHash[] | undefined => {
      const copy = [...proof];
      if (change.kind === "add") {
        copy.splice(change.at % (proof.length + 1), 0, change.hash);
        return copy;
      }
      if (proof.length === 0) return undefined;
      if (change.kind === "flip") {
        const i = change.at % proof.length;
        const flipped = (copy[i] as RefHash).slice();
        flipped[change.bit >> 3] = (flipped[change.bit >> 3] ?? 0) ^ (1 << (change.bit & 7));
        copy[i] = flipped;
        return copy;
      }
      if (change.kind === "drop") {
        copy.splice(change.at % proof.length, 1);
        return copy;
      }
      return proof.slice();
    };
    let stillValid = 0;

    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 300 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))),
        mutation,
        async ([n, m], change) => {
          const proof = await buildInclusionProof(store, m, n);
          const root = reference.root(n);
          let index = m;
          let size = n;
          let leaf = leaves[m] as RefHash;
          const mutated = mutateProof(proof, change);
          if (change.kind === "first") index = change.to;
          if (change.kind === "second") size = change.to;
          if (change.kind === "hash") leaf = change.hash;
          fc.pre(
            mutated !== undefined &&
              (index !== m ||
                size !== n ||
                hex(leaf) !== hex(leaves[m] as RefHash) ||
                mutated.map(hex).join() !== proof.map(hex).join()),
          );
          const want = refInclusionValid(index, size, leaf, mutated ?? [], root);
          if (want) stillValid++;
          const got = accepts(() => verifyInclusion(index, size, leaf, mutated ?? [], root));
          assert.equal(
            got,
            want,
            `leaf ${m} of ${n}, ${JSON.stringify({ ...change, hash: undefined })}`,
          );
        },
      ),
      { numRuns: 1000 },
    );

    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 300 })
          .chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n))),
        mutation,
        async ([size1, size2], change) => {
          const proof = await buildConsistencyProof(store, size1, size2);
          let s1 = size1;
          let s2 = size2;
          let root1 = reference.root(size1);
          const root2 = reference.root(size2);
          const mutated = mutateProof(proof, change);
          if (change.kind === "first") s1 = change.to;
          if (change.kind === "second") s2 = change.to;
          if (change.kind === "hash") root1 = change.hash;
          fc.pre(
            mutated !== undefined &&
              (s1 !== size1 ||
                s2 !== size2 ||
                change.kind === "hash" ||
                mutated.map(hex).join() !== proof.map(hex).join()),
          );
          const want = refConsistencyValid(s1, s2, mutated ?? [], root1, root2);
          if (want) stillValid++;
          const got = accepts(() => verifyConsistency(s1, s2, mutated ?? [], root1, root2));
          assert.equal(
            got,
            want,
            `${size1} to ${size2}, ${JSON.stringify({ ...change, hash: undefined })}`,
          );
        },
      ),
      { numRuns: 1000 },
    );
    // A record, not an assertion: some size changes keep a proof valid, and then verify must accept.
    t.diagnostic(`${stillValid} mutated proofs were still valid and accepted`);
  });

  it("(e) appendLeaves in any chunking builds the reference tree, writing only at the right edge", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer(),
        async (n, k, seed) => {
          const leaves = leavesFor(seed, n + k);
          const reference = new ReferenceTree(leaves);
          // n leaves in one call, then k more in random chunks.
          const first = await buildTiles(leaves.slice(0, n), () => n);
          const { store, appends } = await buildTiles(leaves.slice(n), randomChunks(seed, 300), {
            store: first.store,
            startSize: n,
          });
          for (const { oldSize, newSize, rootHash, tiles } of [...first.appends, ...appends]) {
            assert.equal(
              hex(rootHash),
              hex(reference.root(newSize)),
              `appendLeaves root at ${newSize}`,
            );
            for (const tile of tiles) {
              const oldStored = Math.floor(oldSize / 256 ** tile.level);
              const newStored = Math.floor(newSize / 256 ** tile.level);
              assert.ok(
                tile.index >= Math.floor(oldStored / 256),
                `${oldSize} → ${newSize} rewrote tile ${tile.level}/${tile.index} left of the edge`,
              );
              assert.equal(
                tile.width,
                Math.min(256, newStored - 256 * tile.index),
                `width of ${tile.level}/${tile.index}`,
              );
            }
          }
          // Every size along the way (sampled) still proves from the final tiles.
          const total = n + k;
          const sizes = new Set([total, n, ...appends.map((a) => a.newSize)].filter((s) => s > 0));
          const sampled = [...sizes]
            .sort((a, b) => a - b)
            .filter((_, i, all) => i % Math.ceil(all.length / 6) === 0 || i === all.length - 1);
          for (const size of sampled) {
            const root = await treeRoot(store, size);
            assert.equal(hex(root), hex(reference.root(size)), `treeRoot(${size})`);
            for (const m of new Set([0, size - 1, Math.floor(size / 2), (seed >>> 0) % size])) {
              store.tilesRead = 0;
              const proof = await buildInclusionProof(store, m, size);
              assert.ok(
                store.tilesRead <= ceilLog256(size) + 1,
                `${store.tilesRead} tiles read for leaf ${m} of ${size}`,
              );
              assert.deepEqual(
                proof.map(hex),
                reference.path(m, size).map(hex),
                `leaf ${m} of ${size}`,
              );
            }
            const size1 = 1 + ((seed >>> 3) % size);
            const proof = await buildConsistencyProof(store, size1, size);
            assert.deepEqual(
              proof.map(hex),
              reference.consistency(size1, size).map(hex),
              `${size1} to ${size}`,
            );
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
