/**
 * One ECC_SECG_P256K1 SIGN_VERIFY key in AWS KMS, as Ethereum sees it: its address (from
 * GetPublicKey, fetched once) and low-s (r, s, yParity) signatures over 32-byte digests (KMS
 * `Sign` with MessageType DIGEST, so KMS does not hash them again). The DER, low-s and recovery
 * work is the shared secp256k1 module's; this is only the KMS calling code, shared by the
 * checkpoint signer and the anchor (transaction) signer. The key never leaves KMS.
 */
import {
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  type KMSClient,
  SignCommand,
} from "@aws-sdk/client-kms";
import {
  addressFromSpki,
  type EthereumSignature,
  ethereumSignatureFromDer,
  uncompressedPublicKeyFromSpki,
} from "../../domain/crypto/secp256k1-signature.ts";

/** The KMS call that failed. */
export type KmsKeyOperation = "GetPublicKey" | "Sign";

/**
 * A KMS call for one of Stele's keys failed, answered something unusable, or was refused before
 * it was sent; the message names the key's role and id, and `cause` keeps the underlying error.
 */
export class KmsKeyError extends Error {
  readonly keyId: string;
  readonly operation: KmsKeyOperation;

  constructor(
    role: string,
    keyId: string,
    operation: KmsKeyOperation,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`KMS ${operation} for ${role} key ${keyId}: ${message}`, options);
    this.name = new.target.name;
    this.keyId = keyId;
    this.operation = operation;
  }
}

/** Builds the error a user of {@link KmsSecp256k1Key} throws (its own subclass, its own role). */
export type KmsKeyErrorFactory = (
  operation: KmsKeyOperation,
  message: string,
  options?: ErrorOptions,
) => KmsKeyError;

export interface KmsSecp256k1PublicKey {
  /** 65 bytes, 0x04 ‖ X ‖ Y. */
  readonly uncompressed: Uint8Array;
  /** EIP-55 checksummed. */
  readonly address: string;
}

export interface KmsSecp256k1KeyOptions {
  /** Built once at cold start and shared; this module never builds its own. */
  readonly client: KMSClient;
  /** Key id, key ARN, alias name or alias ARN of an ECC_SECG_P256K1 SIGN_VERIFY key. */
  readonly keyId: string;
  /** How failures are reported (e.g. `KmsCheckpointKeyError`, `KmsAnchorKeyError`). */
  readonly error: KmsKeyErrorFactory;
}

export class KmsSecp256k1Key {
  readonly keyId: string;
  readonly #client: KMSClient;
  readonly #error: KmsKeyErrorFactory;
  #publicKey: Promise<KmsSecp256k1PublicKey> | undefined;

  constructor(options: KmsSecp256k1KeyOptions) {
    this.#client = options.client;
    this.keyId = options.keyId;
    this.#error = options.error;
  }

  /** GetPublicKey once; concurrent first callers share the request, and a failure is not kept. */
  publicKey(): Promise<KmsSecp256k1PublicKey> {
    if (this.#publicKey === undefined) {
      const pending = this.#fetchPublicKey();
      this.#publicKey = pending;
      pending.catch(() => {
        if (this.#publicKey === pending) this.#publicKey = undefined;
      });
    }
    return this.#publicKey;
  }

  async address(): Promise<string> {
    return (await this.publicKey()).address;
  }

  /**
   * KMS `Sign` over the 32-byte `digest` as is (MessageType DIGEST), made Ethereum-shaped: s in
   * the low half, yParity by recovery against the key's public key.
   */
  async signDigest(digest: Uint8Array): Promise<EthereumSignature> {
    const publicKey = await this.publicKey();
    let der: Uint8Array | undefined;
    try {
      const answer = await this.#client.send(
        new SignCommand({
          KeyId: this.keyId,
          Message: digest,
          MessageType: "DIGEST",
          SigningAlgorithm: "ECDSA_SHA_256",
        }),
      );
      der = answer.Signature;
    } catch (error) {
      throw this.#error("Sign", describe(error), { cause: error });
    }
    if (der === undefined) throw this.#error("Sign", "the answer carries no Signature");
    try {
      return ethereumSignatureFromDer(der, digest, publicKey.uncompressed);
    } catch (error) {
      throw this.#error("Sign", describe(error), { cause: error });
    }
  }

  async #fetchPublicKey(): Promise<KmsSecp256k1PublicKey> {
    let answer: GetPublicKeyCommandOutput;
    try {
      answer = await this.#client.send(new GetPublicKeyCommand({ KeyId: this.keyId }));
    } catch (error) {
      throw this.#error("GetPublicKey", describe(error), { cause: error });
    }
    if (answer.KeyUsage !== undefined && answer.KeyUsage !== "SIGN_VERIFY") {
      throw this.#error("GetPublicKey", `key usage is ${answer.KeyUsage}, want SIGN_VERIFY`);
    }
    const spki = answer.PublicKey;
    if (spki === undefined) throw this.#error("GetPublicKey", "the answer carries no PublicKey");
    try {
      return { uncompressed: uncompressedPublicKeyFromSpki(spki), address: addressFromSpki(spki) };
    } catch (error) {
      throw this.#error("GetPublicKey", describe(error), { cause: error });
    }
  }
}

/** `Name: message` of an error (KMS's exception name says most), or its string form. */
function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
