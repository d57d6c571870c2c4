/** Port: the key service behind envelope encryption, which makes and unwraps data keys. */

/** A fresh 256-bit data key, in the clear and as the key service wrapped it. */
export interface DataKey {
  /** 32 bytes; kept in memory only, never stored. */
  readonly plaintext: Uint8Array;
  /** What is stored beside each ciphertext; only the key service can unwrap it. */
  readonly encrypted: Uint8Array;
  /** The wrapping key (a KMS key ARN, or `dev`). */
  readonly keyId: string;
}

export interface DataKeySource {
  /** A new data key (KMS GenerateDataKey, KeySpec AES_256). */
  generateDataKey(): Promise<DataKey>;
  /** The 32 bytes of a data key that `generateDataKey` wrapped under `keyId` (KMS Decrypt). */
  decryptDataKey(encrypted: Uint8Array, keyId: string): Promise<Uint8Array>;
}
