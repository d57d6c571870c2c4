/**
 * From what a KMS-style signer returns to what Ethereum expects: DER ECDSA signatures become
 * low-s (r, s, yParity), and a DER SubjectPublicKeyInfo becomes an address. One module for every
 * key Stele holds outside the process (the checkpoint key, the anchor key) and for the dev key.
 */
import type { WeierstrassPoint } from "@noble/curves/abstract/weierstrass.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { equalBytes, fromHex, toHex, utf8 } from "../bytes.ts";
import { InvalidArgumentError } from "../errors.ts";
import { addressOfPublicKey } from "../proof/checkpoint.ts";

/** The order n of the secp256k1 group. */
export const SECP256K1_N: bigint = secp256k1.Point.Fn.ORDER;
/** ⌊n / 2⌋: the largest s Ethereum accepts (EIP-2); n is odd, so s and n − s are never equal. */
export const SECP256K1_HALF_N: bigint = SECP256K1_N >> 1n;

/** An ECDSA signature as Ethereum wants it: s in the low half, and the recovery bit. */
export interface EthereumSignature {
  readonly r: bigint;
  readonly s: bigint;
  readonly yParity: 0 | 1;
}

/** True when 1 ≤ s ≤ n/2 (EIP-2's canonical half; ethers refuses the other). */
export function isLowS(s: bigint): boolean {
  return s >= 1n && s <= SECP256K1_HALF_N;
}

/** (r, s) of a DER-encoded ECDSA signature (strict DER, 1 ≤ r, s < n), as KMS `Sign` returns it. */
export function parseDerSignature(der: Uint8Array): { readonly r: bigint; readonly s: bigint } {
  try {
    const { r, s } = secp256k1.Signature.fromBytes(der, "der");
    return { r, s };
  } catch (error) {
    throw new InvalidArgumentError(
      `not a DER-encoded secp256k1 ECDSA signature (${der.length} bytes): ${(error as Error).message}`,
      { derHex: toHex(der.subarray(0, 80)) },
    );
  }
}

/**
 * The Ethereum form of `der`, a signature over the 32-byte `digest` by the key `publicKey`
 * (SEC1 bytes, compressed or not): s is moved to the low half (s ↦ n − s, which flips the
 * recovery bit) and the recovery bit is found by recovering the key. Requires the signature to
 * be `publicKey`'s over exactly `digest` (not over a hash of it); anything else is refused.
 */
export function ethereumSignatureFromDer(
  der: Uint8Array,
  digest: Uint8Array,
  publicKey: Uint8Array,
): EthereumSignature {
  const { r, s } = parseDerSignature(der);
  return ethereumSignatureFromRs(r, s, digest, publicKey);
}

/** As {@link ethereumSignatureFromDer}, from (r, s) already decoded. Requires 1 ≤ r, s < n. */
export function ethereumSignatureFromRs(
  r: bigint,
  s: bigint,
  digest: Uint8Array,
  publicKey: Uint8Array,
): EthereumSignature {
  if (digest.length !== 32) {
    throw new InvalidArgumentError(`digest must be 32 bytes, got ${digest.length}`);
  }
  const expected = publicKeyPoint(publicKey);
  const lowS = s > SECP256K1_HALF_N ? SECP256K1_N - s : s;
  for (const yParity of [0, 1] as const) {
    let recovered: WeierstrassPoint<bigint>;
    try {
      recovered = new secp256k1.Signature(r, lowS, yParity).recoverPublicKey(digest);
    } catch {
      continue; // r is no x-coordinate for this parity: try the other
    }
    if (recovered.equals(expected)) return { r, s: lowS, yParity };
  }
  throw new InvalidArgumentError(
    "signature does not recover to the expected public key: it was made by another key or over " +
      "other bytes (a signer that hashes a DIGEST again, as moto does without the launcher, " +
      "gives this)",
    { digestHex: toHex(digest), publicKeyHex: toHex(publicKey) },
  );
}

/** 0x hex of the 65 bytes r ‖ s ‖ v with v = 27 + yParity: personal_sign's wire form. */
export function toRsvHex(signature: EthereumSignature): string {
  const { r, s, yParity } = signature;
  if (r < 1n || r >= SECP256K1_N) throw new InvalidArgumentError("signature r is out of 1..n-1");
  if (!isLowS(s)) {
    throw new InvalidArgumentError("signature s is not in the low half 1..n/2: normalise it first");
  }
  if (yParity !== 0 && yParity !== 1) {
    throw new InvalidArgumentError(`signature yParity ${String(yParity)} is not 0 or 1`);
  }
  const v = 27 + yParity;
  return `0x${scalarHex(r)}${scalarHex(s)}${v.toString(16)}`;
}

// A secp256k1 SubjectPublicKeyInfo (RFC 5480) is one fixed structure: DER is canonical, so with
// algorithm id-ecPublicKey, named curve secp256k1 and an uncompressed point (what KMS
// GetPublicKey returns for ECC_SECG_P256K1) every such key is these 23 bytes, then 0x04 ‖ X ‖ Y.
// Comparing the prefix is a complete parse of that one shape; any other shape is not our key.
//   30 56                      SEQUENCE, 86 bytes
//     30 10                    SEQUENCE, 16 bytes (AlgorithmIdentifier)
//       06 07 2a8648ce3d0201   OID 1.2.840.10045.2.1 id-ecPublicKey
//       06 05 2b8104000a       OID 1.3.132.0.10 secp256k1
//     03 42 00                 BIT STRING, 66 bytes, no unused bits: the 65-byte point follows
const SPKI_SECP256K1_PREFIX = fromHex("3056301006072a8648ce3d020106052b8104000a034200");
const SPKI_SECP256K1_LENGTH = SPKI_SECP256K1_PREFIX.length + 65;

/**
 * The uncompressed public key (65 bytes, 0x04 ‖ X ‖ Y) in a DER SubjectPublicKeyInfo of a
 * secp256k1 key, as KMS `GetPublicKey` returns it; refuses other curves, encodings and points
 * off the curve.
 */
export function uncompressedPublicKeyFromSpki(spki: Uint8Array): Uint8Array {
  const prefix = spki.subarray(0, SPKI_SECP256K1_PREFIX.length);
  if (spki.length !== SPKI_SECP256K1_LENGTH || !equalBytes(prefix, SPKI_SECP256K1_PREFIX)) {
    throw new InvalidArgumentError(
      `not the DER SubjectPublicKeyInfo of an uncompressed secp256k1 key (ECC_SECG_P256K1): ` +
        `want ${SPKI_SECP256K1_LENGTH} bytes starting ${toHex(SPKI_SECP256K1_PREFIX)}, got ` +
        `${spki.length} bytes starting ${toHex(spki.subarray(0, SPKI_SECP256K1_PREFIX.length))}`,
    );
  }
  const point = spki.slice(SPKI_SECP256K1_PREFIX.length);
  publicKeyPoint(point); // on the curve, or refused
  return point;
}

/** EIP-55 checksummed address of the secp256k1 key in a DER SubjectPublicKeyInfo. */
export function addressFromSpki(spki: Uint8Array): string {
  return checksumAddress(addressOfPublicKey(uncompressedPublicKeyFromSpki(spki)));
}

/** EIP-55 mixed-case form of a 20-byte 0x address (any case in, checksummed out). */
export function checksumAddress(address: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
    throw new InvalidArgumentError(`not a 20-byte 0x address: ${JSON.stringify(address)}`);
  }
  const lower = address.slice(2).toLowerCase();
  const hash = toHex(keccak_256(utf8(lower)));
  let out = "0x";
  for (let i = 0; i < lower.length; i++) {
    const char = lower.charAt(i);
    out += Number.parseInt(hash.charAt(i), 16) >= 8 ? char.toUpperCase() : char;
  }
  return out;
}

function publicKeyPoint(publicKey: Uint8Array): WeierstrassPoint<bigint> {
  try {
    return secp256k1.Point.fromBytes(publicKey);
  } catch (error) {
    throw new InvalidArgumentError(
      `not a secp256k1 public key (${publicKey.length} bytes): ${(error as Error).message}`,
    );
  }
}

function scalarHex(value: bigint): string {
  return value.toString(16).padStart(64, "0");
}
