/** What a leaf commits to: the SHA-256 of a document's bytes or of a payload's canonical JSON. */
import { sha256 } from "@noble/hashes/sha2.js";
import canonicalize from "canonicalize";
import { utf8 } from "../bytes.ts";
import { InvalidArgumentError } from "../errors.ts";
import type { Hash32 } from "../merkle/hasher.ts";

/** contentHash of a document: SHA-256 of its bytes. */
export function documentContentHash(document: Uint8Array): Hash32 {
  return sha256(document);
}

/** The RFC 8785 (JCS) canonical JSON text of `payload`. */
export function canonicalJson(payload: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(payload);
  } catch (error) {
    throw new InvalidArgumentError(
      `payload has no canonical JSON form: ${(error as Error).message}`,
    );
  }
  if (text === undefined) throw new InvalidArgumentError("payload has no JSON value");
  return text;
}

/** contentHash of a transaction: SHA-256 of the UTF-8 bytes of the payload's canonical JSON. */
export function transactionContentHash(payload: unknown): Hash32 {
  return sha256(utf8(canonicalJson(payload)));
}
