// `stele proof`, `stele checkpoint` and `stele consistency` as a user runs them against
// `npm start`: bundles that `stele verify` accepts, checkpoints checked against the log's
// published signer, and consistency proofs that expose forged and split-view checkpoints.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Wallet } from "ethers";
import { runStele, type SteleRun } from "../support/cli/run-stele.ts";
import { type StackProcess, startStackProcess } from "../support/local/stack-process.ts";

interface SavedCheckpoint {
  origin: string;
  treeSize: number;
  rootHash: string;
  body: string;
  signature: { algorithm: string; signer: string; value: string };
}

let stack: StackProcess;
let dataDir: string;
let work: string;
let chainUrl: string;
let signer: string;

function stele(args: readonly string[], env: Record<string, string> = {}): Promise<SteleRun> {
  return runStele(args, { cwd: work, api: stack, env });
}

async function ok(args: readonly string[]): Promise<SteleRun> {
  const run = await stele(args);
  assert.equal(run.code, 0, `stele ${args.join(" ")}: ${run.stdout}${run.stderr}`);
  return run;
}

async function chainRpc(method: string, params: unknown[]): Promise<void> {
  const response = await fetch(chainUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  await response.json();
}

/** Submits `name` with `text`, waits until it is `until`, and returns its entry id. */
async function submitted(name: string, text: string, until = "sequenced"): Promise<string> {
  await writeFile(join(work, name), text);
  await ok(["submit", name, "--index", `${name}.index.json`]);
  const index = JSON.parse(await readFile(join(work, `${name}.index.json`), "utf8")) as {
    entries: { id: string }[];
  };
  const id = index.entries[0]?.id ?? "";
  await ok(["watch", id, "--until", until, "--timeout", "60s", "--interval", "200ms"]);
  return id;
}

/** A checkpoint as the log would sign it, signed by `wallet`. */
async function signedCheckpoint(
  wallet: Wallet,
  origin: string,
  treeSize: number,
  rootHash: string,
): Promise<SavedCheckpoint> {
  const body = `${origin}\n${treeSize}\n${Buffer.from(rootHash, "hex").toString("base64")}\n`;
  const value = await wallet.signMessage(body);
  return {
    origin,
    treeSize,
    rootHash,
    body,
    signature: { algorithm: "eip191-secp256k1", signer: wallet.address, value },
  };
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-cli-data-"));
  work = await mkdtemp(join(tmpdir(), "stele-cli-work-"));
  stack = await startStackProcess({
    STELE_DATA_DIR: dataDir,
    STELE_INTEGRATE_INTERVAL_MS: "200",
    STELE_ANCHOR_INTERVAL_MS: "1000",
  });
  chainUrl = /chain\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stack.output())?.[1] ?? "";
  signer = /checkpoint signer\s+(0x[0-9a-fA-F]{40})/.exec(stack.output())?.[1] ?? "";
  assert.ok(chainUrl && signer, stack.output());
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe("stele proof", () => {
  it("saves the bundle of an id and of a file, and stele verify accepts both", async () => {
    const id = await submitted("contract.pdf", "%PDF-1.7 a contract\n", "anchored");
    const byId = await ok(["proof", id]);
    assert.match(
      byId.stdout,
      new RegExp(
        `^wrote ${id}\\.stele\\.json: document [0-9a-f]{64} is leaf \\d+ of stele\\.local/default at tree size \\d+; anchored on chain 31337 in block \\d+ \\((included|final)\\), tx 0x[0-9a-f]{64}\\n$`,
      ),
    );
    const verified = await ok([
      "verify",
      `${id}.stele.json`,
      "--file",
      "contract.pdf",
      "--signer",
      signer,
    ]);
    assert.match(verified.stdout, /^VALID: document /);

    await mkdir(join(work, "proofs"));
    const byFile = await ok(["proof", "--file", "contract.pdf", "--out", "proofs"]);
    assert.match(byFile.stdout, /^wrote proofs\/contract\.pdf\.stele\.json: document /);
    const bundle = JSON.parse(
      await readFile(join(work, "proofs", "contract.pdf.stele.json"), "utf8"),
    );
    assert.equal(bundle.entry.id, id);
    const again = await ok([
      "verify",
      "proofs/contract.pdf.stele.json",
      "--file",
      "contract.pdf",
      "--signer",
      signer,
      "--rpc",
      chainUrl,
    ]);
    assert.match(again.stdout, /^VALID: .*anchor on chain 31337: Anchored/);
  });

  it("finds nothing for a file never submitted, and knows no unknown id", async () => {
    await writeFile(join(work, "never.txt"), "never submitted\n");
    const none = await stele(["proof", "--file", "never.txt"]);
    assert.equal(none.code, 2);
    assert.match(
      none.stderr,
      /^stele: no entry has the content of never\.txt \(SHA-256 [0-9a-f]{64}\): submit it with `stele submit never\.txt`/,
    );
    const unknown = await stele(["proof", "01J00000000000000000000000"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^stele: .*01J00000000000000000000000.* \(HTTP 404\)\n$/);
  });

  it("says when an anchored bundle is not there yet (exit 3)", async () => {
    await chainRpc("evm_setAutomine", [false]);
    await chainRpc("evm_setIntervalMining", [0]);
    try {
      const id = await submitted("late.txt", "anchored only once blocks come\n");
      const early = await stele(["proof", id, "--anchored"]);
      assert.equal(early.code, 3, early.stderr);
      assert.match(
        early.stderr,
        new RegExp(
          `^stele: ${id} is not covered by an anchored checkpoint yet; try again in \\d+ s or use \`stele watch ${id} --until anchored\`\\n$`,
        ),
      );
    } finally {
      await chainRpc("evm_setAutomine", [true]);
      await chainRpc("evm_setIntervalMining", [1000]);
    }
  });
});

describe("stele checkpoint and stele consistency", () => {
  it("prints the latest checkpoint checked against the published signer, and saves it", async () => {
    await submitted("one.txt", "one\n");
    const run = await ok(["checkpoint", "--out", "saved.json"]);
    assert.match(
      run.stdout,
      /^origin {5}stele\.local\/default\ntree size {2}\d+\nroot hash {2}[0-9a-f]{64}\n/,
    );
    assert.match(
      run.stdout,
      new RegExp(`signed by  ${signer} \\(the log's published signer; signature checked\\)`),
    );
    const saved = JSON.parse(await readFile(join(work, "saved.json"), "utf8")) as SavedCheckpoint;
    assert.equal(saved.origin, "stele.local/default");

    const other = new Wallet(`0x${"11".repeat(32)}`);
    const wrongSigner = await stele(["checkpoint", "--signer", other.address]);
    assert.equal(wrongSigner.code, 1);
    assert.match(
      wrongSigner.stdout,
      /^INVALID: checkpoint of default at tree size \d+: signed by a key other than the log's checkpoint signer\n/,
    );
  });

  it("proves a saved checkpoint and a bundle's checkpoint consistent with the latest", async () => {
    const saved = JSON.parse(await readFile(join(work, "saved.json"), "utf8")) as SavedCheckpoint;
    await submitted("two.txt", "two\n");
    await submitted("three.txt", "three\n");
    const run = await ok(["consistency", "saved.json", "latest"]);
    assert.match(
      run.stdout,
      new RegExp(
        `^CONSISTENT: stele\\.local/default grew append-only from tree size ${saved.treeSize} \\(root ${saved.rootHash}\\) to \\d+ \\(root [0-9a-f]{64}\\); both checkpoints signed by ${signer}; proof of \\d+ hashes checked\\n$`,
      ),
    );
    const fromBundle = await ok(["consistency", "proofs/contract.pdf.stele.json", "saved.json"]);
    assert.match(fromBundle.stdout, /^CONSISTENT: /);
    const backwards = await stele(["consistency", "latest", "saved.json"]);
    assert.equal(backwards.code, 2);
    assert.match(
      backwards.stderr,
      /^stele: latest \(tree size \d+\) is larger than saved\.json .*give the older checkpoint first\n$/,
    );
  });

  it("refuses a forged checkpoint, another log's, and one of a split view", async () => {
    const saved = JSON.parse(await readFile(join(work, "saved.json"), "utf8")) as SavedCheckpoint;
    const otherRoot = "ab".repeat(32);
    const stranger = new Wallet(`0x${"11".repeat(32)}`);

    await writeFile(
      join(work, "forged.json"),
      JSON.stringify(await signedCheckpoint(stranger, saved.origin, saved.treeSize, otherRoot)),
    );
    const forged = await stele(["consistency", "forged.json", "latest"]);
    assert.equal(forged.code, 1);
    assert.equal(
      forged.stdout,
      `INVALID: forged.json (tree size ${saved.treeSize}) is refused: signed by a key other than the log's checkpoint signer; expected ${signer}, found ${stranger.address}\n`,
    );

    await writeFile(
      join(work, "elsewhere.json"),
      JSON.stringify(await signedCheckpoint(stranger, "elsewhere.example/default", 3, otherRoot)),
    );
    const elsewhere = await stele(["consistency", "elsewhere.json", "latest"]);
    assert.equal(elsewhere.code, 1);
    assert.equal(
      elsewhere.stdout,
      "INVALID: elsewhere.json is a checkpoint of elsewhere.example/default, which is not a ledger of this log (its origins: stele.local/default)\n",
    );

    // The log's own key signing another history at a size it already published: a split view.
    const keys = JSON.parse(await readFile(join(dataDir, "dev-keys.json"), "utf8")) as {
      checkpointKey: string;
    };
    const logKey = new Wallet(`0x${keys.checkpointKey}`);
    await writeFile(
      join(work, "split.json"),
      JSON.stringify(await signedCheckpoint(logKey, saved.origin, saved.treeSize, otherRoot)),
    );
    const split = await stele(["consistency", "split.json", "latest"]);
    assert.equal(split.code, 1, split.stderr);
    assert.match(
      split.stdout,
      new RegExp(
        `^INCONSISTENT: stele\\.local/default at tree size ${saved.treeSize} \\(root ${otherRoot}\\) is not a prefix of tree size \\d+ .*: consistency proof \\(old root\\): calculated root [0-9a-f]{64}, want ${otherRoot}\\n$`,
      ),
    );
  });
});
