// KmsCheckpointSigner against a real moto_server (started through moto_launcher.py, which makes
// KMS Sign honour MessageType DIGEST as AWS does): every signature is an Ethereum personal_sign
// by address(), whatever half of the curve KMS put s in.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CreateKeyCommand,
  type KMSClient,
  KMSServiceException,
  NotFoundException,
  SignCommand,
  VerifyCommand,
} from "@aws-sdk/client-kms";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { computeAddress, hexlify, verifyMessage } from "ethers";
import fc from "fast-check";
import {
  KmsCheckpointKeyError,
  KmsCheckpointSigner,
} from "../../shared/adapters/kms/kms-checkpoint-signer.ts";
import { SECP256K1_HALF_N, SECP256K1_N } from "../../shared/domain/crypto/secp256k1-signature.ts";
import { recoverEip191Signer } from "../../shared/domain/proof/checkpoint.ts";
import { type MotoServer, resetMoto, startMotoServer } from "../support/moto/moto-server.ts";
import { publicKeyFromKms, recordedKmsWithKey } from "../support/moto/recorded-kms.ts";

let moto: MotoServer;
let client: KMSClient;
let keyId: string;
let rawSignatures: Uint8Array[] = [];
let kmsCalls = { getPublicKey: 0 };

before(async () => {
  moto = await startMotoServer();
  await resetMoto(moto);
  const kms = await recordedKmsWithKey(moto);
  ({ client, keyId, rawSignatures } = kms);
  kmsCalls = kms.calls;
});

after(async () => {
  client?.destroy();
  await moto?.stop();
});

test("address() is the EIP-55 address ethers computes from GetPublicKey's key", async () => {
  const signer = new KmsCheckpointSigner({ client, keyId });
  const expected = computeAddress(hexlify(await publicKeyFromKms(client, keyId)));
  assert.equal(await signer.address(), expected);
});

test("concurrent first calls share one GetPublicKey, and later calls ask no more", async () => {
  const signer = new KmsCheckpointSigner({ client, keyId });
  const before = kmsCalls.getPublicKey;
  const addresses = await Promise.all([
    signer.address(),
    signer.address(),
    signer.signPersonalMessage(new Uint8Array([1])).then(() => signer.address()),
    signer.address(),
  ]);
  assert.equal(new Set(addresses).size, 1);
  await signer.signPersonalMessage(new Uint8Array([2]));
  await signer.address();
  assert.equal(kmsCalls.getPublicKey - before, 1);
});

test("every signature recovers to address() with ethers and with recoverEip191Signer, low s, v 27/28", async (t) => {
  const signer = new KmsCheckpointSigner({ client, keyId });
  const address = await signer.address();
  let highSFromKms = 0;
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (message) => {
      const seen = rawSignatures.length;
      const signature = await signer.signPersonalMessage(message);
      runs++;
      assert.match(signature, /^0x[0-9a-f]{130}$/);
      assert.equal(verifyMessage(message, signature), address);
      assert.equal(recoverEip191Signer(message, signature), address.toLowerCase());

      const r = BigInt(`0x${signature.slice(2, 66)}`);
      const s = BigInt(`0x${signature.slice(66, 130)}`);
      const v = Number.parseInt(signature.slice(130), 16);
      assert.ok(v === 27 || v === 28, `v ${v}`);
      assert.ok(Number.parseInt(signature.slice(66, 68), 16) < 0x80, "top bit of s is set");
      assert.ok(s >= 1n && s <= SECP256K1_HALF_N, "s is in the high half");

      // What KMS answered for this call, and what became of it.
      assert.equal(rawSignatures.length, seen + 1);
      const der = rawSignatures[seen];
      assert.ok(der !== undefined);
      const raw = secp256k1.Signature.fromBytes(der, "der");
      assert.equal(raw.r, r);
      if (raw.s > SECP256K1_HALF_N) {
        highSFromKms++;
        assert.equal(s, SECP256K1_N - raw.s);
      } else {
        assert.equal(s, raw.s);
      }
    }),
    { numRuns: 60 },
  );
  // KMS (and moto) pick a random nonce, so s lands in the high half about half the time:
  // 60 runs without one has probability 2^-60, and would mean normalisation went untested.
  t.diagnostic(`KMS answered high s in ${highSFromKms} of ${runs} signatures; all normalised`);
  assert.ok(highSFromKms > 0, `no high-s signature from KMS in ${runs} runs`);
  assert.ok(highSFromKms < runs, `only high-s signatures from KMS in ${runs} runs`);
});

test("the launcher honours MessageType DIGEST: KMS signs the digest itself, not its SHA-256", async () => {
  const publicKey = await publicKeyFromKms(client, keyId);
  const digest = sha256(new TextEncoder().encode("stele digest check"));
  const answer = await client.send(
    new SignCommand({
      KeyId: keyId,
      Message: digest,
      MessageType: "DIGEST",
      SigningAlgorithm: "ECDSA_SHA_256",
    }),
  );
  assert.ok(answer.Signature !== undefined);
  const opts = { format: "der", lowS: false } as const;
  assert.ok(secp256k1.verify(answer.Signature, digest, publicKey, { ...opts, prehash: false }));
  // moto's unpatched behaviour would verify here instead: SHA-256 over the digest.
  assert.ok(!secp256k1.verify(answer.Signature, digest, publicKey, { ...opts, prehash: true }));

  const verify = (messageType: "DIGEST" | "RAW") =>
    client.send(
      new VerifyCommand({
        KeyId: keyId,
        Message: digest,
        MessageType: messageType,
        Signature: answer.Signature,
        SigningAlgorithm: "ECDSA_SHA_256",
      }),
    );
  assert.equal((await verify("DIGEST")).SignatureValid, true);
  assert.equal((await verify("RAW")).SignatureValid, false);

  await assert.rejects(
    client.send(
      new SignCommand({
        KeyId: keyId,
        Message: digest.subarray(1),
        MessageType: "DIGEST",
        SigningAlgorithm: "ECDSA_SHA_256",
      }),
    ),
    (error: unknown) =>
      error instanceof KMSServiceException &&
      error.name === "ValidationException" &&
      /Digest is invalid length/.test(error.message),
  );
});

test("a key id that does not exist gives an error naming the key, with KMS's error as cause", async () => {
  const missing = "0b0e5c8d-7f5e-4d61-9a3c-2f1e0d9c8b7a";
  const signer = new KmsCheckpointSigner({ client, keyId: missing });
  const isNamed = (error: unknown): boolean =>
    error instanceof KmsCheckpointKeyError &&
    error.keyId === missing &&
    error.operation === "GetPublicKey" &&
    error.message.includes(`checkpoint key ${missing}`) &&
    error.cause instanceof NotFoundException;
  await assert.rejects(signer.address(), isNamed);
  // A failure is not cached: the next call asks KMS again and fails the same way.
  const before = kmsCalls.getPublicKey;
  await assert.rejects(signer.signPersonalMessage(new Uint8Array([1])), isNamed);
  assert.equal(kmsCalls.getPublicKey - before, 1);
});

test("a key that is not secp256k1 is refused with a message that says so", async () => {
  const created = await client.send(
    new CreateKeyCommand({ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" }),
  );
  const id = created.KeyMetadata?.KeyId;
  assert.ok(id !== undefined);
  const signer = new KmsCheckpointSigner({ client, keyId: id });
  await assert.rejects(
    signer.address(),
    (error: unknown) =>
      error instanceof KmsCheckpointKeyError &&
      error.message.includes(id) &&
      /not the DER SubjectPublicKeyInfo of an uncompressed secp256k1 key/.test(error.message),
  );
});

test("after resetMoto the key is gone, and Sign's error names the key and keeps the cause", async () => {
  const signer = new KmsCheckpointSigner({ client, keyId });
  await signer.address(); // cached before the key disappears
  await resetMoto(moto);
  await assert.rejects(
    signer.signPersonalMessage(new Uint8Array([1])),
    (error: unknown) =>
      error instanceof KmsCheckpointKeyError &&
      error.operation === "Sign" &&
      error.message.includes(keyId) &&
      error.cause instanceof NotFoundException,
  );
});
