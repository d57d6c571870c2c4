/**
 * Writes the RFC 9162 inclusion and consistency vectors in test/vectors/ (`npm run vectors`;
 * `node --import tsx scripts/generate-vectors.ts <dir>` writes them elsewhere). Everything is
 * computed by the naive reference in test/support/reference-merkle.ts, never by the code under
 * test, and is deterministic: the same files byte for byte on every run. See test/vectors/README.md.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  hex,
  ReferenceTree,
  type RefHash,
  refConsistencyValid,
  refInclusionValid,
  refLeafHash,
  sha256,
  vectorLeafHashes,
} from "../test/support/reference-merkle.ts";

/** Tree sizes that get an inclusion file and a consistency file each. */
export const VECTOR_TREE_SIZES: readonly number[] = [
  ...Array.from({ length: 17 }, (_, i) => i + 1),
  31,
  32,
  33,
  64,
  100,
  255,
  256,
  257,
  1000,
];
/** Up to this size every leaf (and every size1) gets a positive case; above it, a sample. */
const EXHAUSTIVE_INCLUSION_MAX = 64;
const EXHAUSTIVE_CONSISTENCY_MAX = 17;
/** Up to this size one leaf's path gets every single-bit flip of every element. */
const BIT_SWEEP_MAX = 17;

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const ZERO_HASH = new Uint8Array(32);
const GARBAGE = sha256(text("stele test vectors: garbage"));
const WRONG_LEAF = refLeafHash(text("stele test vectors: wrong leaf"));
const WRONG_ROOT = sha256(text("stele test vectors: wrong root"));

export interface InclusionCase {
  readonly desc: string;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly proof: readonly string[];
  readonly root: string;
  readonly wantErr: boolean;
}

export interface ConsistencyCase {
  readonly desc: string;
  readonly size1: number;
  readonly size2: number;
  readonly root1: string;
  readonly root2: string;
  readonly proof: readonly string[];
  readonly wantErr: boolean;
}

/**
 * Every single-bit flip of every element of one path, in one record (written out as cases
 * they would not fit the size budget): case `modified-proof[i]-bit-@b`, for i < proof.length
 * and b < 256, is this record with byte floor(b / 8) of proof[i] XOR (1 << (b % 8)).
 */
export interface BitFlipSweep {
  readonly desc: string;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly proof: readonly string[];
  readonly root: string;
  readonly bitsPerElement: 256;
  readonly wantErr: true;
}

export interface InclusionFile {
  readonly desc: string;
  readonly treeSize: number;
  readonly root: string;
  readonly bitFlipSweep?: BitFlipSweep;
  readonly cases: readonly InclusionCase[];
}

export interface ConsistencyFile {
  readonly desc: string;
  readonly treeSize: number;
  readonly root: string;
  readonly cases: readonly ConsistencyCase[];
}

/** `hash` with bit `bit` (0–255: byte floor(bit/8), mask 1 << (bit % 8)) flipped. */
export function flipBit(hash: Uint8Array, bit: number): Uint8Array {
  const out = hash.slice();
  const at = Math.floor(bit / 8);
  out[at] = (out[at] ?? 0) ^ (1 << (bit % 8));
  return out;
}

/** Two bits per element for the written-out flip cases: bit 3 (as transparency-dev) and one more. */
function sampledBits(element: number): number[] {
  return [...new Set([3, (200 + 53 * element) % 256])];
}

function sortedUnique(values: Iterable<number>, min: number, max: number): number[] {
  return [...new Set(values)].filter((v) => v >= min && v <= max).sort((a, b) => a - b);
}

/** Edges, around the split point of n, the middle and an even spread: about 20 values in [min, max]. */
function sample(n: number, min: number, max: number, extra: readonly number[]): number[] {
  let k = 1;
  while (k * 2 < n) k *= 2;
  const spread = Array.from({ length: 12 }, (_, i) => Math.floor(((i + 0.5) * n) / 12));
  const edges = [min, min + 1, k - 1, k, k + 1, Math.floor(n / 2), max - 1, max];
  return sortedUnique([...edges, ...extra, ...spread], min, max);
}

function inclusionFile(tree: ReferenceTree, n: number): InclusionFile {
  const root = tree.root(n);
  const rootHex = hex(root);
  const cases: InclusionCase[] = [];
  const add = (
    desc: string,
    m: number,
    size: number,
    leaf: RefHash,
    proof: readonly RefHash[],
    r: RefHash,
  ) => {
    cases.push({
      desc,
      leafIndex: m,
      treeSize: size,
      leafHash: hex(leaf),
      proof: proof.map(hex),
      root: hex(r),
      wantErr: !refInclusionValid(m, size, leaf, proof, r),
    });
  };

  const positives =
    n <= EXHAUSTIVE_INCLUSION_MAX
      ? Array.from({ length: n }, (_, i) => i)
      : sample(n, 0, n - 1, []);
  for (const m of positives) {
    add(`happy-path leaf ${m}`, m, n, tree.leafHashes[m] as RefHash, tree.path(m, n), root);
  }

  for (const m of sortedUnique([0, Math.floor(n / 2), n - 1], 0, n - 1)) {
    const leaf = tree.leafHashes[m] as RefHash;
    const proof = tree.path(m, n);
    const at = (name: string) => `leaf ${m}: ${name}`;
    proof.forEach((_, i) => {
      for (const bit of sampledBits(i)) {
        const modified = proof.map((h, j) => (j === i ? flipBit(h, bit) : h));
        add(at(`modified-proof[${i}]-bit-@${bit}`), m, n, leaf, modified, root);
      }
    });
    add(at("leafIdx-plus-@1"), m + 1, n, leaf, proof, root);
    if (m > 0) add(at("leafIdx-sub-@1"), m - 1, n, leaf, proof, root);
    add(at("leafIdx-XOR-@2"), m ^ 2, n, leaf, proof, root);
    add(at("leafIdx-equals-treeSize"), n, n, leaf, proof, root);
    add(at("treeSize-plus-@1"), m, n + 1, leaf, proof, root);
    add(at("treeSize-sub-@1"), m, n - 1, leaf, proof, root);
    add(at("treeSize-mul-@2"), m, n * 2, leaf, proof, root);
    add(at("treeSize-div-@2"), m, Math.floor(n / 2), leaf, proof, root);
    if (proof.length > 0) add(at("truncated-proof"), m, n, leaf, proof.slice(0, -1), root);
    add(at("padded-proof"), m, n, leaf, [...proof, ZERO_HASH], root);
    add(at("preceding-garbage"), m, n, leaf, [GARBAGE, ...proof], root);
    add(at("trailing-garbage"), m, n, leaf, [...proof, GARBAGE], root);
    add(at("wrong-leaf"), m, n, WRONG_LEAF, proof, root);
    add(at("wrong-root"), m, n, leaf, proof, tree.root(n + 1));
    if (proof.length > 0) add(at("empty-proof"), m, n, leaf, [], root);
  }

  let bitFlipSweep: BitFlipSweep | undefined;
  if (n <= BIT_SWEEP_MAX) {
    const m = Math.floor(n / 2);
    const leaf = tree.leafHashes[m] as RefHash;
    const proof = tree.path(m, n);
    proof.forEach((_, i) => {
      for (let bit = 0; bit < 256; bit++) {
        const modified = proof.map((h, j) => (j === i ? flipBit(h, bit) : h));
        // A valid flipped path would be a SHA-256 second preimage; the record cannot say so.
        if (refInclusionValid(m, n, leaf, modified, root)) {
          throw new Error(
            `flipping bit ${bit} of proof[${i}] of leaf ${m} of ${n} leaves is still valid`,
          );
        }
      }
    });
    bitFlipSweep = {
      desc: `every single-bit flip of every element of the path of leaf ${m}: modified-proof[i]-bit-@b for i < ${proof.length}, b < 256`,
      leafIndex: m,
      treeSize: n,
      leafHash: hex(leaf),
      proof: proof.map(hex),
      root: rootHex,
      bitsPerElement: 256,
      wantErr: true,
    };
  }

  const desc = `inclusion proofs in the tree of leaves 0..${n - 1} (leaf data i = SHA-256 of the decimal of i)`;
  return bitFlipSweep === undefined
    ? { desc, treeSize: n, root: rootHex, cases }
    : { desc, treeSize: n, root: rootHex, bitFlipSweep, cases };
}

function consistencyFile(tree: ReferenceTree, n: number): ConsistencyFile {
  const root2 = tree.root(n);
  const cases: ConsistencyCase[] = [];
  const add = (
    desc: string,
    m: number,
    size: number,
    proof: readonly RefHash[],
    r1: RefHash,
    r2: RefHash,
  ) => {
    cases.push({
      desc,
      size1: m,
      size2: size,
      root1: hex(r1),
      root2: hex(r2),
      proof: proof.map(hex),
      wantErr: !refConsistencyValid(m, size, proof, r1, r2),
    });
  };

  const positives =
    n <= EXHAUSTIVE_CONSISTENCY_MAX
      ? Array.from({ length: n }, (_, i) => i + 1)
      : sample(n, 1, n, [7, 8, 9]);
  for (const m of positives)
    add(`happy-path ${m} to ${n}`, m, n, tree.consistency(m, n), tree.root(m), root2);

  for (const m of sortedUnique([1, Math.floor(n / 2), n - 1, n], 1, n)) {
    const root1 = tree.root(m);
    const proof = tree.consistency(m, n);
    const at = (name: string) => `${m} to ${n}: ${name}`;
    proof.forEach((_, i) => {
      for (const bit of sampledBits(i)) {
        const modified = proof.map((h, j) => (j === i ? flipBit(h, bit) : h));
        add(at(`modified-proof[${i}]-bit-@${bit}`), m, n, modified, root1, root2);
      }
    });
    add(at("size1-plus-@1"), m + 1, n, proof, root1, root2);
    add(at("size1-sub-@1"), m - 1, n, proof, root1, root2);
    add(at("size1-XOR-@2"), m ^ 2, n, proof, root1, root2);
    add(at("size2-plus-@1"), m, n + 1, proof, root1, root2);
    add(at("size2-sub-@1"), m, n - 1, proof, root1, root2);
    add(at("size2-mul-@2"), m, n * 2, proof, root1, root2);
    add(at("size2-div-@2"), m, Math.floor(n / 2), proof, root1, root2);
    if (proof.length > 0) add(at("truncated-proof"), m, n, proof.slice(0, -1), root1, root2);
    add(at("padded-proof"), m, n, [...proof, ZERO_HASH], root1, root2);
    add(at("preceding-garbage"), m, n, [GARBAGE, ...proof], root1, root2);
    add(at("trailing-garbage"), m, n, [...proof, GARBAGE], root1, root2);
    add(at("preceding-root1"), m, n, [root1, ...proof], root1, root2);
    add(at("trailing-root2"), m, n, [...proof, root2], root1, root2);
    add(at("wrong-root1"), m, n, proof, WRONG_ROOT, root2);
    add(at("wrong-root2"), m, n, proof, root1, WRONG_ROOT);
    add(at("swapped-roots"), m, n, proof, root2, root1);
    if (proof.length > 0) add(at("empty-proof"), m, n, [], root1, root2);
  }

  return {
    desc: `consistency proofs from smaller trees to the tree of leaves 0..${n - 1} (leaf data i = SHA-256 of the decimal of i)`,
    treeSize: n,
    root: hex(root2),
    cases,
  };
}

/** One line per case, so that a diff of two generations reads case by case. */
function render(file: InclusionFile | ConsistencyFile): string {
  const { cases, ...head } = file;
  const headLines = Object.entries(head).map(
    ([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)},`,
  );
  const caseLines = cases.map(
    (c, i) => `    ${JSON.stringify(c)}${i < cases.length - 1 ? "," : ""}`,
  );
  return ["{", ...headLines, '  "cases": [', ...caseLines, "  ]", "}", ""].join("\n");
}

/** Every generated file, by path relative to the vectors folder, in a fixed order. */
export function generateVectors(): Map<string, string> {
  const largest = Math.max(...VECTOR_TREE_SIZES);
  // One leaf more than the largest tree: the wrong-root cases use the next tree's root.
  const tree = new ReferenceTree(vectorLeafHashes(largest + 1));
  const files = new Map<string, string>();
  for (const n of VECTOR_TREE_SIZES)
    files.set(`inclusion/${n}.json`, render(inclusionFile(tree, n)));
  for (const n of VECTOR_TREE_SIZES)
    files.set(`consistency/${n}.json`, render(consistencyFile(tree, n)));
  return files;
}

/** Replaces the inclusion/ and consistency/ folders under `outDir` with freshly generated files. */
export function writeVectors(outDir: string): string[] {
  const files = generateVectors();
  for (const folder of ["inclusion", "consistency"]) {
    rmSync(path.join(outDir, folder), { recursive: true, force: true });
    mkdirSync(path.join(outDir, folder), { recursive: true });
  }
  for (const [name, content] of files) writeFileSync(path.join(outDir, name), content);
  return [...files.keys()];
}

/** The committed vectors folder. */
export const VECTORS_DIR = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "test",
  "vectors",
);

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = path.resolve(process.argv[2] ?? VECTORS_DIR);
  const written = writeVectors(outDir);
  console.log(`wrote ${written.length} files to ${outDir}`);
}
