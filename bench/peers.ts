/**
 * Our Merkle tree against peers from npm, in the same run and on the same leaves: build a tree
 * of N leaves (from 32-byte leaf data to the root), make an inclusion proof, verify one.
 *
 * - `@sigstore/verify`: the RFC 6962 inclusion check sigstore-js (and so `npm audit
 *   signatures`) runs on Rekor proofs. It only verifies: it is the peer for "verify".
 * - `merkletreejs`, configured for RFC 6962 (leaf hash SHA-256(0x00 ‖ d), node hash
 *   SHA-256(0x01 ‖ l ‖ r), an odd last node promoted, not duplicated): no package on the npm
 *   registry reachable here builds RFC 6962 trees and proofs, so this is the build/proof peer.
 *   Before anything is timed, its roots and proofs must equal ours and the published roots of
 *   Certificate Transparency's 8-leaf reference tree, and sigstore must accept our proofs.
 * - `@openzeppelin/merkle-tree` `SimpleMerkleTree`: what Ethereum projects use. A different
 *   tree (keccak-256, sorted pairs, leaves used as given, not hashed), so its ratio is "the same
 *   job with the usual EVM tree", not the same hashing.
 *
 * Ratios are ours ÷ peer, in operations per second: above 1, ours is faster.
 */
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { verifyMerkleInclusion } from "@sigstore/verify/dist/tlog/merkle.js";
import { MerkleTree } from "merkletreejs";
import { MemoryTileStore } from "../shared/adapters/memory/memory-tile-store.ts";
import { appendLeaves } from "../shared/domain/merkle/append-leaves.ts";
import { buildInclusionProof } from "../shared/domain/merkle/build-proof.ts";
import { hashLeaf } from "../shared/domain/merkle/hasher.ts";
import { hashLeaves32 } from "../shared/domain/merkle/sha256-batch.ts";
import { verifyInclusion } from "../shared/domain/merkle/verify-inclusion.ts";
import { CT_LEAVES_HEX, CT_ROOTS } from "../test/support/ct-reference-tree.ts";
import type { BenchProfile } from "./profile.ts";
import type { PeerComparison } from "./report/results.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest();
const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

/** merkletreejs building an RFC 6962 tree over leaf hashes it is given. */
function rfc6962MerkleTreeJs(leafHashes: Buffer[]): MerkleTree {
  return new MerkleTree(leafHashes, sha256, {
    concatenator: (inputs: Buffer[]) => Buffer.concat([NODE_PREFIX, ...inputs]),
  });
}
const rfc6962LeafHash = (data: Uint8Array) =>
  createHash("sha256").update(LEAF_PREFIX).update(data).digest();

/** sigstore's check: throws unless `proof` leads from leaf data to `root`. */
function sigstoreVerify(
  leafData: Uint8Array,
  index: number,
  size: number,
  proof: Uint8Array[],
  root: Uint8Array,
): void {
  // The shapes of a Rekor entry and checkpoint that verifyMerkleInclusion reads.
  const entry = {
    canonicalizedBody: Buffer.from(leafData),
    inclusionProof: { logIndex: String(index), hashes: proof.map((h) => Buffer.from(h)) },
  };
  const checkpoint = { logSize: BigInt(size), logHash: Buffer.from(root) };
  (verifyMerkleInclusion as unknown as (e: typeof entry, c: typeof checkpoint) => void)(
    entry,
    checkpoint,
  );
}

/** Ours: leaf data (32 bytes each, end to end) → tiles and root. */
async function buildOurs(leafData: Uint8Array) {
  const leafHashes = new Uint8Array(leafData.length);
  hashLeaves32(leafData, leafHashes);
  const store = new MemoryTileStore();
  const built = await appendLeaves(store, 0, leafHashes);
  store.writeTiles(built.tiles);
  return { store, root: built.rootHash };
}

/** Leaf data of Certificate Transparency's reference tree (RFC 6962 test data). */
const CT_LEAVES = CT_LEAVES_HEX.map((h) => Buffer.from(h, "hex"));

/**
 * Throws unless merkletreejs (as configured) and sigstore agree with RFC 6962: the CT
 * reference roots, every proof of every prefix of it, and a random tree of `leafCount`.
 */
export async function checkPeersAreRfc6962(leafCount: number): Promise<void> {
  for (let size = 1; size <= CT_LEAVES.length; size++) {
    const leaves = CT_LEAVES.slice(0, size);
    const tree = rfc6962MerkleTreeJs(leaves.map(rfc6962LeafHash));
    const want = CT_ROOTS[size - 1];
    if (tree.getRoot().toString("hex") !== want)
      throw new Error(`merkletreejs root of CT's first ${size} leaves is not RFC 6962's`);
    const store = new MemoryTileStore();
    const built = await appendLeaves(store, 0, Buffer.concat(leaves.map((d) => hashLeaf(d))));
    store.writeTiles(built.tiles);
    for (let index = 0; index < size; index++) {
      const proof = await buildInclusionProof(store, index, size);
      sigstoreVerify(
        leaves[index] ?? Buffer.alloc(0),
        index,
        size,
        proof,
        Buffer.from(want, "hex"),
      );
    }
  }
  const leafData = new Uint8Array(leafCount * 32);
  for (let i = 0; i < leafCount; i++) leafData.set(sha256(Buffer.from(`leaf ${i}`)), i * 32);
  const ours = await buildOurs(leafData);
  const leafHashes = Array.from({ length: leafCount }, (_, i) =>
    rfc6962LeafHash(leafData.subarray(i * 32, i * 32 + 32)),
  );
  const tree = rfc6962MerkleTreeJs(leafHashes);
  if (tree.getRoot().toString("hex") !== hex(ours.root))
    throw new Error(`merkletreejs and ours disagree on the root of ${leafCount} leaves`);
  for (let k = 0; k < 32; k++) {
    const index = (k * 7919) % leafCount;
    const proof = await buildInclusionProof(ours.store, index, leafCount);
    const theirs = tree.getProof(leafHashes[index] ?? Buffer.alloc(0), index).map((p) => p.data);
    if (theirs.map(hex).join() !== proof.map(hex).join())
      throw new Error(`merkletreejs and ours disagree on the proof of leaf ${index}`);
    sigstoreVerify(
      leafData.subarray(index * 32, index * 32 + 32),
      index,
      leafCount,
      proof,
      ours.root,
    );
  }
  let rejected = false;
  try {
    sigstoreVerify(leafData.subarray(0, 32), 1, leafCount, [], ours.root);
  } catch {
    rejected = true;
  }
  if (!rejected) throw new Error("sigstore accepted a wrong proof");
}

/** Calls of `work` per second over about `seconds` (at least `minCalls`). */
async function rate(seconds: number, work: () => unknown, minCalls = 1): Promise<number> {
  let calls = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (calls < minCalls || performance.now() < deadline) {
    await work();
    calls++;
  }
  return calls / ((performance.now() - started) / 1000);
}

export async function measurePeers(
  profile: BenchProfile,
): Promise<{ figures: Record<string, number>; comparisons: PeerComparison[] }> {
  const leafCount = 2 ** profile.peers.log2Leaves;
  const seconds = profile.peers.seconds;
  await checkPeersAreRfc6962(Math.min(leafCount, 4099));

  const leafData = new Uint8Array(leafCount * 32);
  for (let i = 0; i < leafCount; i += 1) leafData.set(sha256(Buffer.from(`bench ${i}`)), i * 32);
  const leafAt = (i: number) => leafData.subarray(i * 32, i * 32 + 32);
  const leafBuffers = Array.from({ length: leafCount }, (_, i) => Buffer.from(leafAt(i)));
  const indexAt = (k: number) => (k * 4099) % leafCount;

  // Build: leaf data → root.
  const oursBuild = await rate(seconds, () => buildOurs(leafData), 2);
  const mtjsBuild = await rate(
    seconds,
    () => rfc6962MerkleTreeJs(leafBuffers.map(rfc6962LeafHash)),
    2,
  );
  const ozBuild = await rate(
    seconds,
    () => SimpleMerkleTree.of(leafBuffers, { sortLeaves: false }),
    2,
  );

  // Proof: from the built tree (ours reads its tiles).
  const ours = await buildOurs(leafData);
  const leafHashes = leafBuffers.map(rfc6962LeafHash);
  const mtjs = rfc6962MerkleTreeJs(leafHashes);
  const oz = SimpleMerkleTree.of(leafBuffers, { sortLeaves: false });
  let k = 0;
  const oursProof = await rate(seconds, () =>
    buildInclusionProof(ours.store, indexAt(k++), leafCount),
  );
  const mtjsProof = await rate(seconds, () => {
    const index = indexAt(k++);
    return mtjs.getProof(leafHashes[index] ?? Buffer.alloc(0), index);
  });
  const ozProof = await rate(seconds, () => oz.getProof(indexAt(k++)));

  // Verify: leaf data + proof → root matches (each hashes the leaf itself).
  const samples = await Promise.all(
    Array.from({ length: 256 }, async (_, j) => {
      const index = indexAt(j);
      return {
        index,
        proof: await buildInclusionProof(ours.store, index, leafCount),
        ozProof: oz.getProof(index),
      };
    }),
  );
  const sample = () => samples[k++ % samples.length] ?? samples[0];
  const oursVerify = await rate(seconds, () => {
    const s = sample();
    if (s) verifyInclusion(s.index, leafCount, hashLeaf(leafAt(s.index)), s.proof, ours.root);
  });
  const sigstoreVerifyRate = await rate(seconds, () => {
    const s = sample();
    if (s) sigstoreVerify(leafAt(s.index), s.index, leafCount, s.proof, ours.root);
  });
  const ozRoot = oz.root;
  const ozVerify = await rate(seconds, () => {
    const s = sample();
    if (s && !SimpleMerkleTree.verify(ozRoot, leafAt(s.index), s.ozProof))
      throw new Error("OpenZeppelin rejected its own proof");
  });

  const mtjsNote =
    "merkletreejs 0.6 configured for RFC 6962 (checked: same roots and proofs as ours and CT's reference tree)";
  const sigstoreNote = "@sigstore/verify's RFC 6962 inclusion check (verify only)";
  const ozNote =
    "@openzeppelin/merkle-tree SimpleMerkleTree: keccak-256, sorted pairs, leaves not hashed (a different tree)";
  const compare = (
    peer: string,
    note: string,
    operation: PeerComparison["operation"],
    oursPerSec: number,
    peerPerSec: number,
  ): PeerComparison => ({
    peer,
    note,
    operation,
    leaves: leafCount,
    oursPerSec: Number(oursPerSec.toPrecision(4)),
    peerPerSec: Number(peerPerSec.toPrecision(4)),
    ratio: Number((oursPerSec / peerPerSec).toPrecision(3)),
  });
  const comparisons = [
    compare("merkletreejs (RFC 6962)", mtjsNote, "build", oursBuild, mtjsBuild),
    compare("@openzeppelin/merkle-tree", ozNote, "build", oursBuild, ozBuild),
    compare("merkletreejs (RFC 6962)", mtjsNote, "proof", oursProof, mtjsProof),
    compare("@openzeppelin/merkle-tree", ozNote, "proof", oursProof, ozProof),
    compare("@sigstore/verify", sigstoreNote, "verify", oursVerify, sigstoreVerifyRate),
    compare("@openzeppelin/merkle-tree", ozNote, "verify", oursVerify, ozVerify),
  ];
  const slug = (peer: string) =>
    peer.startsWith("merkletreejs")
      ? "merkletreejs"
      : peer.startsWith("@sigstore")
        ? "sigstore"
        : "openzeppelin";
  const figures: Record<string, number> = { "peers.leaves": leafCount };
  for (const c of comparisons) {
    figures[`peers.${c.operation}.ours.perSec`] = c.oursPerSec;
    figures[`peers.${c.operation}.${slug(c.peer)}.perSec`] = c.peerPerSec;
    figures[`peers.${c.operation}.${slug(c.peer)}.ratio`] = c.ratio;
  }
  return { figures, comparisons };
}
