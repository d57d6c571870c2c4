import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { computeAddress, getAddress, hexlify, Signature, verifyMessage, Wallet } from "ethers";
import fc from "fast-check";
import { DevCheckpointSigner } from "../../shared/adapters/local/dev-checkpoint-signer.ts";
import { fromHex, toHex } from "../../shared/domain/bytes.ts";
import {
  addressFromSpki,
  checksumAddress,
  ethereumSignatureFromDer,
  isLowS,
  parseDerSignature,
  SECP256K1_HALF_N,
  SECP256K1_N,
  toRsvHex,
  uncompressedPublicKeyFromSpki,
} from "../../shared/domain/crypto/secp256k1-signature.ts";
import { InvalidArgumentError } from "../../shared/domain/errors.ts";
import { recoverEip191Signer } from "../../shared/domain/proof/checkpoint.ts";

const secretKey = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .filter((bytes) => secp256k1.utils.isValidSecretKey(bytes));
const digest = fc.uint8Array({ minLength: 32, maxLength: 32 });
const message = fc.uint8Array({ maxLength: 200 });

/** The DER of (r, s), encoded by noble itself: no hand-made encoder in the test either. */
function der(r: bigint, s: bigint): Uint8Array {
  return new secp256k1.Signature(r, s).toBytes("der");
}

/** SPKI prefix for secp256k1 (RFC 5480); the value the module must accept, spelled out again. */
const SPKI_PREFIX = "3056301006072a8648ce3d020106052b8104000a034200";

describe("ethereumSignatureFromDer", () => {
  test("low-s DER from noble comes back unchanged with noble's own recovery bit", () => {
    fc.assert(
      fc.property(secretKey, digest, (sk, hash) => {
        const publicKey = secp256k1.getPublicKey(sk, false);
        const signed = secp256k1.Signature.fromBytes(
          secp256k1.sign(hash, sk, { prehash: false, lowS: true, format: "recovered" }),
          "recovered",
        );
        const got = ethereumSignatureFromDer(der(signed.r, signed.s), hash, publicKey);
        assert.deepEqual(got, { r: signed.r, s: signed.s, yParity: signed.recovery });
      }),
      { numRuns: 100 },
    );
  });

  test("high-s DER is moved to n − s with the flipped recovery bit, and still verifies", () => {
    fc.assert(
      fc.property(secretKey, digest, fc.boolean(), (sk, hash, compressedKey) => {
        const signed = secp256k1.Signature.fromBytes(
          secp256k1.sign(hash, sk, { prehash: false, lowS: true, format: "recovered" }),
          "recovered",
        );
        const highS = SECP256K1_N - signed.s; // the malleable twin KMS returns half the time
        assert.ok(highS > SECP256K1_HALF_N);
        const publicKey = secp256k1.getPublicKey(sk, !compressedKey);
        const got = ethereumSignatureFromDer(der(signed.r, highS), hash, publicKey);
        assert.equal(got.s, signed.s);
        assert.ok(isLowS(got.s));
        assert.equal(got.yParity, signed.recovery);
        const compact = new secp256k1.Signature(got.r, got.s).toBytes("compact");
        assert.ok(secp256k1.verify(compact, hash, publicKey, { prehash: false, lowS: true }));
      }),
      { numRuns: 100 },
    );
  });

  test("a signature by another key or over other bytes is refused, not given a wrong v", () => {
    fc.assert(
      fc.property(secretKey, secretKey, digest, digest, (sk, otherSk, hash, otherHash) => {
        fc.pre(toHex(sk) !== toHex(otherSk) && toHex(hash) !== toHex(otherHash));
        const { r, s } = secp256k1.Signature.fromBytes(
          secp256k1.sign(hash, sk, { prehash: false }),
        );
        const otherKey = secp256k1.getPublicKey(otherSk, false);
        assert.throws(
          () => ethereumSignatureFromDer(der(r, s), hash, otherKey),
          (error: unknown) =>
            error instanceof InvalidArgumentError &&
            /does not recover to the expected public key/.test(error.message),
        );
        const publicKey = secp256k1.getPublicKey(sk, false);
        assert.throws(
          () => ethereumSignatureFromDer(der(r, s), otherHash, publicKey),
          InvalidArgumentError,
        );
      }),
      { numRuns: 30 },
    );
  });

  test("a digest that is not 32 bytes and a key that is not on the curve are refused", () => {
    const sk = secp256k1.utils.randomSecretKey();
    const hash = new Uint8Array(32).fill(7);
    const { r, s } = secp256k1.Signature.fromBytes(secp256k1.sign(hash, sk, { prehash: false }));
    const publicKey = secp256k1.getPublicKey(sk, false);
    assert.throws(
      () => ethereumSignatureFromDer(der(r, s), hash.subarray(1), publicKey),
      /digest must be 32 bytes, got 31/,
    );
    const offCurve = publicKey.slice();
    offCurve[64] = (offCurve[64] ?? 0) ^ 1;
    assert.throws(
      () => ethereumSignatureFromDer(der(r, s), hash, offCurve),
      /not a secp256k1 public key \(65 bytes\)/,
    );
  });
});

describe("parseDerSignature", () => {
  const valid = der(12345n, SECP256K1_N - 1n);

  test("reads r and s of strict DER", () => {
    assert.deepEqual(parseDerSignature(valid), { r: 12345n, s: SECP256K1_N - 1n });
  });

  const malformed: Record<string, Uint8Array> = {
    empty: new Uint8Array(0),
    "not a SEQUENCE": Uint8Array.of(0x31, ...valid.subarray(1)),
    "trailing byte": Uint8Array.of(...valid, 0),
    truncated: valid.subarray(0, valid.length - 1),
    "wrong SEQUENCE length": Uint8Array.of(0x30, (valid[1] ?? 0) + 1, ...valid.subarray(2)),
    "r not an INTEGER": Uint8Array.of(0x30, valid[1] ?? 0, 0x04, ...valid.subarray(3)),
    "r is zero": fromHex("3006020100020101"),
    "s is n": derOfRaw(1n, SECP256K1_N),
    "r needlessly padded": fromHex("300702020001020101"),
    "r negative": fromHex("3006020181020101"),
    "compact, not DER": new Uint8Array(64).fill(1),
  };
  for (const [name, bytes] of Object.entries(malformed)) {
    test(`refuses malformed DER: ${name}`, () => {
      assert.throws(
        () => parseDerSignature(bytes),
        (error: unknown) =>
          error instanceof InvalidArgumentError &&
          /^not a DER-encoded secp256k1 ECDSA signature \(\d+ bytes\): /.test(error.message),
      );
    });
  }

  test("random bytes are refused with InvalidArgumentError or read as a valid (r, s)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        try {
          const { r, s } = parseDerSignature(bytes);
          assert.ok(r >= 1n && r < SECP256K1_N && s >= 1n && s < SECP256K1_N);
        } catch (error) {
          assert.ok(error instanceof InvalidArgumentError, String(error));
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** DER of two INTEGERs without range checks, for the out-of-range case noble will not encode. */
function derOfRaw(r: bigint, s: bigint): Uint8Array {
  const integer = (value: bigint): number[] => {
    let hex = value.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    const bytes = [...fromHex(hex)];
    if ((bytes[0] ?? 0) >= 0x80) bytes.unshift(0);
    return [0x02, bytes.length, ...bytes];
  };
  const body = [...integer(r), ...integer(s)];
  return Uint8Array.of(0x30, body.length, ...body);
}

describe("toRsvHex", () => {
  test("is r ‖ s ‖ (27 + yParity), read back the same by ethers", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: SECP256K1_N - 1n }),
        fc.bigInt({ min: 1n, max: SECP256K1_HALF_N }),
        fc.constantFrom(0 as const, 1 as const),
        (r, s, yParity) => {
          const hex = toRsvHex({ r, s, yParity });
          assert.match(hex, /^0x[0-9a-f]{130}$/);
          const parsed = Signature.from(hex);
          assert.equal(BigInt(parsed.r), r);
          assert.equal(BigInt(parsed.s), s);
          assert.equal(parsed.v, 27 + yParity);
        },
      ),
      { numRuns: 200 },
    );
  });

  test("refuses high s, r out of range and a yParity that is not 0 or 1", () => {
    assert.throws(() => toRsvHex({ r: 1n, s: SECP256K1_HALF_N + 1n, yParity: 0 }), /low half/);
    assert.throws(() => toRsvHex({ r: 0n, s: 1n, yParity: 0 }), /r is out of 1\.\.n-1/);
    assert.throws(() => toRsvHex({ r: SECP256K1_N, s: 1n, yParity: 1 }), /r is out of/);
    const yParity = 2 as unknown as 0 | 1;
    assert.throws(() => toRsvHex({ r: 1n, s: 1n, yParity }), /yParity 2 is not 0 or 1/);
  });

  test("s = n/2 is the largest low s (ethers accepts it), n/2 + 1 is high", () => {
    assert.ok(isLowS(SECP256K1_HALF_N));
    assert.ok(!isLowS(SECP256K1_HALF_N + 1n));
    assert.ok(!isLowS(0n));
  });
});

describe("public key and address from a KMS GetPublicKey answer (SPKI)", () => {
  test("gives the uncompressed key and the checksummed address ethers computes", () => {
    fc.assert(
      fc.property(secretKey, (sk) => {
        const uncompressed = secp256k1.getPublicKey(sk, false);
        const spki = fromHex(SPKI_PREFIX + toHex(uncompressed));
        assert.equal(spki.length, 88);
        assert.deepEqual(uncompressedPublicKeyFromSpki(spki), uncompressed);
        assert.equal(addressFromSpki(spki), computeAddress(hexlify(uncompressed)));
      }),
      { numRuns: 50 },
    );
  });

  test("refuses other curves, compressed points, wrong lengths and points off the curve", () => {
    const uncompressed = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), false);
    const compressed = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true);
    const p256Prefix = "3059301306072a8648ce3d020106082a8648ce3d030107034200";
    const offCurve = uncompressed.slice();
    offCurve[64] = (offCurve[64] ?? 0) ^ 1;
    const cases: Record<string, Uint8Array> = {
      "P-256 key": fromHex(p256Prefix + toHex(uncompressed)),
      "compressed point": fromHex(
        `3036301006072a8648ce3d020106052b8104000a032200${toHex(compressed)}`,
      ),
      "one byte short": fromHex(SPKI_PREFIX + toHex(uncompressed)).subarray(0, 87),
      "one byte long": fromHex(`${SPKI_PREFIX}${toHex(uncompressed)}00`),
      "raw point, no SPKI": uncompressed,
    };
    for (const [name, spki] of Object.entries(cases)) {
      assert.throws(
        () => uncompressedPublicKeyFromSpki(spki),
        /not the DER SubjectPublicKeyInfo of an uncompressed secp256k1 key/,
        name,
      );
    }
    assert.throws(
      () => uncompressedPublicKeyFromSpki(fromHex(SPKI_PREFIX + toHex(offCurve))),
      /not a secp256k1 public key/,
    );
  });

  test("checksumAddress is EIP-55 (as ethers getAddress)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (bytes) => {
        const lower = `0x${toHex(bytes)}`;
        assert.equal(checksumAddress(lower), getAddress(lower));
        assert.equal(checksumAddress(lower.toUpperCase().replace("0X", "0x")), getAddress(lower));
      }),
      { numRuns: 200 },
    );
    assert.throws(() => checksumAddress("0x1234"), /not a 20-byte 0x address/);
  });
});

describe("DevCheckpointSigner (DEV ONLY)", () => {
  test("says it is dev only", () => {
    const signer = new DevCheckpointSigner(secp256k1.utils.randomSecretKey());
    assert.match(signer.label, /DEV ONLY/);
  });

  test("signs EIP-191 messages that ethers.verifyMessage and recoverEip191Signer attribute to address()", async () => {
    await fc.assert(
      fc.asyncProperty(secretKey, message, async (sk, bytes) => {
        const signer = new DevCheckpointSigner(sk);
        const address = await signer.address();
        assert.equal(address, computeAddress(hexlify(secp256k1.getPublicKey(sk, false))));
        const signature = await signer.signPersonalMessage(bytes);
        assert.match(signature, /^0x[0-9a-f]{128}(1b|1c)$/);
        assert.equal(verifyMessage(bytes, signature), address);
        assert.equal(recoverEip191Signer(bytes, signature), address.toLowerCase());
        assert.ok(isLowS(BigInt(`0x${signature.slice(66, 130)}`)));
        // Byte for byte what ethers' own software signer writes (both use RFC 6979 nonces).
        assert.equal(signature, await new Wallet(hexlify(sk)).signMessage(bytes));
      }),
      { numRuns: 60 },
    );
  });

  test("keeps its own copy of the key and refuses keys that are not a scalar in 1..n-1", async () => {
    const sk = secp256k1.utils.randomSecretKey();
    const signer = new DevCheckpointSigner(sk);
    const before = await signer.address();
    sk.fill(1);
    assert.equal(await signer.address(), before);
    const signature = await signer.signPersonalMessage(new Uint8Array([1, 2, 3]));
    assert.equal(verifyMessage(new Uint8Array([1, 2, 3]), signature), before);
    for (const bad of [new Uint8Array(32), new Uint8Array(31).fill(1), fromHex("ff".repeat(32))]) {
      assert.throws(() => new DevCheckpointSigner(bad), InvalidArgumentError);
    }
  });
});
