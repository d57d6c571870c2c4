/**
 * A deliberately naive RFC 9162 §2.1 Merkle tree, written straight from the RFC's recursive
 * definitions (MTH, PATH, PROOF/SUBPROOF) with node:crypto's SHA-256, so that it shares no code
 * with shared/domain/merkle. It is the oracle for the generated vectors and the property tests.
 *
 * The verifiers here are recursive too: they walk the same recursion as PATH and SUBPROOF, so
 * "is this (mutated) proof valid?" is answered from the definitions, not from the RFC's iterative
 * algorithm that the code under test implements.
 */
import { createHash } from "node:crypto";

export type RefHash = Uint8Array;

/** SHA-256 of the concatenation of `parts`. */
export function sha256(...parts: readonly Uint8Array[]): RefHash {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** MTH({d}) = SHA-256(0x00 || d). */
export function refLeafHash(leafData: Uint8Array): RefHash {
  return sha256(Uint8Array.of(0x00), leafData);
}

/** SHA-256(0x01 || left || right). */
export function refNodeHash(left: Uint8Array, right: Uint8Array): RefHash {
  return sha256(Uint8Array.of(0x01), left, right);
}

/** MTH({}) = SHA-256(""). */
export function refEmptyRoot(): RefHash {
  return sha256();
}

/** The k of RFC 9162 §2.1.1: the largest power of two smaller than n (requires n > 1). */
export function splitPoint(n: number): number {
  if (!Number.isSafeInteger(n) || n < 2) throw new RangeError(`splitPoint needs n > 1, got ${n}`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over leaf hashes, with no caching at all: the definition as written. */
export function naiveMth(leafHashes: readonly RefHash[]): RefHash {
  const n = leafHashes.length;
  if (n === 0) return refEmptyRoot();
  if (n === 1) return leafHashes[0] as RefHash;
  const k = splitPoint(n);
  return refNodeHash(naiveMth(leafHashes.slice(0, k)), naiveMth(leafHashes.slice(k)));
}

/**
 * A list of leaf hashes with MTH, PATH and PROOF over any prefix. MTH of a range is memoized
 * (by range only, which is what the definition depends on) so that all paths of a few hundred
 * leaves stay cheap; nothing else is clever.
 */
export class ReferenceTree {
  readonly leafHashes: readonly RefHash[];
  readonly #mth = new Map<string, RefHash>();

  constructor(leafHashes: readonly RefHash[]) {
    this.leafHashes = leafHashes;
  }

  get size(): number {
    return this.leafHashes.length;
  }

  /** MTH(D[begin:end]). */
  mth(begin: number, end: number): RefHash {
    this.#checkRange(begin, end);
    const key = `${begin}:${end}`;
    const cached = this.#mth.get(key);
    if (cached !== undefined) return cached;
    let hash: RefHash;
    const n = end - begin;
    if (n === 0) hash = refEmptyRoot();
    else if (n === 1) hash = this.leafHashes[begin] as RefHash;
    else {
      const k = splitPoint(n);
      hash = refNodeHash(this.mth(begin, begin + k), this.mth(begin + k, end));
    }
    this.#mth.set(key, hash);
    return hash;
  }

  /** Root of the tree of the first `treeSize` leaves. */
  root(treeSize: number = this.size): RefHash {
    return this.mth(0, treeSize);
  }

  /** PATH(m, D[treeSize]) (RFC 9162 §2.1.3.1); requires m < treeSize <= size. */
  path(m: number, treeSize: number = this.size): RefHash[] {
    this.#checkRange(0, treeSize);
    if (!(Number.isSafeInteger(m) && m >= 0 && m < treeSize)) {
      throw new RangeError(`PATH needs 0 <= m < n, got m=${m}, n=${treeSize}`);
    }
    return this.#path(m, 0, treeSize);
  }

  #path(m: number, begin: number, end: number): RefHash[] {
    const n = end - begin;
    if (n === 1) return [];
    const k = splitPoint(n);
    if (m < k) return [...this.#path(m, begin, begin + k), this.mth(begin + k, end)];
    return [...this.#path(m - k, begin + k, end), this.mth(begin, begin + k)];
  }

  /** PROOF(m, D[treeSize]) = SUBPROOF(m, D[treeSize], true) (RFC 9162 §2.1.4.1); 0 < m <= treeSize. */
  consistency(m: number, treeSize: number = this.size): RefHash[] {
    this.#checkRange(0, treeSize);
    if (!(Number.isSafeInteger(m) && m > 0 && m <= treeSize)) {
      throw new RangeError(`PROOF needs 0 < m <= n, got m=${m}, n=${treeSize}`);
    }
    return this.#subproof(m, 0, treeSize, true);
  }

  #subproof(m: number, begin: number, end: number, b: boolean): RefHash[] {
    const n = end - begin;
    if (m === n) return b ? [] : [this.mth(begin, end)];
    const k = splitPoint(n);
    if (m <= k) return [...this.#subproof(m, begin, begin + k, b), this.mth(begin + k, end)];
    return [...this.#subproof(m - k, begin + k, end, false), this.mth(begin, begin + k)];
  }

  #checkRange(begin: number, end: number): void {
    if (!(Number.isSafeInteger(begin) && Number.isSafeInteger(end))) {
      throw new RangeError(`range must be integers, got ${begin}..${end}`);
    }
    if (begin < 0 || end < begin || end > this.size) {
      throw new RangeError(`range ${begin}..${end} is outside the ${this.size} leaves`);
    }
  }
}

/** Number of elements PATH(m, D[n]) has, from the recursion alone. */
function pathLength(m: number, n: number): number {
  if (n === 1) return 0;
  const k = splitPoint(n);
  return 1 + (m < k ? pathLength(m, k) : pathLength(m - k, n - k));
}

/**
 * The root that `proof` yields for `leafHash` at `m` in a tree of `n`, read as PATH(m, D[n]):
 * the last element is the MTH of the half that does not hold m. undefined when no tree of n
 * leaves has a path of this length for m (m >= n, n = 0, wrong length).
 */
export function refRootFromPath(
  m: number,
  n: number,
  leafHash: RefHash,
  proof: readonly RefHash[],
): RefHash | undefined {
  if (!(Number.isSafeInteger(m) && Number.isSafeInteger(n)) || m < 0 || m >= n) return undefined;
  if (proof.length !== pathLength(m, n)) return undefined;
  const walk = (mm: number, nn: number, used: number): RefHash => {
    if (nn === 1) return leafHash;
    const k = splitPoint(nn);
    const other = proof[used - 1] as RefHash;
    return mm < k
      ? refNodeHash(walk(mm, k, used - 1), other)
      : refNodeHash(other, walk(mm - k, nn - k, used - 1));
  };
  return walk(m, n, proof.length);
}

/** Whether a verifier must accept this inclusion proof (RFC 9162 §2.1.3.2's intent, by recursion). */
export function refInclusionValid(
  m: number,
  n: number,
  leafHash: RefHash,
  proof: readonly RefHash[],
  root: RefHash,
): boolean {
  if (leafHash.length !== 32) return false;
  const computed = refRootFromPath(m, n, leafHash, proof);
  return computed !== undefined && equal(computed, root);
}

/** Number of elements SUBPROOF(m, D[n], b) has. */
function subproofLength(m: number, n: number, b: boolean): number {
  if (m === n) return b ? 0 : 1;
  const k = splitPoint(n);
  return 1 + (m <= k ? subproofLength(m, k, b) : subproofLength(m - k, n - k, false));
}

/**
 * The (old, new) roots that `proof` yields when read as PROOF(m, D[n]), given the old root
 * (which SUBPROOF omits when the old tree is a complete left subtree). undefined when no pair
 * of trees of sizes m and n has a proof of this length (m = 0, m > n, wrong length).
 */
export function refRootsFromConsistency(
  m: number,
  n: number,
  proof: readonly RefHash[],
  root1: RefHash,
): { readonly root1: RefHash; readonly root2: RefHash } | undefined {
  if (!(Number.isSafeInteger(m) && Number.isSafeInteger(n)) || m <= 0 || m > n) return undefined;
  if (proof.length !== subproofLength(m, n, true)) return undefined;
  // Returns MTH of the first mm leaves and of all nn leaves of the subtree being walked.
  const walk = (mm: number, nn: number, b: boolean, used: number): [RefHash, RefHash] => {
    if (mm === nn) {
      const hash = b ? root1 : (proof[used - 1] as RefHash);
      return [hash, hash];
    }
    const k = splitPoint(nn);
    const other = proof[used - 1] as RefHash;
    if (mm <= k) {
      const [old, whole] = walk(mm, k, b, used - 1);
      return [old, refNodeHash(whole, other)];
    }
    const [old, whole] = walk(mm - k, nn - k, false, used - 1);
    return [refNodeHash(other, old), refNodeHash(other, whole)];
  };
  const [old, whole] = walk(m, n, true, proof.length);
  return { root1: old, root2: whole };
}

/** Whether a verifier must accept this consistency proof (0 < m <= n; m = n needs equal roots). */
export function refConsistencyValid(
  m: number,
  n: number,
  proof: readonly RefHash[],
  root1: RefHash,
  root2: RefHash,
): boolean {
  const roots = refRootsFromConsistency(m, n, proof, root1);
  return roots !== undefined && equal(roots.root1, root1) && equal(roots.root2, root2);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Leaf data of the committed vectors: SHA-256 of the ASCII decimal of `index`. */
export function vectorLeafData(index: number): RefHash {
  return sha256(new TextEncoder().encode(String(index)));
}

/** Leaf hashes 0..count-1 of the committed vectors. */
export function vectorLeafHashes(count: number): RefHash[] {
  return Array.from({ length: count }, (_, i) => refLeafHash(vectorLeafData(i)));
}

/** Lowercase hex. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

/** Bytes of a hex string. */
export function unhex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "hex"));
}

/** A small deterministic PRNG (mulberry32) for chunk sizes and samples that must repeat. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** One appendLeaves call made by buildTiles: sizes before and after, and what it wrote. */
export interface AppendRecord {
  readonly oldSize: number;
  readonly newSize: number;
  readonly rootHash: Uint8Array;
  readonly tiles: readonly {
    readonly level: number;
    readonly index: number;
    readonly width: number;
  }[];
}

/**
 * Appends `leafHashes` to `store` (a MemoryTileStore holding a tree of `startSize` leaves)
 * through the project's appendLeaves, in chunks whose sizes `nextChunk(remaining)` picks
 * (clamped to 1..remaining), writing each result before the next call as a sequencer would.
 *
 * The project's tile code is imported lazily, so that scripts/generate-vectors.ts, which uses
 * only the reference above, never loads the code it is meant to check.
 */
export async function buildTiles(
  leafHashes: readonly Uint8Array[],
  nextChunk: (remaining: number) => number,
  options: { store?: TileStoreLike; startSize?: number } = {},
): Promise<{ store: TileStoreLike; appends: AppendRecord[] }> {
  const [{ appendLeaves }, { MemoryTileStore }] = await Promise.all([
    import("../../shared/domain/merkle/append-leaves.ts"),
    import("../../shared/adapters/memory/memory-tile-store.ts"),
  ]);
  const store = options.store ?? new MemoryTileStore();
  let size = options.startSize ?? 0;
  const appends: AppendRecord[] = [];
  let at = 0;
  while (at < leafHashes.length) {
    const remaining = leafHashes.length - at;
    const count = Math.max(1, Math.min(remaining, Math.floor(nextChunk(remaining))));
    const chunk = new Uint8Array(count * 32);
    leafHashes.slice(at, at + count).forEach((leaf, i) => {
      chunk.set(leaf, i * 32);
    });
    const result = await appendLeaves(store, size, chunk);
    store.writeTiles(result.tiles);
    appends.push({
      oldSize: size,
      newSize: result.treeSize,
      rootHash: result.rootHash,
      tiles: result.tiles.map(({ tile }) => tile),
    });
    size = result.treeSize;
    at += count;
  }
  return { store, appends };
}

/** What buildTiles needs of a store: MemoryTileStore's shape, spelled out to keep imports lazy. */
export interface TileStoreLike {
  tilesRead: number;
  readTiles(
    tiles: readonly { readonly level: number; readonly index: number; readonly width: number }[],
  ): Promise<readonly Uint8Array[]>;
  writeTiles(
    writes: readonly {
      readonly tile: { readonly level: number; readonly index: number; readonly width: number };
      readonly hashes: Uint8Array;
    }[],
  ): void;
}

/** Chunk sizes for buildTiles from a seeded PRNG: mostly small, sometimes whole tiles and more. */
export function randomChunks(seed: number, max = 600): (remaining: number) => number {
  const random = seededRandom(seed);
  return (remaining) => {
    const r = random();
    const limit = r < 0.6 ? 8 : r < 0.9 ? 300 : max;
    return 1 + Math.floor(random() * Math.min(limit, remaining));
  };
}
