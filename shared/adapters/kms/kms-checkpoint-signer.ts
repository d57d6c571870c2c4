import type { KMSClient } from "@aws-sdk/client-kms";
import { toRsvHex } from "../../domain/crypto/secp256k1-signature.ts";
import { eip191Digest } from "../../domain/proof/checkpoint.ts";
import type { CheckpointSigner } from "../../ports/checkpoint-signer.ts";
import { KmsKeyError, type KmsKeyOperation, KmsSecp256k1Key } from "./kms-secp256k1-key.ts";

export interface KmsCheckpointSignerOptions {
  /** Built once at cold start and shared; this adapter never builds its own. */
  readonly client: KMSClient;
  /** Key id, key ARN, alias name or alias ARN of an ECC_SECG_P256K1 SIGN_VERIFY key. */
  readonly keyId: string;
}

/** A KMS call for the checkpoint key failed or answered something unusable; `cause` says why. */
export class KmsCheckpointKeyError extends KmsKeyError {
  constructor(keyId: string, operation: KmsKeyOperation, message: string, options?: ErrorOptions) {
    super("checkpoint", keyId, operation, message, options);
  }
}

/**
 * The checkpoint key in AWS KMS: EIP-191 personal_sign done as KMS `Sign` over the EIP-191
 * digest (MessageType DIGEST, so KMS does not hash it again), then made Ethereum-shaped (low s,
 * v by recovery) by the shared secp256k1 module. The key never leaves KMS.
 */
export class KmsCheckpointSigner implements CheckpointSigner {
  readonly #key: KmsSecp256k1Key;

  constructor(options: KmsCheckpointSignerOptions) {
    const { client, keyId } = options;
    this.#key = new KmsSecp256k1Key({
      client,
      keyId,
      error: (operation, message, errorOptions) =>
        new KmsCheckpointKeyError(keyId, operation, message, errorOptions),
    });
  }

  async address(): Promise<string> {
    return this.#key.address();
  }

  async signPersonalMessage(message: Uint8Array): Promise<string> {
    return toRsvHex(await this.#key.signDigest(eip191Digest(message)));
  }
}
