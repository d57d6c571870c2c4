/**
 * Data keys from AWS KMS: GenerateDataKey (AES_256) under a symmetric key, Decrypt to unwrap.
 * Both name the same encryption context, so a key policy can allow these calls for retained
 * content only, and CloudTrail shows what each call was for.
 */
import {
  DecryptCommand,
  GenerateDataKeyCommand,
  type GenerateDataKeyCommandOutput,
  type KMSClient,
} from "@aws-sdk/client-kms";
import type { DataKey, DataKeySource } from "../../ports/data-key-source.ts";

/** The encryption context of every content data key (infra's key policy requires it). */
export const CONTENT_ENCRYPTION_CONTEXT: Readonly<Record<string, string>> = {
  "stele:purpose": "entry-content",
};

export interface KmsDataKeySourceOptions {
  /** Built once at cold start and shared. */
  readonly client: KMSClient;
  /** Key id, ARN, alias name or alias ARN of a SYMMETRIC_DEFAULT ENCRYPT_DECRYPT key. */
  readonly keyId: string;
}

/** A KMS call for the content key failed or answered something unusable; `cause` says why. */
export class KmsContentKeyError extends Error {
  constructor(keyId: string, operation: string, message: string, options?: ErrorOptions) {
    super(`KMS ${operation} with content key ${keyId}: ${message}`, options);
    this.name = "KmsContentKeyError";
  }
}

export class KmsDataKeySource implements DataKeySource {
  readonly #client: KMSClient;
  readonly #keyId: string;

  constructor(options: KmsDataKeySourceOptions) {
    this.#client = options.client;
    this.#keyId = options.keyId;
  }

  async generateDataKey(): Promise<DataKey> {
    let answer: GenerateDataKeyCommandOutput;
    try {
      answer = await this.#client.send(
        new GenerateDataKeyCommand({
          KeyId: this.#keyId,
          KeySpec: "AES_256",
          EncryptionContext: { ...CONTENT_ENCRYPTION_CONTEXT },
        }),
      );
    } catch (error) {
      throw new KmsContentKeyError(this.#keyId, "GenerateDataKey", "the call failed", {
        cause: error,
      });
    }
    const { Plaintext, CiphertextBlob, KeyId } = answer;
    if (Plaintext?.length !== 32 || CiphertextBlob === undefined || KeyId === undefined) {
      throw new KmsContentKeyError(
        this.#keyId,
        "GenerateDataKey",
        `answered ${Plaintext?.length ?? 0} key bytes (want 32), ${CiphertextBlob === undefined ? "no" : "a"} CiphertextBlob, ${KeyId === undefined ? "no" : "a"} KeyId`,
      );
    }
    return { plaintext: Plaintext, encrypted: CiphertextBlob, keyId: KeyId };
  }

  async decryptDataKey(encrypted: Uint8Array, keyId: string): Promise<Uint8Array> {
    let plaintext: Uint8Array | undefined;
    try {
      ({ Plaintext: plaintext } = await this.#client.send(
        new DecryptCommand({
          CiphertextBlob: encrypted,
          // Named, so KMS refuses a blob of any other key rather than trying it.
          KeyId: keyId,
          EncryptionContext: { ...CONTENT_ENCRYPTION_CONTEXT },
        }),
      ));
    } catch (error) {
      throw new KmsContentKeyError(keyId, "Decrypt", "the call failed", { cause: error });
    }
    if (plaintext?.length !== 32) {
      throw new KmsContentKeyError(
        keyId,
        "Decrypt",
        `answered ${plaintext?.length ?? 0} key bytes, want 32`,
      );
    }
    return plaintext;
  }
}
