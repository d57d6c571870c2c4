// KmsTransactionSigner against a real moto_server (through moto_launcher.py, so KMS Sign honours
// MessageType DIGEST as AWS does) and a real hardhat node: transactions it signs are mined as
// sent by the KMS key's address, and its messages and typed data verify with ethers, whatever
// half of the curve KMS put s in.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type KMSClient, NotFoundException } from "@aws-sdk/client-kms";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import {
  computeAddress,
  getAddress,
  getCreateAddress,
  hexlify,
  JsonRpcProvider,
  type JsonRpcSigner,
  parseEther,
  Signature,
  Transaction,
  type TransactionReceipt,
  type TransactionResponse,
  type TypedDataField,
  verifyMessage,
  verifyTypedData,
} from "ethers";
import fc from "fast-check";
import {
  KmsAnchorKeyError,
  KmsTransactionSigner,
} from "../../shared/adapters/kms/kms-transaction-signer.ts";
import { SECP256K1_HALF_N, SECP256K1_N } from "../../shared/domain/crypto/secp256k1-signature.ts";
import { type HardhatNode, startHardhatNode } from "../support/chain/hardhat-node.ts";
import { type MotoServer, resetMoto, startMotoServer } from "../support/moto/moto-server.ts";
import { publicKeyFromKms, recordedKmsWithKey } from "../support/moto/recorded-kms.ts";

const CHAIN_ID = 31337;

let moto: MotoServer;
let node: HardhatNode;
let client: KMSClient;
let provider: JsonRpcProvider;
let funder: JsonRpcSigner;
let keyId: string;
let rawSignatures: Uint8Array[] = [];
let kmsCalls = { getPublicKey: 0 };

before(async () => {
  [moto, node] = await Promise.all([startMotoServer(), startHardhatNode()]);
  await resetMoto(moto);
  const kms = await recordedKmsWithKey(moto);
  ({ client, keyId, rawSignatures } = kms);
  kmsCalls = kms.calls;
  provider = new JsonRpcProvider(node.url, CHAIN_ID, { staticNetwork: true, cacheTimeout: -1 });
  funder = await provider.getSigner(0);
});

after(async () => {
  provider?.destroy();
  client?.destroy();
  await Promise.all([moto?.stop(), node?.stop()]);
});

/** s of KMS's DER answer number `index`, and whether it was in the high half. */
function rawS(index: number): { readonly s: bigint; readonly high: boolean } {
  const der = rawSignatures[index];
  assert.ok(der !== undefined, `no KMS Sign answer number ${index}`);
  const { s } = secp256k1.Signature.fromBytes(der, "der");
  return { s, high: s > SECP256K1_HALF_N };
}

/** Checks a 65-byte r ‖ s ‖ v signature is the low-s form of KMS's answer `index`; true if KMS's s was high. */
function checkNormalised(signature: string, index: number): boolean {
  const parsed = Signature.from(signature);
  const s = BigInt(parsed.s);
  assert.ok(s >= 1n && s <= SECP256K1_HALF_N, "s is in the high half");
  assert.ok(parsed.v === 27 || parsed.v === 28, `v ${parsed.v}`);
  const raw = rawS(index);
  assert.equal(s, raw.high ? SECP256K1_N - raw.s : raw.s);
  return raw.high;
}

async function mined(response: TransactionResponse): Promise<TransactionReceipt> {
  const receipt = await response.wait();
  assert.ok(receipt !== null, `no receipt for ${response.hash}`);
  return receipt;
}

test("getAddress() is ethers' computeAddress of the SPKI key; one GetPublicKey shared by callers and connect()", async () => {
  const signer = new KmsTransactionSigner({ client, keyId });
  const expected = computeAddress(hexlify(await publicKeyFromKms(client, keyId)));
  const before = kmsCalls.getPublicKey;
  const addresses = await Promise.all([
    signer.getAddress(),
    signer.getAddress(),
    signer.connect(provider).getAddress(),
    signer.signMessage("warm").then(() => signer.getAddress()),
  ]);
  assert.deepEqual(new Set(addresses), new Set([expected]));
  const connected = signer.connect(provider);
  assert.equal(connected.provider, provider);
  assert.equal(connected.keyId, keyId);
  assert.equal(await connected.getAddress(), expected);
  assert.equal(kmsCalls.getPublicKey - before, 1);
});

test("EIP-1559 transfers and a contract creation are mined from the KMS address, nonces advancing", async (t) => {
  const signer = new KmsTransactionSigner({ client, keyId }, provider);
  const address = await signer.getAddress();
  await mined(await funder.sendTransaction({ to: address, value: parseEther("10") }));
  assert.equal(await provider.getBalance(address), parseEther("10"));

  const recipients = ["0x1111", "0x2222", "0x3333"].map((prefix) =>
    getAddress(prefix.padEnd(42, "0")),
  );
  const startingBalances = await Promise.all(recipients.map((to) => provider.getBalance(to)));
  const signsBefore = rawSignatures.length;
  const receipts: TransactionReceipt[] = [];
  for (const [i, to] of recipients.entries()) {
    const response = await signer.sendTransaction({ to, value: 1000n * BigInt(i + 1) });
    assert.equal(response.type, 2);
    assert.equal(response.from, address);
    assert.equal(response.nonce, i);
    receipts.push(await mined(response));
  }
  // Contract creation: init code that returns runtime code which returns 42.
  const runtime = "0x602a60005260206000f3";
  const initCode = `0x600a600c600039600a6000f3${runtime.slice(2)}`;
  const creation = await signer.sendTransaction({ data: initCode });
  assert.equal(creation.type, 2);
  assert.equal(creation.to, null);
  const creationReceipt = await mined(creation);
  receipts.push(creationReceipt);

  for (const [nonce, receipt] of receipts.entries()) {
    assert.equal(receipt.status, 1);
    assert.equal(receipt.from, address);
    const onChain = await provider.getTransaction(receipt.hash);
    assert.ok(onChain !== null);
    assert.equal(onChain.nonce, nonce);
    assert.equal(onChain.type, 2);
    assert.ok(BigInt(onChain.signature.s) <= SECP256K1_HALF_N);
  }
  const contract = getCreateAddress({ from: address, nonce: 3 });
  assert.equal(creationReceipt.contractAddress, contract);
  assert.equal(await provider.getCode(contract), runtime);
  assert.equal(BigInt(await provider.call({ to: contract })), 42n);
  assert.equal(await provider.getTransactionCount(address), 4);
  for (const [i, to] of recipients.entries()) {
    assert.equal(
      await provider.getBalance(to),
      (startingBalances[i] ?? 0n) + 1000n * BigInt(i + 1),
    );
  }
  const high = [0, 1, 2, 3].filter((i) => rawS(signsBefore + i).high).length;
  t.diagnostic(`KMS answered high s for ${high} of 4 transactions; all mined`);
});

test("legacy and EIP-2930 transactions are signed and mined too", async () => {
  const signer = new KmsTransactionSigner({ client, keyId }, provider);
  const address = await signer.getAddress();
  const to = getAddress("0x4444".padEnd(42, "0"));
  const legacy = await signer.sendTransaction({ type: 0, to, value: 1n });
  const accessList = await signer.sendTransaction({
    type: 1,
    to,
    value: 2n,
    accessList: [{ address: to, storageKeys: [`0x${"00".repeat(32)}`] }],
  });
  for (const [response, type] of [
    [legacy, 0],
    [accessList, 1],
  ] as const) {
    const receipt = await mined(response);
    assert.equal(receipt.status, 1);
    assert.equal(receipt.from, address);
    assert.equal((await provider.getTransaction(receipt.hash))?.type, type);
  }
  assert.equal(await provider.getBalance(to), 3n);
});

test("signTransaction recovers to the KMS address for every type, whichever half KMS put s in", async (t) => {
  const signer = new KmsTransactionSigner({ client, keyId });
  const address = await signer.getAddress();
  const to = getAddress("0x5555".padEnd(42, "0"));
  const fees = { maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1_000_000n };
  const base = { chainId: CHAIN_ID, to, value: 5n, gasLimit: 21_000n, data: "0x" } as const;
  const variants = [
    { ...base, type: 2, ...fees },
    { ...base, type: 2, ...fees, from: address },
    { ...base, type: 2, ...fees, from: address.toLowerCase() },
    { ...base, type: 0, gasPrice: 1_000_000_000n },
    { ...base, type: 1, gasPrice: 1_000_000_000n, accessList: [] },
  ];
  // Sign until KMS has answered both a high and a low s (each ~1/2 per signature), so the
  // transaction path is seen to normalise, not just the message path.
  const seenHalves = { high: 0, low: 0 };
  let nonce = 0;
  while (nonce < variants.length || seenHalves.high === 0 || seenHalves.low === 0) {
    assert.ok(nonce < 60, "60 transaction signatures without both a high and a low s from KMS");
    const request = variants[nonce % variants.length];
    assert.ok(request !== undefined);
    const seen = rawSignatures.length;
    const parsed = Transaction.from(await signer.signTransaction({ ...request, nonce }));
    assert.equal(parsed.from, address);
    assert.equal(parsed.type, request.type);
    assert.equal(parsed.nonce, nonce);
    assert.equal(parsed.to, to);
    assert.equal(parsed.value, 5n);
    assert.ok(parsed.signature !== null);
    if (checkNormalised(parsed.signature.serialized, seen)) seenHalves.high++;
    else seenHalves.low++;
    nonce++;
  }
  t.diagnostic(`KMS answered high s for ${seenHalves.high} of ${nonce} signed transactions`);
});

test("40+ random messages: verifyMessage recovers the KMS address every time, s always low", async (t) => {
  const signer = new KmsTransactionSigner({ client, keyId });
  const address = await signer.getAddress();
  let highSFromKms = 0;
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.string({ unit: "grapheme", maxLength: 80 }), fc.uint8Array({ maxLength: 300 })),
      async (message) => {
        const seen = rawSignatures.length;
        const signature = await signer.signMessage(message);
        runs++;
        assert.match(signature, /^0x[0-9a-f]{130}$/);
        assert.equal(verifyMessage(message, signature), address);
        assert.equal(rawSignatures.length, seen + 1);
        if (checkNormalised(signature, seen)) highSFromKms++;
      },
    ),
    { numRuns: 48 },
  );
  // KMS (and moto) pick a random nonce, so s lands in the high half about half the time:
  // 48 runs without one has probability 2^-48, and would mean normalisation went untested.
  t.diagnostic(`KMS answered high s in ${highSFromKms} of ${runs} messages; all normalised`);
  assert.ok(highSFromKms > 0, `no high-s signature from KMS in ${runs} runs`);
  assert.ok(highSFromKms < runs, `only high-s signatures from KMS in ${runs} runs`);
});

test("signTypedData verifies with ethers.verifyTypedData", async (t) => {
  const signer = new KmsTransactionSigner({ client, keyId }, provider);
  const address = await signer.getAddress();
  const domain = {
    name: "Stele",
    version: "1",
    chainId: CHAIN_ID,
    verifyingContract: getAddress("0x6666".padEnd(42, "0")),
  };
  const types: Record<string, TypedDataField[]> = {
    Checkpoint: [
      { name: "ledger", type: "string" },
      { name: "treeSize", type: "uint64" },
      { name: "root", type: "bytes32" },
      { name: "submitter", type: "address" },
    ],
  };
  let highSFromKms = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.string({ maxLength: 40 }),
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      async (ledger, treeSize, root) => {
        const value = { ledger, treeSize, root: hexlify(root), submitter: address };
        const seen = rawSignatures.length;
        const signature = await signer.signTypedData(domain, types, value);
        assert.equal(verifyTypedData(domain, types, value, signature), address);
        if (checkNormalised(signature, seen)) highSFromKms++;
      },
    ),
    { numRuns: 12 },
  );
  t.diagnostic(`KMS answered high s in ${highSFromKms} of 12 typed-data signatures`);
});

test("a transaction from another address is refused before KMS is asked", async () => {
  const signer = new KmsTransactionSigner({ client, keyId }, provider);
  const other = getAddress("0x7777".padEnd(42, "0"));
  const seen = rawSignatures.length;
  await assert.rejects(
    signer.signTransaction({
      from: other,
      to: other,
      chainId: CHAIN_ID,
      nonce: 0,
      gasLimit: 21_000n,
      maxFeePerGas: 1n,
      maxPriorityFeePerGas: 1n,
    }),
    (error: unknown) =>
      error instanceof KmsAnchorKeyError &&
      error.keyId === keyId &&
      error.message.includes(`anchor key ${keyId}`) &&
      error.message.includes(other),
  );
  // sendTransaction refuses it too (ethers' populateTransaction checks from first).
  await assert.rejects(signer.sendTransaction({ from: other, to: other, value: 1n }), /from/);
  assert.equal(rawSignatures.length, seen);
});

test("a key id that does not exist gives an error naming the key, with KMS's error as cause", async () => {
  const missing = "0b0e5c8d-7f5e-4d61-9a3c-2f1e0d9c8b7a";
  const signer = new KmsTransactionSigner({ client, keyId: missing }, provider);
  const isNamed = (error: unknown): boolean =>
    error instanceof KmsAnchorKeyError &&
    error.name === "KmsAnchorKeyError" &&
    error.keyId === missing &&
    error.operation === "GetPublicKey" &&
    error.message.includes(`anchor key ${missing}`) &&
    error.cause instanceof NotFoundException;
  await assert.rejects(signer.getAddress(), isNamed);
  await assert.rejects(signer.signMessage("hello"), isNamed);
  await assert.rejects(
    signer.sendTransaction({ to: getAddress("0x8888".padEnd(42, "0")), value: 1n }),
    isNamed,
  );
});

test("after resetMoto the key is gone, and Sign's error names the key and keeps the cause", async () => {
  const signer = new KmsTransactionSigner({ client, keyId }, provider);
  await signer.getAddress(); // cached before the key disappears
  await resetMoto(moto);
  const isSignFailure = (error: unknown): boolean =>
    error instanceof KmsAnchorKeyError &&
    error.operation === "Sign" &&
    error.message.includes(`anchor key ${keyId}`) &&
    error.cause instanceof NotFoundException;
  await assert.rejects(signer.signMessage("gone"), isSignFailure);
  await assert.rejects(
    signer.signTransaction({
      to: getAddress("0x9999".padEnd(42, "0")),
      chainId: CHAIN_ID,
      nonce: 0,
      gasLimit: 21_000n,
      maxFeePerGas: 1n,
      maxPriorityFeePerGas: 1n,
    }),
    isSignFailure,
  );
});
