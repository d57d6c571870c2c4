// The local stack anchors: entries reach `final`, their bundles carry the anchor and verify
// against the embedded chain; after a restart (a new chain) the anchors are redone by themselves.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { JsonRpcProvider } from "ethers";
import { EthersAnchorEvidenceReader } from "../../shared/adapters/chain/ethers-anchor-evidence-reader.ts";
import { verifyBundle } from "../../shared/app/verify-bundle.ts";
import { parseBundle } from "../../shared/domain/proof/bundle-codec.ts";
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { type PublishedLog, verifyIndependently } from "../support/independent-verifier.ts";
import { ApiClient } from "../support/local/api-client.ts";
import { type StackProcess, startStackProcess } from "../support/local/stack-process.ts";

const ENV = {
  STELE_INTEGRATE_INTERVAL_MS: "100",
  STELE_ANCHOR_INTERVAL_MS: "300",
  STELE_CONFIRMATIONS: "2",
};

const stele = new URL("../../cli/bin/stele.js", import.meta.url).pathname;

/** `stele verify` as a user runs it: its exit code and what it printed. */
async function steleVerify(bundlePath: string, ...flags: string[]) {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [stele, "verify", bundlePath, ...flags],
      { timeout: 60_000 },
    );
    return { code: 0, stdout };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout: `${stdout}${stderr}` };
  }
}

function chainUrlOf(stack: StackProcess): string {
  const url = /chain\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stack.output())?.[1];
  assert.ok(url, `no chain in ${stack.output()}`);
  return url;
}

async function waitForStatus(
  api: ApiClient,
  id: string,
  status: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entry = await api.request<{ status: string }>("GET", `/v1/entries/${id}`);
    if (entry.body.status === status) return;
    if (Date.now() > deadline)
      throw new Error(`entry ${id} is ${entry.body.status}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function verifiesOnChain(
  bundle: ProofBundle,
  rpcUrl: string,
  signer: string,
  confirmations: number,
) {
  return verifyBundle(bundle, {
    trustedSigner: signer,
    chain: {
      connect: async () => [await EthersAnchorEvidenceReader.connect(rpcUrl)],
      confirmations,
    },
  });
}

test("entries reach final, and their anchors are redone on a new chain after a restart", async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), "stele-anchoring-"));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  let stack = await startStackProcess({ ...ENV, STELE_DATA_DIR: dataDir });
  t.after(() => stack.stop());
  let api = new ApiClient(stack.url, stack.apiKey);
  const log = (
    await api.request<{
      checkpointSigner: string;
      chains: { chainId: number; contract: string; confirmations: number }[];
    }>("GET", "/v1/log", { auth: false })
  ).body;
  assert.equal(log.chains.length, 1);
  // What a third party knows: the log's published identity and an endpoint of its chain.
  const published = (rpcUrl: string): PublishedLog => ({
    signer: log.checkpointSigner,
    chains: log.chains.map(({ chainId, contract }) => ({ chainId, contract, rpcUrl })),
    confirmations: log.chains[0]?.confirmations ?? 0,
  });

  const submitted = await api.request<{ entries: { id: string }[] }>("POST", "/v1/entries", {
    body: {
      entries: Array.from({ length: 5 }, () => ({
        kind: "document",
        contentHash: randomBytes(32).toString("hex"),
      })),
    },
  });
  const ids = submitted.body.entries.map((entry) => entry.id);
  for (const id of ids) await waitForStatus(api, id, "final");

  const bundle = parseBundle(
    (await api.request("GET", `/v1/entries/${ids[2]}/proof?anchored=true`)).body,
  );
  assert.equal(bundle.anchors.length, 1);
  assert.equal(bundle.anchors[0]?.status, "final");
  assert.equal(bundle.anchors[0]?.contract.toLowerCase(), log.chains[0]?.contract.toLowerCase());
  // The block's time, as the chain has it, rides along for certificates and pages.
  const block = await new JsonRpcProvider(chainUrlOf(stack)).getBlock(
    bundle.anchors[0]?.blockHash ?? "",
  );
  assert.equal(
    bundle.anchors[0]?.blockTime,
    new Date((block?.timestamp ?? 0) * 1000).toISOString(),
  );
  const verdict = await verifiesOnChain(bundle, chainUrlOf(stack), log.checkpointSigner, 2);
  assert.equal(verdict.valid, true, JSON.stringify(verdict.failure ?? verdict.steps));
  assert.deepEqual(await verifyIndependently(bundle, published(chainUrlOf(stack))), {
    valid: true,
  });
  const bundlePath = join(dataDir, "bundle.json");
  await writeFile(bundlePath, JSON.stringify(bundle));
  const cli = await steleVerify(
    bundlePath,
    ...["--signer", log.checkpointSigner, "--rpc", chainUrlOf(stack), "--confirmations", "2"],
  );
  assert.equal(cli.code, 0, cli.stdout);
  assert.match(cli.stdout, /^VALID/);
  const altered = { ...bundle, checkpoint: { ...bundle.checkpoint, treeSize: 4 } };
  assert.equal((await verifyIndependently(altered, published(chainUrlOf(stack)))).valid, false);
  const anchoredCheckpoint = await api.request<{ treeSize: number; anchors: unknown[] }>(
    "GET",
    "/v1/ledgers/default/checkpoint?anchored=true",
    { auth: false },
  );
  assert.equal(anchoredCheckpoint.status, 200);
  assert.equal(anchoredCheckpoint.body.anchors.length, 1);

  // A restart brings a new embedded chain: the old anchor's block is gone.
  assert.equal(await stack.stop(), 0);
  stack = await startStackProcess({ ...ENV, STELE_DATA_DIR: dataDir });
  api = new ApiClient(stack.url, stack.apiKey);
  const deadline = Date.now() + 60_000;
  let again: ProofBundle | undefined;
  while (Date.now() < deadline) {
    const candidate = parseBundle((await api.request("GET", `/v1/entries/${ids[2]}/proof`)).body);
    const anchor = candidate.anchors[0];
    if (
      anchor !== undefined &&
      anchor.status === "final" &&
      anchor.blockHash !== bundle.anchors[0]?.blockHash
    ) {
      again = candidate;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  assert.ok(again, "the anchor was not redone on the new chain");
  const reverdict = await verifiesOnChain(again, chainUrlOf(stack), log.checkpointSigner, 2);
  assert.equal(reverdict.valid, true, JSON.stringify(reverdict.failure ?? reverdict.steps));
  // The restarted stack deployed the contract again: what it publishes now is what counts.
  const republished = (
    await api.request<{ chains: { chainId: number; contract: string }[] }>("GET", "/v1/log", {
      auth: false,
    })
  ).body.chains.map(({ chainId, contract }) => ({ chainId, contract, rpcUrl: chainUrlOf(stack) }));
  const now: PublishedLog = { ...published(chainUrlOf(stack)), chains: republished };
  assert.deepEqual(await verifyIndependently(again, now), { valid: true });
  // The old bundle's block is gone from the new chain: verifiers reject it at step 5.
  const stale = await verifiesOnChain(bundle, chainUrlOf(stack), log.checkpointSigner, 2);
  assert.equal(stale.failure?.step, 5);
  const staleElsewhere = await verifyIndependently(bundle, {
    ...now,
    chains: now.chains.map((chain) => ({ ...chain, contract: bundle.anchors[0]?.contract ?? "" })),
  });
  assert.equal(staleElsewhere.valid ? 0 : staleElsewhere.step, 5);
  const staleCli = await steleVerify(
    bundlePath,
    ...["--signer", log.checkpointSigner, "--rpc", chainUrlOf(stack), "--confirmations", "2"],
  );
  assert.equal(staleCli.code, 1, staleCli.stdout);
  assert.match(staleCli.stdout, /step 5/);
});
