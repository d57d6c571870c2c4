// `stele export` and `stele verify-log` as a user runs them against `npm start` (with its
// embedded chain, so checkpoints get anchored): the export of a log that grew over several
// checkpoints verifies offline and on chain, one changed byte of a tile is named, and a re-run
// of the export resumes from what is on disk.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runStele, type SteleRun } from "../support/cli/run-stele.ts";
import { postRandomDocuments, waitForCheckpoint } from "../support/local/ledger-requests.ts";
import { type StackProcess, startStackProcess } from "../support/local/stack-process.ts";

let stack: StackProcess;
let dataDir: string;
let work: string;
let chainUrl: string;
let signer: string;

function stele(args: readonly string[]): Promise<SteleRun> {
  return runStele(args, { cwd: work, api: stack });
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-export-data-"));
  work = await mkdtemp(join(tmpdir(), "stele-export-work-"));
  stack = await startStackProcess({
    STELE_DATA_DIR: dataDir,
    STELE_INTEGRATE_INTERVAL_MS: "200",
    STELE_ANCHOR_INTERVAL_MS: "500",
    STELE_CONFIRMATIONS: "1",
  });
  chainUrl = /chain\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stack.output())?.[1] ?? "";
  signer = /checkpoint signer\s+(0x[0-9a-fA-F]{40})/.exec(stack.output())?.[1] ?? "";
  assert.ok(chainUrl && signer, stack.output());
  // Three integrate runs, three checkpoints: past a full tile of 256 leaves, then two more.
  let size = 0;
  for (const count of [260, 5, 3]) {
    await postRandomDocuments(stack, count);
    size += count;
    await waitForCheckpoint(stack, size);
  }
  await waitForCheckpoint(stack, size, "?anchored=true");
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe("stele export and stele verify-log", () => {
  it("exports the log, and verify-log accepts it offline and on chain", async () => {
    const exported = await stele(["export", "default", "log"]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(
      exported.stdout,
      /^exported default \(stele\.local\/default\) at tree size \d+ to log: \d+ tiles and entry bundles \(\d+ fetched, 0 already on disk\), \d+ checkpoints, \d+ anchors\n$/,
    );
    const files = await readdir(join(work, "log"));
    for (const name of ["log.json", "checkpoint.json", "checkpoint", "checkpoints.jsonl", "tile"]) {
      assert.ok(files.includes(name), `${name} in ${files.join(", ")}`);
    }
    const lines = (await readFile(join(work, "log", "checkpoints.jsonl"), "utf8"))
      .trim()
      .split("\n");
    assert.ok(lines.length >= 3, `${lines.length} checkpoints`);
    const entries = await readFile(join(work, "log", "tile", "entries", "000"));
    assert.equal(entries.length, 256 * 34);

    const verified = await stele(["verify-log", "log", "--signer", signer, "--rpc", chainUrl]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(
      verified.stdout,
      /^VALID: stele\.local\/default at tree size \d+: \d+ leaves recomputed from 2 entry bundles; 3 hash tiles equal to the rebuilt tree; \d+ checkpoints signed by 0x[0-9a-fA-F]{40}, each the root of a prefix of that one tree, so each consistent with every later one; \d+ anchors matching their checkpoints, [1-9]\d* checked on chain\n$/,
    );
    assert.equal(verified.stderr, "", "no warning when --signer is given");
    const wrongChain = await stele([
      "verify-log",
      "log",
      "--signer",
      signer,
      "--rpc",
      `1=${chainUrl}`,
    ]);
    assert.equal(wrongChain.code, 2, wrongChain.stdout + wrongChain.stderr);
    assert.match(wrongChain.stderr, /--rpc 1=\S+: the endpoint serves chain 31337/);
    const trusting = await stele(["verify-log", "log"]);
    assert.equal(trusting.code, 0, trusting.stdout + trusting.stderr);
    assert.match(
      trusting.stderr,
      /warning: checking signatures against the signer in log\/log\.json/,
    );
  });

  it("names a tile with one byte changed, and exits 1", async () => {
    const path = join(work, "log", "tile", "0", "000");
    const tile = await readFile(path);
    tile[100] = (tile[100] ?? 0) ^ 0xff;
    await writeFile(path, tile);
    const verified = await stele(["verify-log", "log", "--signer", signer]);
    assert.equal(verified.code, 1, verified.stdout + verified.stderr);
    assert.match(
      verified.stdout,
      /^INVALID: log\/tile\/0\/000: hash 3 is not SHA-256\(0x00 \|\| entry 3 of tile\/entries\/000\)\n {2}expected: [0-9a-f]{64}\n {2}found: {4}[0-9a-f]{64}\n/,
    );
  });

  it("resumes: a re-run keeps the full tiles on disk and fetches the rest of a grown log", async () => {
    // The damaged tile is removed (a re-run keeps any full tile of the right size), the log grows.
    await rm(join(work, "log", "tile", "0", "000"));
    const before = JSON.parse(await readFile(join(work, "log", "checkpoint.json"), "utf8"));
    await postRandomDocuments(stack, 7);
    await waitForCheckpoint(stack, before.treeSize + 7);
    const again = await stele(["export", "default", "log"]);
    assert.equal(again.code, 0, again.stderr);
    // The entry bundle of the first 256 leaves was kept; the tile removed above was fetched again.
    assert.match(again.stdout, /\(\d+ fetched, 1 already on disk, \d+ outgrown removed\)/);
    const partials = await readdir(join(work, "log", "tile", "0", "001.p"));
    assert.equal(partials.length, 1, `one right-edge tile: ${partials.join(", ")}`);
    const verified = await stele(["verify-log", "log", "--signer", signer]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  });

  it("refuses a directory that is no export, and an unknown ledger", async () => {
    const none = await stele(["verify-log", "."]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no log\.json: is this a directory written by stele export\?/);
    const unknown = await stele(["export", "nope", "other"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /the log has no ledger nope \(its ledgers: default\)/);
  });
});
