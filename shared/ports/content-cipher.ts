/**
 * Port: envelope encryption of retained entry content. Each record is AES-256-GCM under a data
 * key that a key service (KMS, or the dev-only software key) wrapped; the record carries the
 * wrapped data key, so only a caller allowed to unwrap it can read the content.
 */

export const CONTENT_ALGORITHM = "AES-256-GCM";
/** AES-GCM's recommended nonce size: 96 bits, random for every encryption. */
export const CONTENT_IV_BYTES = 12;
/** The GCM tag, appended to the ciphertext. */
export const CONTENT_TAG_BYTES = 16;

/** One encrypted content, as stored: binary fields only, no plaintext. */
export interface SealedContent {
  readonly algorithm: typeof CONTENT_ALGORITHM;
  /** The data key as the key service wrapped it (a KMS CiphertextBlob, or the dev wrapping). */
  readonly encryptedDataKey: Uint8Array;
  /** CONTENT_IV_BYTES random bytes. */
  readonly iv: Uint8Array;
  /** The ciphertext followed by its CONTENT_TAG_BYTES-byte GCM tag. */
  readonly ciphertext: Uint8Array;
  /** The key that wrapped the data key (a KMS key ARN, or `dev`). */
  readonly keyId: string;
}

export interface ContentCipher {
  /** Seals `plaintext`, binding it to `aad` (additional authenticated data, not stored). */
  encrypt(plaintext: Uint8Array, aad: Uint8Array): Promise<SealedContent>;
  /**
   * The plaintext of `sealed`; throws ContentDecryptionError when the record was altered or was
   * sealed with other `aad` (another entry's content moved under this entry's id).
   */
  decrypt(sealed: SealedContent, aad: Uint8Array): Promise<Uint8Array>;
}

/** A sealed record that does not open: altered, truncated, or bound to other AAD. A server fault. */
export class ContentDecryptionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ContentDecryptionError";
  }
}
