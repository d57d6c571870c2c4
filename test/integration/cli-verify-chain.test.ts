// Step 5 against a real EVM: `stele verify --rpc` reads the anchor's receipt, block and head
// from a hardhat node, and rejects every anchor the chain does not bear out.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { JsonRpcProvider, type JsonRpcSigner } from "ethers";
import type { Anchor, ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import {
  buildTestLog,
  makeTempDir,
  type TempDir,
  type TestLog,
} from "../support/bundle-factory.ts";
import { emitAnchored } from "../support/chain/anchored-event.ts";
import { type HardhatNode, startHardhatNode } from "../support/chain/hardhat-node.ts";

const run = promisify(execFile);
const stele = new URL("../../cli/bin/stele.js", import.meta.url).pathname;

let node: HardhatNode;
let provider: JsonRpcProvider;
let signer: JsonRpcSigner;
let log: TestLog;
let dir: TempDir;

before(async () => {
  node = await startHardhatNode();
  provider = new JsonRpcProvider(node.url, 31337, { staticNetwork: true, cacheTimeout: -1 });
  signer = await provider.getSigner(0);
  log = await buildTestLog({ size: 21, chainIds: [] });
  dir = await makeTempDir("stele-chain-");
});

after(async () => {
  provider?.destroy();
  await node?.stop();
  await dir?.remove();
});

async function anchoredBundle(index: number): Promise<{ bundle: ProofBundle; anchor: Anchor }> {
  const unanchored = await log.bundle(index);
  const anchor = await emitAnchored(signer, unanchored.checkpoint);
  return { bundle: await log.bundle(index, { anchors: [anchor] }), anchor };
}

let files = 0;
async function verify(bundle: ProofBundle, ...flags: string[]) {
  const path = await dir.writeJson(`bundle-${files++}.json`, bundle);
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [stele, "verify", path, "--rpc", node.url, ...flags],
      {
        timeout: 60_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

function assertStep5Fails(result: { code: number; stdout: string }, reason: RegExp) {
  assert.equal(result.code, 1, result.stdout);
  assert.match(result.stdout, /^INVALID: step 5 \(anchor\) failed: /);
  assert.match(result.stdout, reason);
  assert.match(result.stdout, /\n {2}expected: .+\n {2}found: {4}.+/);
}

test("an anchor on the chain verifies, and needs the confirmations asked for", async () => {
  const { bundle, anchor } = await anchoredBundle(3);
  const valid = await verify(bundle);
  assert.equal(valid.code, 0, valid.stdout + valid.stderr);
  assert.match(
    valid.stdout,
    new RegExp(
      `anchor on chain 31337: Anchored\\(21, .*in block ${anchor.blockNumber}, 1 confirmations`,
    ),
  );
  assert.equal(valid.stdout.trim().split("\n").length, 1);

  assertStep5Fails(await verify(bundle, "--confirmations", "5"), /too few confirmations/);
  await provider.send("hardhat_mine", ["0x4"]);
  const deeper = await verify(bundle, "--confirmations", "5");
  assert.equal(deeper.code, 0, deeper.stdout);
  assert.match(deeper.stdout, /5 confirmations/);
});

test("every anchor field the chain does not bear out fails step 5", async () => {
  const { bundle, anchor } = await anchoredBundle(7);
  const tamper = (change: Partial<Anchor>): ProofBundle => ({
    ...bundle,
    anchors: [{ ...anchor, ...change }],
  });
  const otherHash = `0x${"ab".repeat(32)}`;
  assertStep5Fails(await verify(tamper({ txHash: otherHash })), /no receipt/);
  assertStep5Fails(await verify(tamper({ blockHash: otherHash })), /in another block/);
  assertStep5Fails(
    await verify(tamper({ blockNumber: anchor.blockNumber + 1 })),
    /in another block/,
  );
  assertStep5Fails(await verify(tamper({ logIndex: 1 })), /no matching Anchored log/);
  assertStep5Fails(
    await verify(tamper({ contract: `0x${"12".repeat(20)}` })),
    /no matching Anchored log/,
  );
  assertStep5Fails(await verify(tamper({ chainId: 1 })), /serves none of the bundle's chains/);
});

test("an anchor whose transaction reverted fails step 5", async () => {
  const bundle = await log.bundle(11);
  const anchor = await emitAnchored(signer, bundle.checkpoint, "revert");
  assertStep5Fails(await verify({ ...bundle, anchors: [anchor] }), /the transaction reverted/);
});

test("an anchor of another checkpoint does not anchor this one", async () => {
  const bundle = await log.bundle(2);
  // A real Anchored event, but for the checkpoint of a smaller tree.
  const older = await log.bundle(2, { treeSize: 10 });
  const anchor = await emitAnchored(signer, older.checkpoint);
  assertStep5Fails(await verify({ ...bundle, anchors: [anchor] }), /no matching Anchored log/);
});

test("an anchor whose block was reorged away fails step 5", async () => {
  const snapshot: string = await provider.send("evm_snapshot", []);
  const { bundle } = await anchoredBundle(5);
  assert.equal((await verify(bundle)).code, 0);
  await provider.send("evm_revert", [snapshot]);
  // The canonical chain grows past the old height with other blocks.
  await provider.send("hardhat_mine", ["0x3"]);
  assertStep5Fails(await verify(bundle), /no receipt|not canonical|another block/);
});
