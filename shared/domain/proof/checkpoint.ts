/** The signed checkpoint: C2SP tlog-checkpoint body text and its EIP-191 signature. */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { fromHex, toBase64, toHex, utf8 } from "../bytes.ts";
import { InvalidArgumentError } from "../errors.ts";
import type { Hash32 } from "../merkle/hasher.ts";

/** `<origin>\n<treeSize>\n<base64(rootHash)>\n`, byte for byte what the signature covers. */
export function checkpointBody(origin: string, treeSize: number, rootHash: Hash32): string {
  return `${origin}\n${treeSize}\n${toBase64(rootHash)}\n`;
}

/** keccak256("\x19Ethereum Signed Message:\n" + byte length + message): what personal_sign signs. */
export function eip191Digest(message: Uint8Array): Uint8Array {
  const prefix = utf8(`\x19Ethereum Signed Message:\n${message.length}`);
  const joined = new Uint8Array(prefix.length + message.length);
  joined.set(prefix);
  joined.set(message, prefix.length);
  return keccak_256(joined);
}

/** Ethereum address (lowercase, 0x) of an uncompressed secp256k1 public key (65 bytes, 0x04…). */
export function addressOfPublicKey(uncompressed: Uint8Array): string {
  return `0x${toHex(keccak_256(uncompressed.subarray(1)).subarray(12))}`;
}

/**
 * Recovery bit from a signature's v: 27/28 as personal_sign writes it, or 0/1 as some signers
 * do (ethers reads both). ethers would also read an EIP-155 v ≥ 35, but that form belongs to
 * transactions and no personal_sign makes it, so a bundle carrying one was altered: refused.
 */
function recoveryBit(v: number): 0 | 1 {
  if (v === 0 || v === 27) return 0;
  if (v === 1 || v === 28) return 1;
  throw new InvalidArgumentError(`signature v ${v} is not 27, 28, 0 or 1`);
}

/**
 * The address whose key made `signatureHex` (65-byte r || s || v, 0x-prefixed) as an EIP-191
 * personal_sign over `message`; what `ethers.verifyMessage(message, signature)` returns, lowercased.
 */
export function recoverEip191Signer(message: Uint8Array, signatureHex: string): string {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signatureHex)) {
    throw new InvalidArgumentError("signature must be 65 bytes of 0x-prefixed hex (r || s || v)");
  }
  const bytes = fromHex(signatureHex.slice(2));
  // ethers v6, the spec's reference (`ethers.verifyMessage`), refuses an s with its top bit set
  // ("non-canonical s"): the high-s twin (n − s, other v) of a signature must not verify either.
  if ((bytes[32] ?? 0) >= 0x80) {
    throw new InvalidArgumentError(
      "signature s is not canonical: its top bit is set (high-s form)",
    );
  }
  const bit = recoveryBit(bytes[64] ?? 0);
  try {
    const signature = secp256k1.Signature.fromBytes(
      bytes.subarray(0, 64),
      "compact",
    ).addRecoveryBit(bit);
    const publicKey = signature.recoverPublicKey(eip191Digest(message));
    return addressOfPublicKey(publicKey.toBytes(false));
  } catch (error) {
    throw new InvalidArgumentError(`signature recovers no key: ${(error as Error).message}`);
  }
}
