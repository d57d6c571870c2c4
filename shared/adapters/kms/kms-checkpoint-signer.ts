import {
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  type KMSClient,
  SignCommand,
} from "@aws-sdk/client-kms";
import {
  addressFromSpki,
  ethereumSignatureFromDer,
  toRsvHex,
  uncompressedPublicKeyFromSpki,
} from "../../domain/crypto/secp256k1-signature.ts";
import { eip191Digest } from "../../domain/proof/checkpoint.ts";
import type { CheckpointSigner } from "../../ports/checkpoint-signer.ts";

export interface KmsCheckpointSignerOptions {
  /** Built once at cold start and shared; this adapter never builds its own. */
  readonly client: KMSClient;
  /** Key id, key ARN, alias name or alias ARN of an ECC_SECG_P256K1 SIGN_VERIFY key. */
  readonly keyId: string;
}

/** A KMS call for the checkpoint key failed or answered something unusable; `cause` says why. */
export class KmsCheckpointKeyError extends Error {
  readonly keyId: string;
  readonly operation: "GetPublicKey" | "Sign";

  constructor(
    keyId: string,
    operation: "GetPublicKey" | "Sign",
    message: string,
    options?: ErrorOptions,
  ) {
    super(`KMS ${operation} for checkpoint key ${keyId}: ${message}`, options);
    this.name = "KmsCheckpointKeyError";
    this.keyId = keyId;
    this.operation = operation;
  }
}

interface PublicKeyInfo {
  readonly uncompressed: Uint8Array;
  readonly address: string;
}

/**
 * The checkpoint key in AWS KMS: EIP-191 personal_sign done as KMS `Sign` over the EIP-191
 * digest (MessageType DIGEST, so KMS does not hash it again), then made Ethereum-shaped (low s,
 * v by recovery) by the shared secp256k1 module. The key never leaves KMS.
 */
export class KmsCheckpointSigner implements CheckpointSigner {
  readonly #client: KMSClient;
  readonly #keyId: string;
  #publicKey: Promise<PublicKeyInfo> | undefined;

  constructor(options: KmsCheckpointSignerOptions) {
    this.#client = options.client;
    this.#keyId = options.keyId;
  }

  async address(): Promise<string> {
    return (await this.#publicKeyInfo()).address;
  }

  async signPersonalMessage(message: Uint8Array): Promise<string> {
    const publicKey = await this.#publicKeyInfo();
    const digest = eip191Digest(message);
    let der: Uint8Array | undefined;
    try {
      const answer = await this.#client.send(
        new SignCommand({
          KeyId: this.#keyId,
          Message: digest,
          MessageType: "DIGEST",
          SigningAlgorithm: "ECDSA_SHA_256",
        }),
      );
      der = answer.Signature;
    } catch (error) {
      throw new KmsCheckpointKeyError(this.#keyId, "Sign", describe(error), { cause: error });
    }
    if (der === undefined) {
      throw new KmsCheckpointKeyError(this.#keyId, "Sign", "the answer carries no Signature");
    }
    try {
      return toRsvHex(ethereumSignatureFromDer(der, digest, publicKey.uncompressed));
    } catch (error) {
      throw new KmsCheckpointKeyError(this.#keyId, "Sign", describe(error), { cause: error });
    }
  }

  /** GetPublicKey once; concurrent first callers share the request, and a failure is not kept. */
  #publicKeyInfo(): Promise<PublicKeyInfo> {
    if (this.#publicKey === undefined) {
      const pending = this.#fetchPublicKey();
      this.#publicKey = pending;
      pending.catch(() => {
        if (this.#publicKey === pending) this.#publicKey = undefined;
      });
    }
    return this.#publicKey;
  }

  async #fetchPublicKey(): Promise<PublicKeyInfo> {
    let answer: GetPublicKeyCommandOutput;
    try {
      answer = await this.#client.send(new GetPublicKeyCommand({ KeyId: this.#keyId }));
    } catch (error) {
      throw new KmsCheckpointKeyError(this.#keyId, "GetPublicKey", describe(error), {
        cause: error,
      });
    }
    if (answer.KeyUsage !== undefined && answer.KeyUsage !== "SIGN_VERIFY") {
      throw new KmsCheckpointKeyError(
        this.#keyId,
        "GetPublicKey",
        `key usage is ${answer.KeyUsage}, want SIGN_VERIFY`,
      );
    }
    const spki = answer.PublicKey;
    if (spki === undefined) {
      throw new KmsCheckpointKeyError(
        this.#keyId,
        "GetPublicKey",
        "the answer carries no PublicKey",
      );
    }
    try {
      return { uncompressed: uncompressedPublicKeyFromSpki(spki), address: addressFromSpki(spki) };
    } catch (error) {
      throw new KmsCheckpointKeyError(this.#keyId, "GetPublicKey", describe(error), {
        cause: error,
      });
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
