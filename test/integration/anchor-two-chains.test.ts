// A log anchored on two chains at once: two hardhat nodes (chain ids 31337 and 31338) with the
// Anchor contract on each, one store, one anchorer per chain. The bundle lists one anchor per
// chain for the same checkpoint, and `stele verify` checks each anchor with the --rpc of its
// chain; a reorg on one chain is anchored again there, and the bundle still verifies on both.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Contract, JsonRpcProvider, parseEther, parseUnits, Wallet } from "ethers";
import { ANCHOR_INTERFACE, deployAnchor } from "../../shared/adapters/chain/anchor-contract.ts";
import { EthersAnchorChain } from "../../shared/adapters/chain/ethers-anchor-chain.ts";
import { DynamoDbStore } from "../../shared/adapters/dynamodb/dynamodb-store.ts";
import { createTable } from "../../shared/adapters/dynamodb/table.ts";
import { DevCheckpointSigner } from "../../shared/adapters/local/dev-checkpoint-signer.ts";
import { acceptEntries } from "../../shared/app/accept-entries.ts";
import { type AnchorEvent, Anchorer } from "../../shared/app/anchor-checkpoints.ts";
import { integrate } from "../../shared/app/integrate.ts";
import { getProof, type ReadDeps } from "../../shared/app/read-entries.ts";
import { originOf } from "../../shared/domain/ledger/ledger-name.ts";
import { DEFAULT_TENANT } from "../../shared/domain/ledger/tenant.ts";
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import type { AnchorRecord } from "../../shared/ports/anchor-store.ts";
import { entriesRequestSchema } from "../../shared/schemas/entries-request.ts";
import { makeTempDir, type TempDir } from "../support/bundle-factory.ts";
import { TestClock } from "../support/chain/anchor-harness.ts";
import { type HardhatNode, startHardhatNode } from "../support/chain/hardhat-node.ts";
import { localClient } from "../support/dynamodb/backends.ts";
import { type DynamoDbBackend, startDynalite } from "../support/dynamodb/dynalite.ts";

const run = promisify(execFile);
const stele = new URL("../../cli/bin/stele.js", import.meta.url).pathname;

const CHAIN_A = 31337;
const CHAIN_B = 31338;
const CONFIRMATIONS = 2;
const LEDGER = "default";
const ORIGIN_PREFIX = "two-chains.stele.test";

/** One chain of the deployment: its node, the test's provider on it, its Anchor and anchorer. */
interface DeployedChain {
  readonly chainId: number;
  readonly node: HardhatNode;
  readonly provider: JsonRpcProvider;
  readonly contract: string;
  readonly anchorer: Anchorer;
}

const clock = new TestClock(Date.parse("2026-05-01T00:00:00.000Z"));
const checkpointSigner = new DevCheckpointSigner(new Uint8Array(32).fill(7));
const random = { bytes: (length: number) => new Uint8Array(randomBytes(length)) };
const nodes: HardhatNode[] = [];
const providers: JsonRpcProvider[] = [];
let dynamo: DynamoDbBackend | undefined;
let client: DynamoDBClient | undefined;
let store: DynamoDbStore;
let chainA: DeployedChain;
let chainB: DeployedChain;
let dir: TempDir;
let signer: string;

/** Deploys an Anchor on `node`, authorises and funds `anchorKey` there, and wires its anchorer. */
async function deploy(node: HardhatNode, anchorKey: Wallet): Promise<DeployedChain> {
  const provider = new JsonRpcProvider(node.url, node.chainId, {
    staticNetwork: true,
    cacheTimeout: -1,
  });
  providers.push(provider);
  const owner = await provider.getSigner(0);
  const contract = await deployAnchor(owner);
  const anchor = new Contract(contract, ANCHOR_INTERFACE, owner);
  await (await anchor.getFunction("authorize")(anchorKey.address)).wait();
  await (await owner.sendTransaction({ to: anchorKey.address, value: parseEther("10") })).wait();
  const chain = new EthersAnchorChain({
    provider,
    signer: anchorKey.connect(provider),
    chainId: node.chainId,
    contract,
  });
  const anchorer = new Anchorer(
    { ledgers: store, log: store, anchors: store, chain, clock, originOf: originOfLedger },
    {
      confirmations: CONFIRMATIONS,
      maxFeePerGasCeiling: parseUnits("50", "gwei"),
      replaceAfterMs: 60_000,
    },
  );
  return { chainId: node.chainId, node, provider, contract, anchorer };
}

function originOfLedger(ledger: string): string {
  return originOf(ORIGIN_PREFIX, ledger);
}

before(async () => {
  // Wait for all three, so that after() stops whichever did start when another failed.
  const started = await Promise.allSettled([
    startHardhatNode().then((node) => void nodes.push(node)),
    startHardhatNode({ chainId: CHAIN_B }).then((node) => void nodes.push(node)),
    startDynalite().then((backend) => {
      dynamo = backend;
    }),
  ]);
  for (const outcome of started) if (outcome.status === "rejected") throw outcome.reason;
  assert.ok(dynamo !== undefined);
  client = localClient(dynamo.endpoint);
  const tableName = `two-chains-${randomUUID().slice(0, 8)}`;
  await createTable(client, tableName);
  store = new DynamoDbStore({ client, tableName });
  await store.registerLedger(LEDGER);
  // One anchor key for both chains, as one KMS key would be.
  const anchorKey = new Wallet(Wallet.createRandom().privateKey);
  const nodeA = nodes.find((node) => node.chainId === CHAIN_A);
  const nodeB = nodes.find((node) => node.chainId === CHAIN_B);
  assert.ok(nodeA !== undefined && nodeB !== undefined);
  [chainA, chainB] = await Promise.all([deploy(nodeA, anchorKey), deploy(nodeB, anchorKey)]);
  dir = await makeTempDir("stele-two-chains-");
  signer = await checkpointSigner.address();
});

after(async () => {
  for (const provider of providers) provider.destroy();
  client?.destroy();
  await Promise.all([...nodes.map((node) => node.stop()), dynamo?.stop(), dir?.remove()]);
});

/** Accepts `count` documents and integrates them with the real use cases; their entry ids. */
async function addEntries(count: number): Promise<string[]> {
  const request = entriesRequestSchema.parse({
    ledger: LEDGER,
    entries: Array.from({ length: count }, () => ({
      kind: "document",
      contentHash: randomBytes(32).toString("hex"),
    })),
  });
  const accepted = await acceptEntries({ entries: store, clock, random }, request, {
    tenant: DEFAULT_TENANT,
  });
  await integrate(
    {
      entries: store,
      log: store,
      signer: checkpointSigner,
      subjects: store,
      originOf: originOfLedger,
    },
    LEDGER,
    { maxEntries: 1000 },
  );
  return accepted.map((entry) => entry.id);
}

async function records(chain: DeployedChain): Promise<AnchorRecord[]> {
  return store.recentAnchors(LEDGER, chain.chainId, 100);
}

/** Runs `chain`'s anchorer, mining a block between runs, until the ledger's head is final there. */
async function settle(chain: DeployedChain): Promise<AnchorEvent[]> {
  const events: AnchorEvent[] = [];
  const head = (await store.getHead(LEDGER))?.treeSize;
  for (let runs = 0; runs < 10; runs++) {
    events.push(...(await chain.anchorer.run()));
    const final = (await records(chain)).find((r) => r.status === "final");
    if (final !== undefined && final.treeSize === head) return events;
    await chain.provider.send("hardhat_mine", ["0x1"]);
  }
  assert.fail(`chain ${chain.chainId}: ledger head ${head} not final after 10 runs`);
}

const kinds = (events: readonly AnchorEvent[]) =>
  events.map((e) => `${e.kind}:${e.ledger}@${e.treeSize}`);

function readDeps(): ReadDeps {
  return {
    entries: store,
    log: store,
    anchors: { store, chainIds: [CHAIN_A, CHAIN_B] },
  };
}

let files = 0;
/** `stele verify <bundle> --signer … <flags>`, as a user runs it. */
async function verify(bundle: ProofBundle, ...flags: string[]) {
  const path = await dir.writeJson(`bundle-${files++}.json`, bundle);
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [stele, "verify", path, "--signer", signer, ...flags],
      { timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

const rpc = (...chains: DeployedChain[]) => chains.flatMap((chain) => ["--rpc", chain.node.url]);

/** The anchor of `bundle` on `chain`'s chain id; fails when there is not exactly one. */
function anchorOn(bundle: ProofBundle, chain: DeployedChain) {
  const found = bundle.anchors.filter((anchor) => anchor.chainId === chain.chainId);
  assert.equal(found.length, 1, `one anchor on chain ${chain.chainId}: ${JSON.stringify(found)}`);
  const [anchor] = found;
  assert.ok(anchor !== undefined);
  return anchor;
}

test("one checkpoint anchored on two chains: one anchor per chain, each checked with its --rpc", async () => {
  const [id] = await addEntries(3);
  assert.ok(id !== undefined);
  assert.deepEqual(kinds(await settle(chainA)).slice(0, 1), [`sent:${LEDGER}@3`]);
  assert.deepEqual(kinds(await settle(chainB)).slice(0, 1), [`sent:${LEDGER}@3`]);

  const bundle = await getProof(readDeps(), id, {
    reader: { tenant: DEFAULT_TENANT },
    anchored: true,
  });
  assert.equal(bundle.checkpoint.treeSize, 3);
  assert.deepEqual(
    bundle.anchors.map((anchor) => anchor.chainId).sort(),
    [CHAIN_A, CHAIN_B],
    "one anchor per chain",
  );
  for (const chain of [chainA, chainB]) {
    const anchor = anchorOn(bundle, chain);
    const [record] = await records(chain);
    assert.equal(record?.treeSize, 3, `chain ${chain.chainId} anchors the bundle's checkpoint`);
    assert.equal(anchor.txHash, record?.inclusion?.txHash);
    assert.equal(anchor.contract.toLowerCase(), chain.contract.toLowerCase());
    assert.equal(anchor.status, "final");
  }

  const both = await verify(bundle, ...rpc(chainA, chainB), "--confirmations", "2");
  assert.equal(both.code, 0, both.stdout + both.stderr);
  assert.match(both.stdout, /^VALID: document [0-9a-f]{64} is leaf 0 of two-chains\.stele\.test/);
  assert.match(both.stdout, /; anchor on chain 31337: Anchored\(3, [0-9a-f]{12}…\) in block \d+/);
  assert.match(both.stdout, /; anchor on chain 31338: Anchored\(3, [0-9a-f]{12}…\) in block \d+/);
  assert.doesNotMatch(both.stdout, /not checked/);

  const onlyA = await verify(bundle, ...rpc(chainA), "--confirmations", "2");
  assert.equal(onlyA.code, 0, onlyA.stdout + onlyA.stderr);
  assert.match(onlyA.stdout, /; anchor on chain 31337: Anchored\(3, /);
  assert.match(
    onlyA.stdout,
    /; 1 anchor\(s\) not checked: no RPC endpoint for chain 31338 \(pass --rpc <url> of each chain\)$/m,
  );

  const tampered: ProofBundle = {
    ...bundle,
    anchors: bundle.anchors.map((anchor) =>
      anchor.chainId === CHAIN_B ? { ...anchor, blockHash: `0x${"ab".repeat(32)}` } : anchor,
    ),
  };
  const invalid = await verify(tampered, ...rpc(chainA, chainB), "--confirmations", "2");
  assert.equal(invalid.code, 1, invalid.stdout + invalid.stderr);
  assert.match(
    invalid.stdout,
    /^INVALID: step 5 \(anchor\) failed: anchor on chain 31338: the transaction is in another block\n {2}expected: block \d+ 0x(ab){32}\n {2}found: {4}block \d+ 0x[0-9a-f]{64}$/m,
  );

  const twice = await verify(bundle, ...rpc(chainA, chainA));
  assert.equal(twice.code, 2, twice.stdout + twice.stderr);
  assert.equal(twice.stdout, "");
  assert.match(
    twice.stderr,
    new RegExp(
      `^stele: --rpc ${chainA.node.url} and --rpc ${chainA.node.url} both serve chain 31337: give one endpoint per chain\n$`,
    ),
  );
});

test("a reorg on one chain: anchored again there, and the bundle verifies on both chains", async () => {
  const [id] = await addEntries(2);
  assert.ok(id !== undefined);
  const size = (await store.getHead(LEDGER))?.treeSize;
  assert.equal(size, 5);
  const fork: string = await chainB.provider.send("evm_snapshot", []);
  const forkHeight = await chainB.provider.getBlockNumber();
  await settle(chainA);
  await settle(chainB);
  const served = await getProof(readDeps(), id, {
    reader: { tenant: DEFAULT_TENANT },
    anchored: true,
  });
  assert.equal(served.checkpoint.treeSize, size);
  const lost = anchorOn(served, chainB);
  const kept = anchorOn(served, chainA);

  // Chain B drops every block since the fork and grows past the old height with other blocks.
  assert.equal(await chainB.provider.send("evm_revert", [fork]), true);
  const depth = lost.blockNumber - forkHeight;
  await chainB.provider.send("hardhat_mine", [`0x${(depth + 2).toString(16)}`]);
  assert.notEqual((await chainB.provider.getBlock(lost.blockNumber))?.hash, lost.blockHash);
  // A bundle handed out before the reorg no longer holds on chain B.
  const stale = await verify(served, ...rpc(chainA, chainB), "--confirmations", "2");
  assert.equal(stale.code, 1, stale.stdout + stale.stderr);
  assert.match(stale.stdout, /^INVALID: step 5 \(anchor\) failed: anchor on chain 31338: /);

  const redone = kinds(await settle(chainB));
  assert.deepEqual(redone.slice(0, 2), [`orphaned:${LEDGER}@${size}`, `sent:${LEDGER}@${size}`]);
  assert.deepEqual(kinds(await chainA.anchorer.run()), [], "chain A has nothing to redo");

  const bundle = await getProof(readDeps(), id, {
    reader: { tenant: DEFAULT_TENANT },
    anchored: true,
  });
  assert.equal(bundle.checkpoint.treeSize, size);
  assert.deepEqual(anchorOn(bundle, chainA), kept, "the anchor on chain A is untouched");
  const again = anchorOn(bundle, chainB);
  assert.notEqual(again.blockHash, lost.blockHash);
  assert.equal(again.status, "final");
  const valid = await verify(bundle, ...rpc(chainB, chainA), "--confirmations", "2");
  assert.equal(valid.code, 0, valid.stdout + valid.stderr);
  assert.match(valid.stdout, new RegExp(`; anchor on chain 31337: Anchored\\(${size}, `));
  assert.match(
    valid.stdout,
    new RegExp(`; anchor on chain 31338: Anchored\\(${size}, .*in block ${again.blockNumber}`),
  );
});
