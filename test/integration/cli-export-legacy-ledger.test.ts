// `stele export` and `stele verify-log` of a ledger integrated before Stele kept leaf data: its
// first leaves have no entry bundles (the API answers 404 "its leaves were integrated before
// Stele kept leaf data"). The export holds everything else and lists those bundles in
// export.json; verify-log checks all it can, exits 0, and names the leaves it could not recompute.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DeleteItemCommand } from "@aws-sdk/client-dynamodb";
import { type LocalStack, TABLE_NAME } from "../../local/stack.ts";
import { tileItemKey } from "../../shared/adapters/dynamodb/table.ts";
import { ENTRY_TILE_LEVEL } from "../../shared/domain/merkle/tile-id.ts";
import { runStele, type SteleRun } from "../support/cli/run-stele.ts";
import { postRandomDocuments, waitForCheckpoint } from "../support/local/ledger-requests.ts";
import { startQuietStack } from "../support/local/quiet-stack.ts";

let stack: LocalStack;
let dataDir: string;
let work: string;

function stele(args: readonly string[]): Promise<SteleRun> {
  return runStele(args, { cwd: work, api: stack });
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-legacy-data-"));
  work = await mkdtemp(join(tmpdir(), "stele-legacy-work-"));
  stack = await startQuietStack(dataDir);
  // 300 leaves, then their entry tiles removed: the ledger as integrated before Stele kept leaf
  // data. The next run cannot complete entry tile 1 (it lacks leaves 256 to 299), so it keeps
  // data from tile 2 on (appendEntryTiles): 230 more leaves are 512 to 529 with data.
  await postRandomDocuments(stack, 300);
  await waitForCheckpoint(stack, 300);
  const { createDynamoDbClient } = await import("../../shared/wiring.ts");
  const { loadConfig } = await import("../../shared/config.ts");
  const client = createDynamoDbClient(loadConfig(process.env));
  for (const index of [0, 1]) {
    const { pk, sk } = tileItemKey("default", ENTRY_TILE_LEVEL, index);
    await client.send(
      new DeleteItemCommand({ TableName: TABLE_NAME, Key: { pk: { S: pk }, sk: { S: sk } } }),
    );
  }
  await postRandomDocuments(stack, 230);
  await waitForCheckpoint(stack, 530);
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe("stele export and verify-log of a ledger with leaves integrated before leaf data", () => {
  it("exports what there is, and lists the entry bundles the log has no data for", async () => {
    const exported = await stele(["export", "default", "log"]);
    assert.equal(exported.code, 0, exported.stdout + exported.stderr);
    const [summary, noData, rest] = exported.stdout.split("\n");
    assert.match(
      summary ?? "",
      /^exported default \(stele\.test\/default\) at tree size 530 to log: 5 tiles and entry bundles \(5 fetched, 0 already on disk\), \d+ checkpoints, 0 anchors$/,
    );
    assert.equal(rest, "");
    assert.equal(
      noData,
      "no data for leaves 0 to 511 (512 leaves, 2 entry bundles): they were integrated before Stele kept leaf data; listed in export.json, and verify-log takes their hashes from the hash tiles instead of recomputing them",
    );
    assert.deepEqual(JSON.parse(await readFile(join(work, "log", "export.json"), "utf8")), {
      entryBundlesWithoutData: ["tile/entries/000", "tile/entries/001"],
    });
    assert.deepEqual(await readdir(join(work, "log", "tile", "entries")), ["002.p"]);
    const files = await readdir(join(work, "log"));
    for (const name of ["log.json", "checkpoint.json", "checkpoint", "checkpoints.jsonl"]) {
      assert.ok(files.includes(name), `${name} in ${files.join(", ")}`);
    }
  });

  it("verify-log checks all it can, exits 0, and says which leaves it did not recompute", async () => {
    const verified = await stele(["verify-log", "log", "--signer", stack.checkpointSigner]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    const [valid, notChecked, rest] = verified.stdout.split("\n");
    assert.match(
      valid ?? "",
      /^VALID: stele\.test\/default at tree size 530: 18 leaves recomputed from 1 entry bundle; 2 hash tiles equal to the rebuilt tree; \d+ checkpoints signed by 0x[0-9a-fA-F]{40}, each the root of a prefix of that one tree, so each consistent with every later one; 0 anchors matching their checkpoints, not checked on chain/,
    );
    assert.equal(
      notChecked,
      "NOT CHECKED: leaves 0 to 511 (512 leaves): the log has no data for them (integrated before Stele kept leaf data; export.json), so their hashes are taken from tile level 0 as exported, not recomputed from content hashes; the tree above them and every checkpoint root were checked",
    );
    assert.equal(rest, "");
  });

  it("a re-run does not ask again for full entry bundles known to have no data", async () => {
    const again = await stele(["export", "default", "log"]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    // Kept: tile/0/000 and tile/0/001; fetched again: the right edge (two tiles, one bundle).
    assert.match(again.stdout, /: 5 tiles and entry bundles \(3 fetched, 2 already on disk\)/);
    assert.match(again.stdout, /\nno data for leaves 0 to 511 \(512 leaves, 2 entry bundles\)/);
  });

  it("a changed leaf hash without data is still named, through the tree above it", async () => {
    const path = join(work, "log", "tile", "0", "000");
    const tile = await readFile(path);
    tile[3 * 32] = (tile[3 * 32] ?? 0) ^ 0x01;
    await writeFile(path, tile);
    const verified = await stele(["verify-log", "log", "--signer", stack.checkpointSigner]);
    assert.equal(verified.code, 1, verified.stdout + verified.stderr);
    assert.match(
      verified.stdout,
      /^INVALID: log\/tile\/1\/000\.p\/2: hash 0 is not the hash of the 256 hashes below it \(tile level 0\)\n/,
    );
  });
});
