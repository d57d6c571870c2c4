/**
 * Runs every committed vector (ours in test/vectors/{inclusion,consistency}, transparency-dev's
 * in test/vectors/transparency-dev-merkle) through the verifiers, checks that proofs built from
 * tiles reproduce our positive cases exactly, and that the committed files are what
 * scripts/generate-vectors.ts writes today.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  type ConsistencyFile,
  flipBit,
  type InclusionFile,
  VECTOR_TREE_SIZES,
  writeVectors,
} from "../../scripts/generate-vectors.ts";
import { SteleError } from "../../shared/domain/errors.ts";
import {
  buildConsistencyProof,
  buildInclusionProof,
  treeRoot,
} from "../../shared/domain/merkle/build-proof.ts";
import { hashLeaf } from "../../shared/domain/merkle/hasher.ts";
import type { TileReader } from "../../shared/domain/merkle/tile-reader.ts";
import { verifyConsistency } from "../../shared/domain/merkle/verify-consistency.ts";
import { verifyInclusion } from "../../shared/domain/merkle/verify-inclusion.ts";
import {
  buildTiles,
  hex,
  randomChunks,
  unhex,
  vectorLeafData,
  vectorLeafHashes,
} from "../support/reference-merkle.ts";

const VECTORS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "vectors");
const TDEV_DIR = path.join(VECTORS_DIR, "transparency-dev-merkle");

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

function vectorFiles(folder: string): string[] {
  return readdirSync(path.join(VECTORS_DIR, folder))
    .filter((name) => name.endsWith(".json"))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
    .map((name) => path.join(VECTORS_DIR, folder, name));
}

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Undefined when `verify` agrees with `wantErr`, else what went wrong. A rejection must be one of
 * the domain's errors with a code in `codes` (not, say, a TypeError from a malformed input).
 */
function disagreement(
  verify: () => void,
  wantErr: boolean,
  codes: readonly string[],
): string | undefined {
  try {
    verify();
  } catch (error) {
    if (!wantErr) return `rejected a valid proof: ${String(error)}`;
    if (!(error instanceof SteleError) || !codes.includes(error.code)) {
      return `rejected with the wrong error: ${String(error)}`;
    }
    return undefined;
  }
  return wantErr ? "accepted an invalid proof" : undefined;
}

const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "base64"));

/** transparency-dev writes a Go nil proof as null. */
const proofOf = (proof: readonly string[] | null): Uint8Array[] => (proof ?? []).map(fromBase64);

/**
 * Cases whose wantErr upstream itself changed after commit 417fb0c, with the answer we hold
 * the verifier to. cmd/proofgen hard-coded wantErr true for (0, 0, equal roots, empty proof),
 * but its own VerifyConsistency accepts it (size1 == size2 returns root1), and later upstream
 * regenerated the file with wantErr false; the tree of size 0 is trivially consistent with itself.
 */
const UPSTREAM_CORRECTED: ReadonlyMap<string, boolean> = new Map([
  ["consistency/additional/sizes-are-equal-zero-and-proof-is-empty.json", false],
]);

interface TdevInclusion {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface TdevConsistency {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

describe("committed Merkle vectors", () => {
  it("verifyInclusion accepts exactly our inclusion cases with wantErr false", (t) => {
    const failures: string[] = [];
    let cases = 0;
    let sweepCases = 0;
    for (const file of vectorFiles("inclusion")) {
      const vectors = readJson<InclusionFile>(file);
      const name = path.basename(file);
      for (const c of vectors.cases) {
        cases++;
        const problem = disagreement(
          () =>
            verifyInclusion(
              c.leafIndex,
              c.treeSize,
              unhex(c.leafHash),
              c.proof.map(unhex),
              unhex(c.root),
            ),
          c.wantErr,
          ["invalid_proof"],
        );
        if (problem !== undefined) failures.push(`${name} ${c.desc}: ${problem}`);
      }
      const sweep = vectors.bitFlipSweep;
      if (sweep === undefined) continue;
      const proof = sweep.proof.map(unhex);
      verifyInclusion(
        sweep.leafIndex,
        sweep.treeSize,
        unhex(sweep.leafHash),
        proof,
        unhex(sweep.root),
      );
      proof.forEach((element, i) => {
        for (let bit = 0; bit < sweep.bitsPerElement; bit++) {
          sweepCases++;
          const modified = proof.map((h, j) => (j === i ? flipBit(element, bit) : h));
          const problem = disagreement(
            () =>
              verifyInclusion(
                sweep.leafIndex,
                sweep.treeSize,
                unhex(sweep.leafHash),
                modified,
                unhex(sweep.root),
              ),
            true,
            ["invalid_proof"],
          );
          if (problem !== undefined)
            failures.push(`${name} modified-proof[${i}]-bit-@${bit}: ${problem}`);
        }
      });
    }
    t.diagnostic(`${cases} inclusion cases and ${sweepCases} bit flips from the sweeps`);
    assert.deepEqual(failures, []);
    assert.ok(cases > 2000 && sweepCases > 10000, `only ${cases} cases and ${sweepCases} flips`);
  });

  it("verifyConsistency accepts exactly our consistency cases with wantErr false", (t) => {
    const failures: string[] = [];
    let cases = 0;
    for (const file of vectorFiles("consistency")) {
      const name = path.basename(file);
      for (const c of readJson<ConsistencyFile>(file).cases) {
        cases++;
        const problem = disagreement(
          () =>
            verifyConsistency(c.size1, c.size2, c.proof.map(unhex), unhex(c.root1), unhex(c.root2)),
          c.wantErr,
          ["invalid_proof"],
        );
        if (problem !== undefined) failures.push(`${name} ${c.desc}: ${problem}`);
      }
    }
    t.diagnostic(`${cases} consistency cases`);
    assert.deepEqual(failures, []);
    assert.ok(cases > 2000, `only ${cases} cases`);
  });

  it("agrees with every transparency-dev/merkle vector", (t) => {
    const failures: string[] = [];
    // A uint64 index such as 2^64 - 1 is outside the contract's integers: invalid_argument is a rejection too.
    const codes = ["invalid_proof", "invalid_argument"];
    const inclusion = jsonFilesUnder(path.join(TDEV_DIR, "inclusion"));
    const consistency = jsonFilesUnder(path.join(TDEV_DIR, "consistency"));
    for (const file of inclusion) {
      const c = readJson<TdevInclusion>(file);
      const problem = disagreement(
        () =>
          verifyInclusion(
            c.leafIdx,
            c.treeSize,
            fromBase64(c.leafHash),
            proofOf(c.proof),
            fromBase64(c.root),
          ),
        UPSTREAM_CORRECTED.get(path.relative(TDEV_DIR, file)) ?? c.wantErr,
        codes,
      );
      if (problem !== undefined)
        failures.push(`${path.relative(TDEV_DIR, file)} (${c.desc}): ${problem}`);
    }
    for (const file of consistency) {
      const c = readJson<TdevConsistency>(file);
      const problem = disagreement(
        () =>
          verifyConsistency(
            c.size1,
            c.size2,
            proofOf(c.proof),
            fromBase64(c.root1),
            fromBase64(c.root2),
          ),
        UPSTREAM_CORRECTED.get(path.relative(TDEV_DIR, file)) ?? c.wantErr,
        codes,
      );
      if (problem !== undefined)
        failures.push(`${path.relative(TDEV_DIR, file)} (${c.desc}): ${problem}`);
    }
    const all = [...inclusion, ...consistency].map((file) => path.relative(TDEV_DIR, file));
    for (const name of UPSTREAM_CORRECTED.keys()) assert.ok(all.includes(name), `${name} is gone`);
    t.diagnostic(`${inclusion.length} inclusion and ${consistency.length} consistency cases`);
    assert.deepEqual(failures, []);
    assert.ok(inclusion.length + consistency.length > 190);
  });

  it("the vectors' leaves are SHA-256 of the decimal index, hashed by the project's hashLeaf", () => {
    const reference = vectorLeafHashes(1000);
    reference.forEach((leafHash, i) => {
      assert.equal(hex(hashLeaf(vectorLeafData(i))), hex(leafHash), `leaf ${i}`);
    });
    // `printf 0 | sha256sum | cut -c1-64 | xxd -r -p | (printf '\x00'; cat) | sha256sum`
    assert.equal(
      hex(reference[0] ?? new Uint8Array(0)),
      "13a77175e35eb1d9da91ee14df0d7772cea71289800206e2b45c882ecb06efbf",
    );
  });

  it("proofs and roots built from tiles reproduce every positive case exactly", async (t) => {
    const leaves = vectorLeafHashes(Math.max(...VECTOR_TREE_SIZES));
    const failures: string[] = [];
    let checked = 0;
    for (const n of VECTOR_TREE_SIZES) {
      // A log of exactly n leaves, appended in random chunks, so that its right-edge tiles are partial.
      const { store } = await buildTiles(leaves.slice(0, n), randomChunks(n));
      const reader: TileReader = store;
      const inclusion = readJson<InclusionFile>(path.join(VECTORS_DIR, "inclusion", `${n}.json`));
      const consistency = readJson<ConsistencyFile>(
        path.join(VECTORS_DIR, "consistency", `${n}.json`),
      );
      assert.equal(hex(await treeRoot(reader, n)), inclusion.root, `treeRoot(${n})`);
      assert.equal(consistency.root, inclusion.root, `root of ${n} in both files`);
      for (const c of inclusion.cases.filter(
        (c) => !c.wantErr && c.desc.startsWith("happy-path"),
      )) {
        checked++;
        assert.equal(
          c.leafHash,
          hex(leaves[c.leafIndex] ?? new Uint8Array(0)),
          `${n}: ${c.desc} leaf hash`,
        );
        const proof = (await buildInclusionProof(reader, c.leafIndex, c.treeSize)).map(hex);
        if (proof.join() !== c.proof.join())
          failures.push(`inclusion ${n}: ${c.desc}: built ${proof.join(",")}`);
      }
      for (const c of consistency.cases.filter(
        (c) => !c.wantErr && c.desc.startsWith("happy-path"),
      )) {
        checked++;
        assert.equal(
          hex(await treeRoot(reader, c.size1)),
          c.root1,
          `treeRoot(${c.size1}) from a log of ${n}`,
        );
        const proof = (await buildConsistencyProof(reader, c.size1, c.size2)).map(hex);
        if (proof.join() !== c.proof.join())
          failures.push(`consistency ${n}: ${c.desc}: built ${proof.join(",")}`);
      }
    }
    t.diagnostic(`${checked} positive proofs rebuilt from tiles`);
    assert.deepEqual(failures, []);
  });

  it("the committed vectors are what `npm run vectors` writes", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "stele-vectors-"));
    try {
      const written = writeVectors(dir).sort();
      const committed = ["inclusion", "consistency"]
        .flatMap((folder) =>
          readdirSync(path.join(VECTORS_DIR, folder)).map((name) => `${folder}/${name}`),
        )
        .sort();
      assert.deepEqual(committed, written, "run `npm run vectors`: the set of files differs");
      for (const name of written) {
        const fresh = readFileSync(path.join(dir, name), "utf8");
        const old = readFileSync(path.join(VECTORS_DIR, name), "utf8");
        assert.ok(fresh === old, `run \`npm run vectors\`: test/vectors/${name} is out of date`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
