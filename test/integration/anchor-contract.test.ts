// The Anchor and SteleProofVerifier contracts on a real EVM (a hardhat node): who may anchor,
// what an anchor puts in the receipt and what it costs, whether the committed artifacts are
// what the sources compile to, and whether the EVM verifies inclusion proofs as our
// TypeScript verifier does.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import {
  Contract,
  ContractFactory,
  type ContractTransactionResponse,
  Interface,
  id,
  isCallException,
  JsonRpcProvider,
  type JsonRpcSigner,
  type TransactionReceipt,
  Wallet,
  ZeroAddress,
} from "ethers";
import anchorArtifact from "../../contracts/artifacts/Anchor.json" with { type: "json" };
import verifierArtifact from "../../contracts/artifacts/SteleProofVerifier.json" with {
  type: "json",
};
import { COMPILER_SETTINGS, staleArtifacts } from "../../scripts/build-contracts.ts";
import { flipBit, type InclusionCase, type InclusionFile } from "../../scripts/generate-vectors.ts";
import { encodeAnchorCall } from "../../shared/adapters/chain/anchor-call.ts";
import {
  ANCHOR_ABI,
  ANCHOR_INTERFACE,
  ANCHORED_EVENT,
  deployAnchor,
} from "../../shared/adapters/chain/anchor-contract.ts";
import { EthersAnchorEvidenceReader } from "../../shared/adapters/chain/ethers-anchor-evidence-reader.ts";
import { fromHex, toHex } from "../../shared/domain/bytes.ts";
import { hashLeaf } from "../../shared/domain/merkle/hasher.ts";
import {
  inclusionProofLength,
  rootFromInclusionProof,
  verifyInclusion,
} from "../../shared/domain/merkle/verify-inclusion.ts";
import {
  ANCHORED_TOPIC,
  checkAnchor,
  logIdOfOrigin,
} from "../../shared/domain/proof/anchor-check.ts";
import type { Anchor, SignedCheckpoint } from "../../shared/domain/proof/bundle-schema.ts";
import {
  ANCHOR_EVENT,
  checkpointBodyOf,
  sha256Hex,
  TEST_PRIVATE_KEY,
} from "../support/bundle-factory.ts";
import { type HardhatNode, startHardhatNode } from "../support/chain/hardhat-node.ts";
import { vectorLeafData } from "../support/reference-merkle.ts";

const CHAIN_ID = 31337;
const MAX_ANCHOR_GAS = 27_000n;
const ORIGIN = "stele.example.com/anchor-contract-test";
const VECTORS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "../vectors/inclusion");

let node: HardhatNode;
let provider: JsonRpcProvider;
/** Hardhat's funded accounts: the deployer (owner), an anchor key, a stranger and a next owner. */
let owner: JsonRpcSigner;
let anchorer: JsonRpcSigner;
let stranger: JsonRpcSigner;
let heir: JsonRpcSigner;

before(async () => {
  node = await startHardhatNode();
  provider = new JsonRpcProvider(node.url, CHAIN_ID, { staticNetwork: true, cacheTimeout: -1 });
  owner = await provider.getSigner(0);
  anchorer = await provider.getSigner(1);
  stranger = await provider.getSigner(2);
  heir = await provider.getSigner(3);
});

after(async () => {
  provider?.destroy();
  await node?.stop();
});

/** A fresh Anchor deployed by `owner`, as a contract object acting for the owner. */
async function newAnchor(): Promise<Contract> {
  return new Contract(await deployAnchor(owner), ANCHOR_ABI, owner);
}

function actingAs(contract: Contract, signer: JsonRpcSigner): Contract {
  return contract.connect(signer) as Contract;
}

async function mined(sent: Promise<ContractTransactionResponse>): Promise<TransactionReceipt> {
  const receipt = await (await sent).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt;
}

async function send(contract: Contract, method: string, ...args: unknown[]) {
  return mined(contract.getFunction(method).send(...args));
}

/**
 * The custom error a call reverts with, as `Name(arg, …)`. The test node answers eth_call of a
 * failing call with its revert data as if it had succeeded (throwOnCallFailures: false), so the
 * revert is read from eth_estimateGas, which fails like a real node's.
 */
async function revertOf(contract: Contract, method: string, ...args: unknown[]): Promise<string> {
  try {
    await contract.getFunction(method).estimateGas(...args);
  } catch (error) {
    if (isCallException(error) && error.data) {
      const parsed = contract.interface.parseError(error.data);
      if (parsed !== null) return `${parsed.name}(${[...parsed.args].join(", ")})`;
    }
    throw error;
  }
  assert.fail(`${method}(${args.join(", ")}) did not revert`);
}

/** Events of `receipt` from `contract`, as `Name(arg, …)`. */
function eventsOf(receipt: TransactionReceipt, contract: Contract): string[] {
  return receipt.logs.map((log) => {
    const parsed = contract.interface.parseLog(log);
    return parsed === null
      ? `unknown log ${log.topics[0]}`
      : `${parsed.name}(${[...parsed.args].join(", ")})`;
  });
}

describe("Anchor", () => {
  it("is what contracts/*.sol compile to, and the adapter's ABI is the compiled one", async () => {
    assert.deepEqual(await staleArtifacts(), [], "run npm run build:contracts");
    const pinned: unknown = JSON.parse(
      readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
    );
    assert.ok(typeof pinned === "object" && pinned !== null && "devDependencies" in pinned);
    const { solc } = pinned.devDependencies as { solc?: string };
    assert.match(solc ?? "", /^\d+\.\d+\.\d+$/, "solc is pinned to an exact version");
    assert.ok(anchorArtifact.compiler.version.startsWith(`${solc}+commit.`));
    assert.deepEqual(anchorArtifact.compiler.settings, COMPILER_SETTINGS);
    const formatted = (iface: Interface) => iface.format().sort();
    assert.deepEqual(formatted(ANCHOR_INTERFACE), formatted(new Interface(anchorArtifact.abi)));

    const anchor = await newAnchor();
    assert.equal(await provider.getCode(anchor.target), anchorArtifact.deployedBytecode);
  });

  it("belongs to its deployer, and only the owner authorises, revokes or hands it over", async () => {
    const anchor = await newAnchor();
    const [ownerAddress, anchorerAddress, strangerAddress, heirAddress] = await Promise.all(
      [owner, anchorer, stranger, heir].map((signer) => signer.getAddress()),
    );
    assert.equal(await anchor.getFunction("owner")(), ownerAddress);
    assert.equal(await anchor.getFunction("isAuthorized")(anchorerAddress), false);

    const asStranger = actingAs(anchor, stranger);
    const notOwner = `NotOwner(${strangerAddress})`;
    assert.equal(await revertOf(asStranger, "authorize", strangerAddress), notOwner);
    assert.equal(await revertOf(asStranger, "revoke", anchorerAddress), notOwner);
    assert.equal(await revertOf(asStranger, "transferOwnership", strangerAddress), notOwner);
    // The anchor key may anchor, not administer.
    const authorised = await send(anchor, "authorize", anchorerAddress);
    assert.deepEqual(eventsOf(authorised, anchor), [`Authorized(${anchorerAddress})`]);
    assert.equal(await anchor.getFunction("isAuthorized")(anchorerAddress), true);
    assert.equal(
      await revertOf(actingAs(anchor, anchorer), "authorize", strangerAddress),
      `NotOwner(${anchorerAddress})`,
    );
    assert.equal(await anchor.getFunction("isAuthorized")(strangerAddress), false);
    assert.equal(await revertOf(anchor, "authorize", ZeroAddress), "ZeroAddress()");
    assert.equal(await revertOf(anchor, "transferOwnership", ZeroAddress), "ZeroAddress()");

    const handedOver = await send(anchor, "transferOwnership", heirAddress);
    assert.deepEqual(eventsOf(handedOver, anchor), [
      `OwnershipTransferred(${ownerAddress}, ${heirAddress})`,
    ]);
    assert.equal(await anchor.getFunction("owner")(), heirAddress);
    assert.equal(
      await revertOf(anchor, "revoke", anchorerAddress),
      `NotOwner(${ownerAddress})`,
      "the previous owner has no say",
    );
    assert.equal(await anchor.getFunction("isAuthorized")(anchorerAddress), true);
    const revoked = await send(actingAs(anchor, heir), "revoke", anchorerAddress);
    assert.deepEqual(eventsOf(revoked, anchor), [`Revoked(${anchorerAddress})`]);
    assert.equal(await anchor.getFunction("isAuthorized")(anchorerAddress), false);
  });

  it("emits exactly one Anchored log, encoded as spec/proof-v1.md says, that step 5 accepts", async () => {
    const anchor = await newAnchor();
    await send(anchor, "authorize", await anchorer.getAddress());
    const treeSize = 41;
    const rootHash = sha256Hex(new TextEncoder().encode("root of 41"));
    const receipt = await mined(
      actingAs(anchor, anchorer)
        .getFunction("anchor")
        .send(logIdOfOrigin(ORIGIN), treeSize, `0x${rootHash}`),
    );
    assert.equal(receipt.status, 1);
    assert.equal(receipt.logs.length, 1);
    const [log] = receipt.logs;
    assert.ok(log !== undefined);
    assert.equal(log.address, anchor.target);
    assert.equal(ANCHORED_EVENT.topicHash, ANCHORED_TOPIC);
    assert.deepEqual(log.topics, [
      ANCHORED_TOPIC,
      logIdOfOrigin(ORIGIN),
      `0x${treeSize.toString(16).padStart(64, "0")}`,
    ]);
    assert.equal(log.data, `0x${rootHash}`);
    // The same log as ethers encodes the spec's event declaration, independently of our code.
    const spec = new Interface([ANCHOR_EVENT]);
    const encoded = spec.encodeEventLog("Anchored", [id(ORIGIN), treeSize, `0x${rootHash}`]);
    assert.deepEqual({ topics: log.topics, data: log.data }, encoded);
    const parsed = spec.parseLog(log);
    assert.deepEqual(parsed && [...parsed.args], [logIdOfOrigin(ORIGIN), 41n, `0x${rootHash}`]);

    // Verification step 5, reading the chain through the adapter the CLI uses.
    const body = checkpointBodyOf(ORIGIN, treeSize, rootHash);
    const key = new Wallet(TEST_PRIVATE_KEY);
    const checkpoint: SignedCheckpoint = {
      origin: ORIGIN,
      treeSize,
      rootHash,
      body,
      signature: {
        algorithm: "eip191-secp256k1",
        signer: key.address,
        value: await key.signMessage(body),
      },
    };
    const stanza: Anchor = {
      chainId: CHAIN_ID,
      contract: String(anchor.target),
      txHash: receipt.hash,
      blockNumber: receipt.blockNumber,
      blockHash: receipt.blockHash,
      // The spec's logIndex counts within the receipt; JSON-RPC's (ethers' log.index) within the block.
      logIndex: receipt.logs.findIndex((l) => l.index === log.index),
      status: "included",
    };
    const reader = await EthersAnchorEvidenceReader.connect(node.url);
    try {
      const outcome = checkAnchor(stanza, checkpoint, await reader.readEvidence(stanza), 1);
      assert.equal(outcome.status, "passed", JSON.stringify(outcome));
      const otherSize = { ...checkpoint, treeSize: 42 };
      const wrong = checkAnchor(stanza, otherSize, await reader.readEvidence(stanza), 1);
      assert.equal(wrong.status, "failed");
    } finally {
      reader.close();
    }
  });

  it("refuses an unauthorised caller with NotAuthorized, and a revoked one too", async () => {
    const anchor = await newAnchor();
    const [anchorerAddress, strangerAddress] = await Promise.all([
      anchorer.getAddress(),
      stranger.getAddress(),
    ]);
    const args = [logIdOfOrigin(ORIGIN), 7, `0x${"ab".repeat(32)}`];
    assert.equal(
      await revertOf(actingAs(anchor, stranger), "anchor", ...args),
      `NotAuthorized(${strangerAddress})`,
    );
    // Sent anyway, it is mined, fails and logs nothing.
    const sent = await stranger.sendTransaction({
      to: anchor.target,
      data: encodeAnchorCall(logIdOfOrigin(ORIGIN), 7, "ab".repeat(32)),
      gasLimit: 100_000,
    });
    const failed = await provider.getTransactionReceipt(sent.hash);
    assert.equal(failed?.status, 0);
    assert.deepEqual(failed?.logs, []);
    // Not even the owner anchors unless authorised.
    assert.equal(
      await revertOf(anchor, "anchor", ...args),
      `NotAuthorized(${await owner.getAddress()})`,
    );

    await send(anchor, "authorize", anchorerAddress);
    const anchored = await send(actingAs(anchor, anchorer), "anchor", ...args);
    assert.equal(anchored.logs.length, 1);
    const revoked = await send(anchor, "revoke", anchorerAddress);
    assert.deepEqual(eventsOf(revoked, anchor), [`Revoked(${anchorerAddress})`]);
    assert.equal(
      await revertOf(actingAs(anchor, anchorer), "anchor", ...args),
      `NotAuthorized(${anchorerAddress})`,
    );
  });

  it(`costs at most ${MAX_ANCHOR_GAS} gas per anchor`, async (t: TestContext) => {
    const anchor = await newAnchor();
    await send(anchor, "authorize", await anchorer.getAddress());
    // 21,000 + calldata (16 gas a non-zero byte, 4 a zero byte) + the cold read of the
    // authorisation (2,100) + LOG3 (1,756) + dispatch: calldata without a zero byte (beyond the
    // uint64's 24 leading ones) is the dearest.
    const root = (label: string) => sha256Hex(new TextEncoder().encode(label));
    const cases = [
      { what: "treeSize 1", logId: logIdOfOrigin(ORIGIN), treeSize: 1n, rootHash: root("a") },
      {
        what: "treeSize 10^6",
        logId: logIdOfOrigin(ORIGIN),
        treeSize: 10n ** 6n,
        rootHash: root("b"),
      },
      {
        what: "treeSize 2^53-1",
        logId: logIdOfOrigin(ORIGIN),
        treeSize: 2n ** 53n - 1n,
        rootHash: root("c"),
      },
      {
        what: "worst case, no zero byte",
        logId: "ff".repeat(32),
        treeSize: 2n ** 64n - 1n,
        rootHash: "ff".repeat(32),
      },
    ];
    let most = 0n;
    for (const { what, logId, treeSize, rootHash } of cases) {
      const sent = await anchorer.sendTransaction({
        to: anchor.target,
        data: encodeAnchorCall(logId, treeSize, rootHash),
      });
      const receipt = await sent.wait();
      assert.equal(receipt?.status, 1);
      assert.equal(receipt?.logs[0]?.topics[2], `0x${treeSize.toString(16).padStart(64, "0")}`);
      const gas = receipt?.gasUsed ?? 0n;
      t.diagnostic(`anchor gas, ${what}: ${gas}`);
      if (gas > most) most = gas;
    }
    t.diagnostic(`anchor gas, most: ${most} (limit ${MAX_ANCHOR_GAS})`);
    assert.ok(most > 21_000n && most <= MAX_ANCHOR_GAS, `anchor used ${most} gas`);
  });

  it("encodeAnchorCall takes roots with or without 0x and refuses what is not bytes32/uint64", () => {
    const logId = logIdOfOrigin(ORIGIN);
    const root = "cd".repeat(32);
    const call = encodeAnchorCall(logId, 5, root);
    assert.equal(call, encodeAnchorCall(logId.slice(2), 5n, `0x${root}`));
    assert.equal(call, ANCHOR_INTERFACE.encodeFunctionData("anchor", [logId, 5, `0x${root}`]));
    assert.equal(call.slice(0, 10), ANCHOR_INTERFACE.getFunction("anchor")?.selector);
    assert.throws(() => encodeAnchorCall(logId, 5, root.slice(2)));
    assert.throws(() => encodeAnchorCall(logId, 2n ** 64n, root));
    assert.throws(() => encodeAnchorCall(logId, -1, root));
    assert.throws(() => encodeAnchorCall(logId, 1.5, root));
    for (const size of [0n, 1n, 255n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 64n - 1n]) {
      assert.equal(
        encodeAnchorCall(logId, size, root),
        ANCHOR_INTERFACE.encodeFunctionData("anchor", [logId, size, `0x${root}`]),
        `treeSize ${size}`,
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------
// SteleProofVerifier against test/vectors/inclusion.

interface VectorCase extends InclusionCase {
  /** The case's mutation (`wrong-root`, `modified-proof[i]-bit-@b`, …) or `happy-path`. */
  readonly kind: string;
}

function kindOf(desc: string): string {
  if (desc.startsWith("happy-path")) return "happy-path";
  return desc.replace(/^leaf \d+: /, "").replace(/\[\d+\]-bit-@\d+$/, "[i]-bit-@b");
}

/** Every written-out case, plus three flips per path element from each bitFlipSweep record. */
function loadVectorCases(): VectorCase[] {
  const cases: VectorCase[] = [];
  const files = readdirSync(VECTORS_DIR)
    .filter((name) => name.endsWith(".json"))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
  for (const name of files) {
    const file = JSON.parse(readFileSync(path.join(VECTORS_DIR, name), "utf8")) as InclusionFile;
    for (const c of file.cases) cases.push({ ...c, kind: kindOf(c.desc) });
    const sweep = file.bitFlipSweep;
    if (sweep === undefined) continue;
    sweep.proof.forEach((element, i) => {
      for (const bit of [0, 255, (97 * i + sweep.treeSize) % 256]) {
        const proof = [...sweep.proof];
        proof[i] = toHex(flipBit(fromHex(element), bit));
        cases.push({
          ...sweep,
          desc: `leaf ${sweep.leafIndex}: sweep modified-proof[${i}]-bit-@${bit}`,
          proof,
          kind: "bitFlipSweep modified-proof[i]-bit-@b",
        });
      }
    });
  }
  return cases;
}

/** `count` items spread evenly over `items` (all of them if there are fewer). */
function spread<T>(items: readonly T[], count: number): T[] {
  if (count >= items.length) return [...items];
  return Array.from(
    { length: count },
    (_, j) => items[Math.floor((j * items.length) / count)],
  ).filter((item): item is T => item !== undefined);
}

/** About `target` cases with every kind represented, small kinds whole and the rest shared evenly. */
function sampleByKind(cases: readonly VectorCase[], target: number): VectorCase[] {
  const byKind = new Map<string, VectorCase[]>();
  for (const c of cases) byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), c]);
  const groups = [...byKind.values()].sort((a, b) => a.length - b.length);
  const picked: VectorCase[] = [];
  let left = target;
  groups.forEach((group, i) => {
    const take = Math.min(group.length, Math.floor(left / (groups.length - i)));
    picked.push(...spread(group, take));
    left -= take;
  });
  return picked;
}

const hex0x = (hex: string) => `0x${hex}`;

/** Our TypeScript verifier's answers for a case: accepted or not, and the root or why not. */
function typescriptVerdict(c: InclusionCase) {
  const proof = c.proof.map(fromHex);
  let accepted = true;
  try {
    verifyInclusion(c.leafIndex, c.treeSize, fromHex(c.leafHash), proof, fromHex(c.root));
  } catch {
    accepted = false;
  }
  let root: string | null = null;
  try {
    root = hex0x(
      toHex(rootFromInclusionProof(c.leafIndex, c.treeSize, fromHex(c.leafHash), proof)),
    );
  } catch {
    // The shape is wrong: the contract must revert with the matching error.
  }
  return { accepted, root };
}

describe("SteleProofVerifier", () => {
  let verifier: Contract;

  before(async () => {
    const deployed = await new ContractFactory(
      verifierArtifact.abi,
      verifierArtifact.bytecode,
      owner,
    ).deploy();
    await deployed.waitForDeployment();
    verifier = new Contract(await deployed.getAddress(), verifierArtifact.abi, provider);
  });

  it("agrees with the TypeScript verifier on ~400 cases of test/vectors/inclusion", async (t: TestContext) => {
    const all = loadVectorCases();
    const positives = sampleByKind(
      all.filter((c) => !c.wantErr),
      200,
    );
    const negatives = sampleByKind(
      all.filter((c) => c.wantErr),
      200,
    );
    const negativeKinds = new Set(all.filter((c) => c.wantErr).map((c) => c.kind));
    assert.deepEqual(
      new Set(negatives.map((c) => c.kind)),
      negativeKinds,
      "every kind of negative",
    );
    t.diagnostic(
      `${positives.length} positive and ${negatives.length} negative cases (${negativeKinds.size} kinds) of ${all.length}`,
    );

    const verify = verifier.getFunction("verifyInclusion");
    const rootOf = verifier.getFunction("rootFromInclusionProof");
    const disagreements = await Promise.all(
      [...positives, ...negatives].map(async (c): Promise<string[]> => {
        const ours = typescriptVerdict(c);
        const args = [c.leafIndex, c.treeSize, hex0x(c.leafHash), c.proof.map(hex0x)];
        const accepted: unknown = await verify.staticCall(...args, hex0x(c.root));
        let root: unknown;
        let want: string;
        if (ours.root !== null) {
          root = await rootOf.staticCall(...args);
          want = ours.root;
        } else {
          root = await revertOf(verifier, "rootFromInclusionProof", ...args);
          want =
            c.leafIndex >= c.treeSize
              ? `LeafIndexBeyondTreeSize(${c.leafIndex}, ${c.treeSize})`
              : `WrongProofSize(${c.proof.length}, ${inclusionProofLength(c.leafIndex, c.treeSize)})`;
        }
        const problems: string[] = [];
        if (ours.accepted === c.wantErr) problems.push(`TypeScript accepted=${ours.accepted}`);
        if (accepted !== ours.accepted) problems.push(`contract accepted=${String(accepted)}`);
        if (root !== want) problems.push(`contract root ${String(root)}, want ${want}`);
        return problems.map((p) => `${c.treeSize}.json ${c.desc}: ${p}`);
      }),
    );
    assert.deepEqual(disagreements.flat(), []);
  });

  it("hashes a contentHash into its leaf hash and checks steps 2 and 3 together", async () => {
    const leafHash = verifier.getFunction("leafHash");
    const verifyContent = verifier.getFunction("verifyContentInclusion");
    const happy = loadVectorCases().filter((c) => c.kind === "happy-path");
    for (const c of spread(happy, 12)) {
      // Leaf i of the vector trees has leaf data (a Stele contentHash) SHA-256 of "i".
      const contentHash = hex0x(toHex(vectorLeafData(c.leafIndex)));
      assert.equal(await leafHash.staticCall(contentHash), hex0x(c.leafHash));
      assert.equal(hex0x(toHex(hashLeaf(fromHex(contentHash.slice(2))))), hex0x(c.leafHash));
      const args = [c.leafIndex, c.treeSize, c.proof.map(hex0x), hex0x(c.root)];
      assert.equal(await verifyContent.staticCall(contentHash, ...args), true, c.desc);
      const otherContent = hex0x(toHex(vectorLeafData(c.leafIndex + 1)));
      assert.equal(await verifyContent.staticCall(otherContent, ...args), false, c.desc);
    }
    assert.equal(
      await revertOf(verifier, "inclusionProofLength", 8, 8),
      "LeafIndexBeyondTreeSize(8, 8)",
    );
    for (const [leafIndex, treeSize] of [
      [0, 1],
      [5, 6],
      [999, 1000],
      [2 ** 40 + 3, 2 ** 53 - 1],
    ] as const) {
      assert.equal(
        await verifier.getFunction("inclusionProofLength").staticCall(leafIndex, treeSize),
        BigInt(inclusionProofLength(leafIndex, treeSize)),
      );
    }
  });
});
