/** Why a Merkle proof was rejected, with what was wanted against what was found. */
import { toHex } from "../bytes.ts";
import { SteleError } from "../errors.ts";
import type { Hash32 } from "./hasher.ts";

/** A proof that is malformed for its sizes or does not lead to the claimed root. */
export class InvalidProofError extends SteleError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("invalid_proof", message, context);
  }
}

/** The proof is well formed but the root it computes is not the root claimed. */
export class RootMismatchError extends InvalidProofError {
  readonly expectedRoot: Hash32;
  readonly calculatedRoot: Hash32;

  constructor(what: string, expectedRoot: Hash32, calculatedRoot: Hash32) {
    super(`${what}: calculated root ${toHex(calculatedRoot)}, want ${toHex(expectedRoot)}`, {
      expectedRoot: toHex(expectedRoot),
      calculatedRoot: toHex(calculatedRoot),
    });
    this.expectedRoot = expectedRoot;
    this.calculatedRoot = calculatedRoot;
  }
}
