/** RFC 9162 §2.1.1 hashing: domain-separated leaf and interior-node hashes over SHA-256. */
import { sha256 } from "@noble/hashes/sha2.js";

/** A SHA-256 output: 32 raw bytes. */
export type Hash32 = Uint8Array;

export const HASH_BYTES = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** MTH({}) = SHA-256(""): `printf '' | sha256sum` → e3b0c442…b855. */
export function emptyRoot(): Hash32 {
  return sha256(new Uint8Array(0));
}

/** MTH({d}) = SHA-256(0x00 || d) for leaf data of any length. */
export function hashLeaf(leafData: Uint8Array): Hash32 {
  const message = new Uint8Array(1 + leafData.length);
  message[0] = LEAF_PREFIX;
  message.set(leafData, 1);
  return sha256(message);
}

/** SHA-256(0x01 || left || right): the parent of two subtree hashes. */
export function hashChildren(left: Hash32, right: Hash32): Hash32 {
  const message = new Uint8Array(1 + left.length + right.length);
  message[0] = NODE_PREFIX;
  message.set(left, 1);
  message.set(right, 1 + left.length);
  return sha256(message);
}
