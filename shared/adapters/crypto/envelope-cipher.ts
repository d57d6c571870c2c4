/**
 * ContentCipher as envelope encryption: AES-256-GCM (node:crypto) under a data key from a
 * DataKeySource, reused through a DataKeyCache. A fresh random 12-byte IV per record.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import {
  CONTENT_ALGORITHM,
  CONTENT_IV_BYTES,
  CONTENT_TAG_BYTES,
  type ContentCipher,
  ContentDecryptionError,
  type SealedContent,
} from "../../ports/content-cipher.ts";
import type { DataKeyCache } from "./data-key-cache.ts";

export class EnvelopeContentCipher implements ContentCipher {
  readonly #keys: DataKeyCache;

  constructor(keys: DataKeyCache) {
    this.#keys = keys;
  }

  async encrypt(plaintext: Uint8Array, aad: Uint8Array): Promise<SealedContent> {
    const dataKey = await this.#keys.forEncryption();
    const iv = new Uint8Array(randomBytes(CONTENT_IV_BYTES));
    const cipher = createCipheriv("aes-256-gcm", dataKey.plaintext, iv, {
      authTagLength: CONTENT_TAG_BYTES,
    });
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([
      cipher.update(plaintext),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return {
      algorithm: CONTENT_ALGORITHM,
      encryptedDataKey: dataKey.encrypted,
      iv,
      ciphertext: new Uint8Array(ciphertext),
      keyId: dataKey.keyId,
    };
  }

  async decrypt(sealed: SealedContent, aad: Uint8Array): Promise<Uint8Array> {
    if (sealed.algorithm !== CONTENT_ALGORITHM) {
      throw new ContentDecryptionError(
        `content sealed with ${String(sealed.algorithm)}, want ${CONTENT_ALGORITHM}`,
      );
    }
    if (sealed.iv.length !== CONTENT_IV_BYTES || sealed.ciphertext.length < CONTENT_TAG_BYTES) {
      throw new ContentDecryptionError(
        `sealed content has a ${sealed.iv.length}-byte IV (want ${CONTENT_IV_BYTES}) and ` +
          `${sealed.ciphertext.length} bytes of ciphertext (want at least the ${CONTENT_TAG_BYTES}-byte tag)`,
      );
    }
    let key: Uint8Array;
    try {
      key = await this.#keys.forDecryption(sealed.encryptedDataKey, sealed.keyId);
    } catch (error) {
      throw new ContentDecryptionError(`the data key of ${sealed.keyId} did not unwrap`, {
        cause: error,
      });
    }
    const tagAt = sealed.ciphertext.length - CONTENT_TAG_BYTES;
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, sealed.iv, {
        authTagLength: CONTENT_TAG_BYTES,
      });
      decipher.setAAD(aad);
      decipher.setAuthTag(sealed.ciphertext.subarray(tagAt));
      const plaintext = Buffer.concat([
        decipher.update(sealed.ciphertext.subarray(0, tagAt)),
        decipher.final(),
      ]);
      return new Uint8Array(plaintext);
    } catch (error) {
      throw new ContentDecryptionError(
        "sealed content failed authentication: altered, or sealed for another entry",
        { cause: error },
      );
    }
  }
}
