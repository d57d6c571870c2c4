/**
 * The signed checkpoint as a C2SP signed note, the form tlog-tiles serves at `<prefix>/checkpoint`:
 * the checkpoint body, a blank line, and one signature line `— <key name> base64(key ID || sig)`.
 *
 * The signature is the checkpoint's own EIP-191 secp256k1 signature (65 bytes r || s || v), not
 * one of the note algorithms C2SP assigns a type byte to (Ed25519, NIST ECDSA …). signed-note
 * reserves type 0xff for such signatures, followed by an identifier, so the key ID is
 *   SHA-256(key name || 0x0A || 0xff || "eip191-secp256k1" || 20-byte signer address)[:4].
 * Tools that do not know the key ignore the line, as the spec requires of unknown keys.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { fromBase64, fromHex, toBase64, toHex, utf8 } from "../bytes.ts";
import { InvalidArgumentError } from "../errors.ts";
import type { SignedCheckpoint } from "./bundle-schema.ts";

/** signed-note's type byte for signature types it assigns no byte to. */
const UNASSIGNED_SIGNATURE_TYPE = 0xff;
/** Follows the 0xff type byte in the key ID preimage: the algorithm of proof-v1. */
const SIGNATURE_TYPE_IDENTIFIER = "eip191-secp256k1";
const KEY_ID_BYTES = 4;
const EIP191_SIGNATURE_BYTES = 65;

/** The 4-byte note key ID of a checkpoint signer under `keyName` (the log's origin). */
export function noteKeyId(keyName: string, signerAddress: string): Uint8Array {
  if (!/^0x[0-9a-fA-F]{40}$/.test(signerAddress)) {
    throw new InvalidArgumentError(`signer ${signerAddress} is not a 20-byte 0x address`);
  }
  const name = utf8(keyName);
  const identifier = utf8(SIGNATURE_TYPE_IDENTIFIER);
  const address = fromHex(signerAddress.slice(2).toLowerCase());
  const preimage = new Uint8Array(name.length + 2 + identifier.length + address.length);
  preimage.set(name);
  preimage[name.length] = 0x0a;
  preimage[name.length + 1] = UNASSIGNED_SIGNATURE_TYPE;
  preimage.set(identifier, name.length + 2);
  preimage.set(address, name.length + 2 + identifier.length);
  return sha256(preimage).subarray(0, KEY_ID_BYTES);
}

/** The checkpoint as a signed note, keyed by its origin. */
export function checkpointNote(checkpoint: SignedCheckpoint): string {
  const { origin, body, signature } = checkpoint;
  const keyId = noteKeyId(origin, signature.signer);
  const value = fromHex(signature.value.slice(2));
  const signed = new Uint8Array(KEY_ID_BYTES + value.length);
  signed.set(keyId);
  signed.set(value, KEY_ID_BYTES);
  return `${body}\n\u2014 ${origin} ${toBase64(signed)}\n`;
}

/** One signature line of a note. */
export interface NoteSignature {
  readonly keyName: string;
  readonly keyId: Uint8Array;
  readonly signature: Uint8Array;
}

/** A note's text (ending in its newline) and signature lines; InvalidArgumentError if malformed. */
export function parseNote(note: string): {
  text: string;
  signatures: NoteSignature[];
} {
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) {
    throw new InvalidArgumentError("a signed note is text, a blank line and signature lines");
  }
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2, -1)
    .split("\n")
    .map((line) => {
      const match = /^\u2014 ([^\s+]+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
      if (match === null) throw new InvalidArgumentError(`not a note signature line: ${line}`);
      const bytes = fromBase64(match[2] ?? "");
      if (bytes.length <= KEY_ID_BYTES) {
        throw new InvalidArgumentError(`signature of ${match[1]} is too short`);
      }
      return {
        keyName: match[1] ?? "",
        keyId: bytes.subarray(0, KEY_ID_BYTES),
        signature: bytes.subarray(KEY_ID_BYTES),
      };
    });
  return { text, signatures };
}

/**
 * The EIP-191 signature value (0x hex, 65 bytes) that `signerAddress` left on `note` under
 * `keyName`, or undefined when no line carries that key's name and ID (other keys are ignored).
 */
export function eip191NoteSignature(
  note: string,
  keyName: string,
  signerAddress: string,
): { text: string; value: string } | undefined {
  const { text, signatures } = parseNote(note);
  const keyId = toHex(noteKeyId(keyName, signerAddress));
  const line = signatures.find(
    (candidate) => candidate.keyName === keyName && toHex(candidate.keyId) === keyId,
  );
  if (line === undefined) return undefined;
  if (line.signature.length !== EIP191_SIGNATURE_BYTES) {
    throw new InvalidArgumentError(
      `the signature of ${keyName} has ${line.signature.length} bytes, want ${EIP191_SIGNATURE_BYTES}`,
    );
  }
  return { text, value: `0x${toHex(line.signature)}` };
}
