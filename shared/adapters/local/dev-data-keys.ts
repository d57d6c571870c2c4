/**
 * DEV ONLY: data keys wrapped by a software master key (AES-256-GCM) held in this process's
 * memory, for the local stack (`npm start`), which keeps its 32 bytes in the data dir. Anyone who
 * can read that file can read every retained content of the stack: a deployed service wraps data
 * keys in KMS (`KmsDataKeySource`).
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { InvalidArgumentError } from "../../domain/errors.ts";
import type { DataKey, DataKeySource } from "../../ports/data-key-source.ts";

/** The keyId of data keys wrapped here. */
export const DEV_CONTENT_KEY_ID = "dev";
const IV_BYTES = 12;
const KEY_BYTES = 32;
const TAG_BYTES = 16;
/** A wrapped data key: IV, the wrapped 32 bytes, tag. */
const WRAPPED_BYTES = IV_BYTES + KEY_BYTES + TAG_BYTES;
/** Binds a wrapping to its use, as KMS's encryption context does. */
const WRAP_AAD = new TextEncoder().encode("stele dev data key v1");

export class DevDataKeySource implements DataKeySource {
  /** Says what this is wherever it is logged or shown. */
  readonly label = "DEV ONLY: software content master key (not KMS), for the local stack";
  readonly #masterKey: Uint8Array;

  /** Requires `masterKey`: 32 bytes (copied). */
  constructor(masterKey: Uint8Array) {
    if (masterKey.length !== KEY_BYTES) {
      throw new InvalidArgumentError(
        `dev content key must be ${KEY_BYTES} bytes, got ${masterKey.length}`,
      );
    }
    this.#masterKey = masterKey.slice();
  }

  async generateDataKey(): Promise<DataKey> {
    const plaintext = new Uint8Array(randomBytes(KEY_BYTES));
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#masterKey, iv);
    cipher.setAAD(WRAP_AAD);
    const wrapped = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const encrypted = new Uint8Array(Buffer.concat([iv, wrapped, cipher.getAuthTag()]));
    return { plaintext, encrypted, keyId: DEV_CONTENT_KEY_ID };
  }

  async decryptDataKey(encrypted: Uint8Array, keyId: string): Promise<Uint8Array> {
    if (keyId !== DEV_CONTENT_KEY_ID || encrypted.length !== WRAPPED_BYTES) {
      throw new Error(
        `not a dev-wrapped data key: key ${keyId}, ${encrypted.length} bytes (want ${DEV_CONTENT_KEY_ID}, ${WRAPPED_BYTES})`,
      );
    }
    const decipher = createDecipheriv(
      "aes-256-gcm",
      this.#masterKey,
      encrypted.subarray(0, IV_BYTES),
    );
    decipher.setAAD(WRAP_AAD);
    decipher.setAuthTag(encrypted.subarray(IV_BYTES + KEY_BYTES));
    const key = Buffer.concat([
      decipher.update(encrypted.subarray(IV_BYTES, IV_BYTES + KEY_BYTES)),
      decipher.final(),
    ]);
    return new Uint8Array(key);
  }
}
