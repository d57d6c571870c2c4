import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import fc from "fast-check";
import { buildWasmModuleSource, GENERATED_MODULE } from "../../scripts/build-wasm.ts";
import { hashLeaves32, hashPairs } from "../../shared/domain/merkle/sha256-batch.ts";

function sha256(prefix: number, data: Uint8Array): Buffer {
  return createHash("sha256").update(Uint8Array.of(prefix)).update(data).digest();
}

/** Reference: SHA-256(prefix || each `size`-byte record of data), concatenated. */
function reference(prefix: number, data: Uint8Array, size: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size)
    parts.push(sha256(prefix, data.subarray(i, i + size)));
  return Buffer.concat(parts);
}

function leaves(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  hashLeaves32(data, out);
  return out;
}

function pairs(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length / 2);
  hashPairs(data, out);
  return out;
}

/** Deterministic filler for large inputs (fast-check generates the small ones). */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

const records = (size: number) =>
  fc
    .integer({ min: 0, max: 300 })
    .chain((count) => fc.uint8Array({ minLength: count * size, maxLength: count * size }));

describe("sha256-batch", () => {
  it("hashLeaves32 matches node:crypto for random counts 0..300", () => {
    fc.assert(
      fc.property(records(32), (data) => {
        assert.deepEqual(Buffer.from(leaves(data)), reference(0, data, 32));
      }),
      { numRuns: 60 },
    );
  });

  it("hashPairs matches node:crypto for random counts 0..300", () => {
    fc.assert(
      fc.property(records(64), (data) => {
        assert.deepEqual(Buffer.from(pairs(data)), reference(1, data, 64));
      }),
      { numRuns: 60 },
    );
  });

  it("matches node:crypto for small and chunk-boundary counts", () => {
    // 8192 leaves / 4096 pairs fill one kernel buffer; the kernel takes 8 messages at a
    // time, then 4, then 1, so 1..17 cover every tail.
    const small = Array.from({ length: 18 }, (_, i) => i);
    for (const count of [...small, 4095, 4096, 4097, 8191, 8192, 8193]) {
      const leafData = pseudoRandomBytes(count * 32, count + 1);
      assert.deepEqual(Buffer.from(leaves(leafData)), reference(0, leafData, 32), `${count}`);
      const children = pseudoRandomBytes(count * 64, count + 2);
      assert.deepEqual(Buffer.from(pairs(children)), reference(1, children, 64), `${count}`);
    }
  });

  it("matches node:crypto for 100k leaves and 100k pairs", () => {
    const leafData = pseudoRandomBytes(100_000 * 32, 7);
    assert.ok(Buffer.from(leaves(leafData)).equals(reference(0, leafData, 32)));
    const children = pseudoRandomBytes(100_000 * 64, 11);
    assert.ok(Buffer.from(pairs(children)).equals(reference(1, children, 64)));
  });

  it("gives the known RFC 9162 hashes of zero inputs", () => {
    // SHA-256(0x00 || 32 zero bytes) and SHA-256(0x01 || 64 zero bytes).
    const leafOfZeros = createHash("sha256").update(new Uint8Array(33)).digest();
    const nodeOfZeros = createHash("sha256")
      .update(Uint8Array.of(1))
      .update(new Uint8Array(64))
      .digest();
    assert.deepEqual(Buffer.from(leaves(new Uint8Array(32))), leafOfZeros);
    assert.deepEqual(Buffer.from(pairs(new Uint8Array(64))), nodeOfZeros);
    assert.equal(
      leafOfZeros.toString("hex"),
      "7f9c9e31ac8256ca2f258583df262dbc7d6f68f2a03043d5c99a4ae5a7396ce9",
    );
  });

  it("reduces a level in place (out = first half of children)", () => {
    for (const count of [1, 3, 5, 8, 4097, 10_000]) {
      const children = pseudoRandomBytes(count * 64, count);
      const expected = reference(1, children, 64);
      hashPairs(children, children.subarray(0, children.length / 2));
      assert.ok(Buffer.from(children.subarray(0, count * 32)).equals(expected), `${count}`);
    }
    const leafData = pseudoRandomBytes(9000 * 32, 5);
    const expected = reference(0, leafData, 32);
    hashLeaves32(leafData, leafData);
    assert.ok(Buffer.from(leafData).equals(expected));
  });

  it("reads and writes subarrays at odd offsets", () => {
    const backing = pseudoRandomBytes(1 + 7 * 64 + 3 * 32, 3);
    const children = backing.subarray(1, 1 + 7 * 64);
    const out = new Uint8Array(1 + 7 * 32).subarray(1);
    hashPairs(children, out);
    assert.deepEqual(Buffer.from(out), reference(1, children, 64));
  });

  it("throws RangeError on wrong lengths", () => {
    assert.throws(() => hashLeaves32(new Uint8Array(31), new Uint8Array(31)), RangeError);
    assert.throws(() => hashLeaves32(new Uint8Array(64), new Uint8Array(32)), RangeError);
    assert.throws(() => hashLeaves32(new Uint8Array(32), new Uint8Array(64)), RangeError);
    assert.throws(() => hashPairs(new Uint8Array(64), new Uint8Array(64)), RangeError);
    assert.throws(() => hashPairs(new Uint8Array(62), new Uint8Array(31)), RangeError);
    assert.throws(() => hashPairs(new Uint8Array(128), new Uint8Array(32)), RangeError);
    assert.throws(() => hashPairs(new Uint8Array(32), new Uint8Array(0)), RangeError);
    assert.throws(() => hashPairs(new Uint8Array(0), new Uint8Array(32)), {
      name: "RangeError",
      message: /children\.length must be 2 \* out\.length/,
    });
  });

  it("committed generated module is up to date with wasm/ (npm run build:wasm)", async () => {
    const committed = await readFile(new URL(`../../${GENERATED_MODULE}`, import.meta.url), "utf8");
    const rebuilt = await buildWasmModuleSource();
    assert.ok(
      committed === rebuilt,
      `${GENERATED_MODULE} is stale: run npm run build:wasm and commit the result`,
    );
  });
});
