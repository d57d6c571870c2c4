/** Whole levels of a tree at once, through the batched SHA-256 kernel. */
import { InvalidArgumentError } from "../errors.ts";
import { HASH_BYTES } from "./hasher.ts";
import { hashPairs } from "./sha256-batch.ts";

/**
 * Roots of consecutive perfect subtrees of `width` hashes each (width a power of two) over
 * `hashes` laid end to end; requires hashes.length to be a multiple of width·32. Returns a new
 * buffer of hashes.length / width bytes; the input is left as it was.
 */
export function subtreeHashes(hashes: Uint8Array, width: number): Uint8Array {
  if (!Number.isInteger(Math.log2(width)) || hashes.length % (width * HASH_BYTES) !== 0) {
    throw new InvalidArgumentError(
      `subtreeHashes needs whole subtrees of a power-of-two width, got ${hashes.length} bytes and width ${width}`,
    );
  }
  if (width === 1) return hashes.slice();
  let level = new Uint8Array(hashes.length / 2);
  hashPairs(hashes, level);
  for (let span = width / 2; span > 1; span /= 2) {
    // In place: hashPairs allows `out` to be the first half of its input.
    const parents = level.subarray(0, level.length / 2);
    hashPairs(level, parents);
    level = parents;
  }
  return level;
}
