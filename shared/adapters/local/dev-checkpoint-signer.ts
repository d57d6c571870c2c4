import { secp256k1 } from "@noble/curves/secp256k1.js";
import { checksumAddress, toRsvHex } from "../../domain/crypto/secp256k1-signature.ts";
import { InvalidArgumentError } from "../../domain/errors.ts";
import { addressOfPublicKey, eip191Digest } from "../../domain/proof/checkpoint.ts";
import type { CheckpointSigner } from "../../ports/checkpoint-signer.ts";

/**
 * DEV ONLY: the checkpoint key as a software secp256k1 key held in this process's memory, for
 * the local stack (`npm start`), which loads or creates its 32 bytes in the data dir. Anyone who
 * can read that file can sign checkpoints for the log: never use it for a deployed ledger, whose
 * key lives in KMS (`KmsCheckpointSigner`).
 */
export class DevCheckpointSigner implements CheckpointSigner {
  /** Says what this signer is wherever it is logged or shown. */
  readonly label = "DEV ONLY: software checkpoint key (not KMS), for the local stack";
  readonly #secretKey: Uint8Array;
  readonly #address: string;

  /** Requires `secretKey`: 32 bytes, a valid secp256k1 scalar (1 ≤ k < n). The bytes are copied. */
  constructor(secretKey: Uint8Array) {
    if (secretKey.length !== 32 || !secp256k1.utils.isValidSecretKey(secretKey)) {
      throw new InvalidArgumentError(
        `dev checkpoint key must be 32 bytes encoding a scalar in 1..n-1, got ${secretKey.length} bytes`,
      );
    }
    this.#secretKey = secretKey.slice();
    this.#address = checksumAddress(
      addressOfPublicKey(secp256k1.getPublicKey(this.#secretKey, false)),
    );
  }

  async address(): Promise<string> {
    return this.#address;
  }

  async signPersonalMessage(message: Uint8Array): Promise<string> {
    // prehash: false, since the EIP-191 digest is what is signed; lowS as Ethereum requires.
    const recovered = secp256k1.sign(eip191Digest(message), this.#secretKey, {
      prehash: false,
      lowS: true,
      format: "recovered",
    });
    const { r, s, recovery } = secp256k1.Signature.fromBytes(recovered, "recovered");
    // 2 and 3 mean r ≥ n, which has probability ~2^-128 on secp256k1; Ethereum has no v for it.
    if (recovery !== 0 && recovery !== 1) {
      throw new Error(`signature recovery id ${String(recovery)} has no Ethereum v`);
    }
    return toRsvHex({ r, s, yParity: recovery });
  }
}
