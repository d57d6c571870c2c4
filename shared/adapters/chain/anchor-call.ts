/**
 * Calldata of `anchor(bytes32 logId, uint64 treeSize, bytes32 rootHash)`: the function's 4-byte
 * selector, then each argument as one 32-byte word (the ABI's encoding of static types). Written
 * out here rather than through ethers' `Interface`, whose ABI parser and coders are ~40 KiB of
 * the anchor function's bundle for this one call; a test holds it to `Interface`'s encoding.
 */
import { id } from "ethers";

/** keccak256("anchor(bytes32,uint64,bytes32)")[0..4]. */
const ANCHOR_SELECTOR = id("anchor(bytes32,uint64,bytes32)").slice(0, 10);
const UINT64_MAX = 2n ** 64n - 1n;

function bytes32Word(hex: string, name: string): string {
  const bare = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (!/^[0-9a-fA-F]{64}$/.test(bare)) throw new RangeError(`${name} must be 32 bytes of hex`);
  return bare.toLowerCase();
}

/**
 * Calldata of `anchor(logId, treeSize, rootHash)`. `logId` and `rootHash` are 32-byte hex, with
 * or without 0x (checkpoints carry the root bare); throws for other lengths or a treeSize
 * outside uint64.
 */
export function encodeAnchorCall(
  logId: string,
  treeSize: number | bigint,
  rootHash: string,
): string {
  if (typeof treeSize === "number" && !Number.isSafeInteger(treeSize))
    throw new RangeError("treeSize must be a whole number");
  const size = BigInt(treeSize);
  if (size < 0n || size > UINT64_MAX) throw new RangeError("treeSize must fit in a uint64");
  return (
    ANCHOR_SELECTOR +
    bytes32Word(logId, "logId") +
    size.toString(16).padStart(64, "0") +
    bytes32Word(rootHash, "rootHash")
  );
}
