// Envelope encryption of retained content (shared/adapters/crypto): AES-256-GCM records that open
// only under their own entry id and unaltered, and a data key cache that asks the key service for
// one key per period (or per maxEncryptions), not one per entry. The key service here is the
// dev-only software key, counted; time is a hand-moved Clock.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import fc from "fast-check";
import { DataKeyCache } from "../../shared/adapters/crypto/data-key-cache.ts";
import { EnvelopeContentCipher } from "../../shared/adapters/crypto/envelope-cipher.ts";
import { DevDataKeySource } from "../../shared/adapters/local/dev-data-keys.ts";
import { contentAad } from "../../shared/app/retained-content.ts";
import {
  CONTENT_IV_BYTES,
  CONTENT_TAG_BYTES,
  ContentDecryptionError,
  type SealedContent,
} from "../../shared/ports/content-cipher.ts";
import type { DataKey, DataKeySource } from "../../shared/ports/data-key-source.ts";

const ID = "01JDX7R4M8Q2V3N5P6K7H8J9AB";
const OTHER_ID = "01JDX7R4M8Q2V3N5P6K7H8J9AC";

/** The dev key source, counting what it is asked. */
class CountedSource implements DataKeySource {
  readonly inner = new DevDataKeySource(new Uint8Array(randomBytes(32)));
  generated = 0;
  unwrapped = 0;

  async generateDataKey(): Promise<DataKey> {
    this.generated++;
    return this.inner.generateDataKey();
  }

  async decryptDataKey(encrypted: Uint8Array, keyId: string): Promise<Uint8Array> {
    this.unwrapped++;
    return this.inner.decryptDataKey(encrypted, keyId);
  }
}

function setup(
  limits: { maxAgeMs?: number; maxEncryptions?: number; maxDecryptedKeys?: number } = {},
) {
  const clock = {
    ms: 1_700_000_000_000,
    nowMs() {
      return this.ms;
    },
  };
  const source = new CountedSource();
  const cache = new DataKeyCache(source, clock, limits);
  return { clock, source, cache, cipher: new EnvelopeContentCipher(cache) };
}

function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index % copy.length] = (copy[index % copy.length] ?? 0) ^ 0x01;
  return copy;
}

describe("EnvelopeContentCipher", () => {
  it("opens what it sealed, for any content, with the same entry id", async () => {
    const { cipher } = setup();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (plaintext) => {
        const sealed = await cipher.encrypt(plaintext, contentAad(ID));
        assert.equal(sealed.algorithm, "AES-256-GCM");
        assert.equal(sealed.iv.length, CONTENT_IV_BYTES);
        assert.equal(sealed.ciphertext.length, plaintext.length + CONTENT_TAG_BYTES);
        assert.deepEqual(await cipher.decrypt(sealed, contentAad(ID)), plaintext);
      }),
      { numRuns: 200 },
    );
  });

  it("never reuses an IV, and the ciphertext does not contain the plaintext", async () => {
    const { cipher } = setup();
    const plaintext = new TextEncoder().encode("the same secret document, twice over");
    const a = await cipher.encrypt(plaintext, contentAad(ID));
    const b = await cipher.encrypt(plaintext, contentAad(ID));
    assert.notDeepEqual(a.iv, b.iv);
    assert.notDeepEqual(a.ciphertext, b.ciphertext);
    assert.ok(!Buffer.from(a.ciphertext).includes(Buffer.from(plaintext)));
  });

  it("refuses a record sealed for another entry (a swapped id: other AAD)", async () => {
    const { cipher } = setup();
    const sealed = await cipher.encrypt(new TextEncoder().encode("entry A's"), contentAad(ID));
    await assert.rejects(cipher.decrypt(sealed, contentAad(OTHER_ID)), ContentDecryptionError);
  });

  it("refuses any flipped bit of the ciphertext, the tag, the IV or the wrapped data key", async () => {
    const { cipher } = setup();
    const sealed = await cipher.encrypt(new Uint8Array(randomBytes(100)), contentAad(ID));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("ciphertext", "iv", "encryptedDataKey" as const),
        fc.nat(),
        async (field, index) => {
          const tampered: SealedContent = { ...sealed, [field]: flipped(sealed[field], index) };
          await assert.rejects(cipher.decrypt(tampered, contentAad(ID)), ContentDecryptionError);
        },
      ),
      { numRuns: 100 },
    );
    const truncated = { ...sealed, ciphertext: sealed.ciphertext.subarray(0, 10) };
    await assert.rejects(cipher.decrypt(truncated, contentAad(ID)), ContentDecryptionError);
  });

  it("refuses a record under another master key (another stack's data dir)", async () => {
    const first = setup();
    const second = setup();
    const sealed = await first.cipher.encrypt(new Uint8Array([1, 2, 3]), contentAad(ID));
    await assert.rejects(second.cipher.decrypt(sealed, contentAad(ID)), ContentDecryptionError);
  });
});

describe("DataKeyCache", () => {
  it("one data key for every encryption within maxAgeMs, a new one after", async () => {
    const { clock, source, cipher } = setup({ maxAgeMs: 300_000 });
    const first = await Promise.all(
      Array.from({ length: 1000 }, () => cipher.encrypt(new Uint8Array([7]), contentAad(ID))),
    );
    assert.equal(source.generated, 1, "concurrent first calls share one GenerateDataKey");
    clock.ms += 299_999;
    const stillSame = await cipher.encrypt(new Uint8Array([7]), contentAad(ID));
    assert.deepEqual(stillSame.encryptedDataKey, first[0]?.encryptedDataKey);
    clock.ms += 1;
    const next = await cipher.encrypt(new Uint8Array([7]), contentAad(ID));
    assert.equal(source.generated, 2);
    assert.notDeepEqual(next.encryptedDataKey, first[0]?.encryptedDataKey);
  });

  it("a new data key after maxEncryptions", async () => {
    const { source, cipher } = setup({ maxEncryptions: 3 });
    for (let i = 0; i < 7; i++) await cipher.encrypt(new Uint8Array([i]), contentAad(ID));
    assert.equal(source.generated, 3);
  });

  it("unwraps each data key once while cached, again once it has expired", async () => {
    const writer = setup();
    const sealed = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        writer.cipher.encrypt(new Uint8Array([i]), contentAad(ID)),
      ),
    );
    // A reader in another process (entry-content): same key service, its own cache.
    const reader = new DataKeyCache(writer.source, writer.clock, { maxAgeMs: 60_000 });
    const readCipher = new EnvelopeContentCipher(reader);
    const opened = await Promise.all(sealed.map((s) => readCipher.decrypt(s, contentAad(ID))));
    assert.deepEqual(
      opened.map((bytes) => bytes[0]),
      sealed.map((_, i) => i),
    );
    assert.equal(writer.source.unwrapped, 1, "concurrent reads share one Decrypt");
    writer.clock.ms += 60_000;
    await readCipher.decrypt(sealed[0] as SealedContent, contentAad(ID));
    assert.equal(writer.source.unwrapped, 2);
    // The writer itself never unwraps the keys it made.
    await writer.cipher.decrypt(sealed[1] as SealedContent, contentAad(ID));
    assert.equal(writer.source.unwrapped, 2);
  });

  it("keeps at most maxDecryptedKeys unwrapped keys", async () => {
    const writer = setup({ maxEncryptions: 1 });
    const sealed = [];
    for (let i = 0; i < 3; i++)
      sealed.push(await writer.cipher.encrypt(new Uint8Array([i]), contentAad(ID)));
    const reader = new EnvelopeContentCipher(
      new DataKeyCache(writer.source, writer.clock, { maxDecryptedKeys: 2 }),
    );
    for (const s of sealed) await reader.decrypt(s, contentAad(ID));
    assert.equal(writer.source.unwrapped, 3);
    // The first was evicted by the third; the third is still there.
    await reader.decrypt(sealed[2] as SealedContent, contentAad(ID));
    assert.equal(writer.source.unwrapped, 3);
    await reader.decrypt(sealed[0] as SealedContent, contentAad(ID));
    assert.equal(writer.source.unwrapped, 4);
  });

  it("does not keep a failed GenerateDataKey: the next encryption asks again", async () => {
    let fail = true;
    const inner = new DevDataKeySource(new Uint8Array(randomBytes(32)));
    let calls = 0;
    const flaky: DataKeySource = {
      generateDataKey: async () => {
        calls++;
        if (fail) throw new Error("KMS is throttling");
        return inner.generateDataKey();
      },
      decryptDataKey: (encrypted, keyId) => inner.decryptDataKey(encrypted, keyId),
    };
    const cipher = new EnvelopeContentCipher(new DataKeyCache(flaky, { nowMs: () => 0 }));
    await assert.rejects(cipher.encrypt(new Uint8Array([1]), contentAad(ID)), /throttling/);
    fail = false;
    const sealed = await cipher.encrypt(new Uint8Array([1]), contentAad(ID));
    assert.equal(calls, 2);
    assert.deepEqual(await cipher.decrypt(sealed, contentAad(ID)), new Uint8Array([1]));
  });
});
