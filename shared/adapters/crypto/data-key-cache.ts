/**
 * Data keys reused for a while, as the AWS Encryption SDK's caching CMM does: a data key encrypts
 * for at most `maxAgeMs` and `maxEncryptions`, so accepting many entries costs one
 * GenerateDataKey per period, not one per entry; unwrapped keys are kept as briefly, by their
 * wrapped bytes, so reading costs one Decrypt per data key, not one per entry.
 */
import type { Clock } from "../../ports/clock.ts";
import type { DataKey, DataKeySource } from "../../ports/data-key-source.ts";

export interface DataKeyCacheLimits {
  /** How long one data key is used to encrypt, and an unwrapped key kept, from when it was asked for. */
  readonly maxAgeMs: number;
  /** Encryptions under one data key: far below AES-GCM's 2^32 random-nonce bound. */
  readonly maxEncryptions: number;
  /** Unwrapped data keys kept at once (the oldest goes first). */
  readonly maxDecryptedKeys: number;
}

export const DEFAULT_DATA_KEY_CACHE: DataKeyCacheLimits = {
  maxAgeMs: 5 * 60_000,
  maxEncryptions: 100_000,
  maxDecryptedKeys: 100,
};

interface Cached<T> {
  readonly value: Promise<T>;
  readonly createdMs: number;
}

export class DataKeyCache {
  readonly #source: DataKeySource;
  readonly #clock: Clock;
  readonly #limits: DataKeyCacheLimits;
  #current: (Cached<DataKey> & { uses: number }) | undefined;
  /** By the wrapping key id and the wrapped key's base64; Map order is insertion order. */
  readonly #decrypted = new Map<string, Cached<Uint8Array>>();

  constructor(source: DataKeySource, clock: Clock, limits: Partial<DataKeyCacheLimits> = {}) {
    this.#source = source;
    this.#clock = clock;
    this.#limits = { ...DEFAULT_DATA_KEY_CACHE, ...limits };
  }

  /** The data key to encrypt one record with: the current one, or a new one past its limits. */
  forEncryption(): Promise<DataKey> {
    const nowMs = this.#clock.nowMs();
    let current = this.#current;
    if (
      current === undefined ||
      nowMs - current.createdMs >= this.#limits.maxAgeMs ||
      current.uses >= this.#limits.maxEncryptions
    ) {
      // Concurrent callers share this one request instead of each asking for a key.
      const value = this.#source.generateDataKey();
      const fresh = { value, createdMs: nowMs, uses: 0 };
      current = fresh;
      this.#current = fresh;
      value.then(
        (key) => this.#remember(key.keyId, key.encrypted, Promise.resolve(key.plaintext), nowMs),
        () => {
          // A failed request is not kept: the next record asks again.
          if (this.#current === fresh) this.#current = undefined;
        },
      );
    }
    current.uses++;
    return current.value;
  }

  /** The unwrapped data key of a stored record. */
  forDecryption(encrypted: Uint8Array, keyId: string): Promise<Uint8Array> {
    const nowMs = this.#clock.nowMs();
    const name = cacheName(keyId, encrypted);
    const cached = this.#decrypted.get(name);
    if (cached !== undefined && nowMs - cached.createdMs < this.#limits.maxAgeMs) {
      return cached.value;
    }
    const value = this.#source.decryptDataKey(encrypted, keyId);
    this.#remember(keyId, encrypted, value, nowMs);
    value.catch(() => {
      if (this.#decrypted.get(name)?.value === value) this.#decrypted.delete(name);
    });
    return value;
  }

  #remember(keyId: string, encrypted: Uint8Array, value: Promise<Uint8Array>, nowMs: number) {
    const name = cacheName(keyId, encrypted);
    this.#decrypted.delete(name);
    this.#decrypted.set(name, { value, createdMs: nowMs });
    for (const oldest of this.#decrypted.keys()) {
      if (this.#decrypted.size <= this.#limits.maxDecryptedKeys) break;
      this.#decrypted.delete(oldest);
    }
  }
}

function cacheName(keyId: string, encrypted: Uint8Array): string {
  return `${keyId}\u0000${Buffer.from(encrypted).toString("base64")}`;
}
