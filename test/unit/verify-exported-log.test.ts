// The offline check of an exported log (`stele verify-log`): a faithful export passes, and each
// kind of tampering is a failure that names the file and what was expected against found.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { DevCheckpointSigner } from "../../shared/adapters/local/dev-checkpoint-signer.ts";
import { MemoryTileStore } from "../../shared/adapters/memory/memory-tile-store.ts";
import { EXPORT_LAYOUT } from "../../shared/app/log-export-layout.ts";
import {
  type ExportedFiles,
  type ExportedLogVerdict,
  UnusableExportError,
  verifyExportedLog,
} from "../../shared/app/verify-exported-log.ts";
import { toHex, utf8 } from "../../shared/domain/bytes.ts";
import { appendLeaves } from "../../shared/domain/merkle/append-leaves.ts";
import { appendEntryTiles, entryBundle } from "../../shared/domain/merkle/entry-tiles.ts";
import { hashLeaf } from "../../shared/domain/merkle/hasher.ts";
import { tilePath } from "../../shared/domain/merkle/tile-id.ts";
import {
  entryBundlesOfTree,
  hashTilesOfTree,
  servedTileBytes,
} from "../../shared/domain/merkle/tree-tiles.ts";
import { checkpointBody } from "../../shared/domain/proof/checkpoint.ts";
import { checkpointNote } from "../../shared/domain/proof/checkpoint-note.ts";

const ORIGIN = "stele.example.com/default";
const CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const logKey = new DevCheckpointSigner(new Uint8Array(32).fill(0x11));
const otherKey = new DevCheckpointSigner(new Uint8Array(32).fill(0x22));

/** Content hash of leaf i: SHA-256 of its decimal text (reproducible). */
function contentHashes(count: number, salt = ""): Uint8Array {
  const data = new Uint8Array(count * 32);
  for (let i = 0; i < count; i++) {
    data.set(createHash("sha256").update(`${salt}${i}`).digest(), i * 32);
  }
  return data;
}

async function signed(treeSize: number, rootHex: string, key = logKey) {
  const body = checkpointBody(ORIGIN, treeSize, Buffer.from(rootHex, "hex"));
  return {
    origin: ORIGIN,
    treeSize,
    rootHash: rootHex,
    body,
    signature: {
      algorithm: "eip191-secp256k1" as const,
      signer: await key.address(),
      value: await key.signPersonalMessage(utf8(body)),
    },
  };
}

function anchorOf(treeSize: number, rootHash: string) {
  return {
    chainId: 31337,
    contract: CONTRACT,
    txHash: `0x${treeSize.toString(16).padStart(64, "0")}`,
    blockNumber: treeSize,
    blockHash: `0x${"b2".repeat(32)}`,
    logIndex: 0,
    status: "final" as const,
    treeSize,
    rootHash,
  };
}

/** Roots of the tree of `leafData` at each size, and its tiles as served at the last size. */
async function treeOf(leafData: Uint8Array, sizes: readonly number[]) {
  const tiles = new MemoryTileStore();
  const roots = new Map<number, string>();
  let size = 0;
  for (const next of sizes) {
    const slice = leafData.subarray(size * 32, next * 32);
    const leafHashes = new Uint8Array(slice.length);
    for (let i = 0; i < slice.length / 32; i++) {
      leafHashes.set(hashLeaf(slice.subarray(i * 32, (i + 1) * 32)), i * 32);
    }
    const appended = await appendLeaves(tiles, size, leafHashes);
    tiles.writeTiles(appended.tiles);
    tiles.writeTiles(await appendEntryTiles(tiles, size, slice));
    roots.set(next, toHex(appended.rootHash));
    size = next;
  }
  const served = new Map<string, Uint8Array>();
  for (const tile of hashTilesOfTree(size)) {
    const [hashes = new Uint8Array(0)] = await tiles.readTiles([tile]);
    served.set(tilePath(tile), hashes.slice(0, tile.width * 32));
  }
  for (const tile of entryBundlesOfTree(size)) {
    const [data = new Uint8Array(0)] = await tiles.readTiles([tile]);
    served.set(tilePath(tile), entryBundle(data.subarray(0, tile.width * 32)));
  }
  return { roots, served };
}

const SIZES = [3, 300, 600];

/** A faithful export of a 600-leaf log with checkpoints at 3, 300 and 600, the last two anchored. */
async function exportedLog(): Promise<Map<string, Uint8Array>> {
  const { roots, served } = await treeOf(contentHashes(600), SIZES);
  const checkpoints = [];
  for (const size of SIZES) {
    const root = roots.get(size) ?? "";
    checkpoints.push({
      ...(await signed(size, root)),
      anchors: size >= 300 ? [anchorOf(size, root)] : [],
    });
  }
  const latest = checkpoints.at(-1);
  assert.ok(latest);
  const { treeSize: _s, rootHash: _r, ...latestAnchor } = anchorOf(600, latest.rootHash);
  const files = new Map(served);
  const json = (value: unknown) => utf8(JSON.stringify(value, null, 2));
  files.set(
    EXPORT_LAYOUT.log,
    json({
      ledgers: [{ ledger: "default", origin: ORIGIN }],
      checkpointSigner: await logKey.address(),
      chains: [{ chainId: 31337, contract: CONTRACT, confirmations: 1 }],
    }),
  );
  files.set(EXPORT_LAYOUT.checkpoint, json({ ...latest, anchors: [latestAnchor] }));
  files.set(EXPORT_LAYOUT.note, utf8(checkpointNote(latest)));
  files.set(
    EXPORT_LAYOUT.checkpoints,
    utf8(checkpoints.map((checkpoint) => `${JSON.stringify(checkpoint)}\n`).join("")),
  );
  return files;
}

function filesOf(map: ReadonlyMap<string, Uint8Array>): ExportedFiles {
  return {
    read: async (path) => map.get(path),
    tilePaths: async () => [...map.keys()].filter((path) => path.startsWith("tile/")),
  };
}

/** checkpoints.jsonl with line `index` (0-based) replaced by `change` of it. */
function editLine(
  files: Map<string, Uint8Array>,
  index: number,
  change: (checkpoint: Record<string, unknown>) => Record<string, unknown>,
): void {
  const text = new TextDecoder().decode(files.get(EXPORT_LAYOUT.checkpoints));
  const lines = text.trimEnd().split("\n");
  lines[index] = JSON.stringify(change(JSON.parse(lines[index] ?? "{}")));
  files.set(EXPORT_LAYOUT.checkpoints, utf8(`${lines.join("\n")}\n`));
}

function failuresOf(verdict: ExportedLogVerdict): string[] {
  return verdict.failures.map((failure) => `${failure.file}: ${failure.detail}`);
}

describe("verifyExportedLog", () => {
  it("accepts a faithful export and counts what it checked", async () => {
    const verdict = await verifyExportedLog(filesOf(await exportedLog()));
    assert.deepEqual(verdict.failures, []);
    assert.equal(verdict.valid, true);
    assert.equal(verdict.treeSize, 600);
    assert.equal(verdict.origin, ORIGIN);
    // 600 leaves: tile level 0 holds 256 + 256 + 88 hashes, tile level 1 two.
    assert.equal(verdict.hashTiles, 4);
    assert.equal(verdict.entryBundles, 3);
    assert.equal(verdict.checkpoints, 3);
    assert.deepEqual(verdict.leavesWithoutData, []);
    assert.equal(verdict.anchors, 2);
    assert.equal(verdict.anchorsOnChain, 0);
  });

  it("names a hash tile with one byte changed, with the hash expected and found", async () => {
    const files = await exportedLog();
    const tile = files.get("tile/0/001")?.slice() ?? new Uint8Array(0);
    tile[5 * 32 + 7] = (tile[5 * 32 + 7] ?? 0) ^ 0x01;
    const expected = toHex(files.get("tile/0/001")?.subarray(5 * 32, 6 * 32) ?? new Uint8Array());
    files.set("tile/0/001", tile);
    const verdict = await verifyExportedLog(filesOf(files));
    assert.equal(verdict.valid, false);
    assert.deepEqual(failuresOf(verdict), [
      "tile/0/001: hash 5 is not SHA-256(0x00 || entry 5 of tile/entries/001)",
    ]);
    assert.equal(verdict.failures[0]?.expected, expected);
    assert.equal(verdict.failures[0]?.found, toHex(tile.subarray(5 * 32, 6 * 32)));
  });

  it("names an entry bundle whose entry changed: its leaf no longer hashes to the tile", async () => {
    const files = await exportedLog();
    const bundle = files.get("tile/entries/001")?.slice() ?? new Uint8Array(0);
    // Entry 9: 2 bytes of length, then the content hash.
    bundle[9 * 34 + 2] = (bundle[9 * 34 + 2] ?? 0) ^ 0x80;
    files.set("tile/entries/001", bundle);
    const failures = failuresOf(await verifyExportedLog(filesOf(files)));
    assert.ok(
      failures.includes("tile/0/001: hash 9 is not SHA-256(0x00 || entry 9 of tile/entries/001)"),
      failures.join("\n"),
    );
    // Leaf 265 is in the trees of 300 and 600: both signed roots now differ from the leaves'.
    assert.ok(
      failures.includes(
        `${EXPORT_LAYOUT.checkpoints} line 2: checkpoint of tree size 300: the root is not the root of the first 300 leaves`,
      ),
      failures.join("\n"),
    );
  });

  it("names an entry bundle that is cut short", async () => {
    const files = await exportedLog();
    files.set(
      "tile/entries/002.p/88",
      files.get("tile/entries/002.p/88")?.slice(0, 87 * 34) ?? new Uint8Array(),
    );
    const verdict = await verifyExportedLog(filesOf(files));
    assert.deepEqual(failuresOf(verdict), ["tile/entries/002.p/88: wrong number of entries"]);
    assert.equal(verdict.failures[0]?.expected, "88 entries");
  });

  it("names a checkpoint, signed by the log's key, whose root is not that of its leaves", async () => {
    const files = await exportedLog();
    const wrongRoot = "ab".repeat(32);
    const forged = await signed(300, wrongRoot);
    editLine(files, 1, (checkpoint) => ({ ...checkpoint, ...forged, anchors: [] }));
    const verdict = await verifyExportedLog(filesOf(files));
    const failures = failuresOf(verdict);
    assert.ok(
      failures.includes(
        `${EXPORT_LAYOUT.checkpoints} line 2: checkpoint of tree size 300: the root is not the root of the first 300 leaves`,
      ),
      failures.join("\n"),
    );
    const rootFailure = verdict.failures.find((failure) => failure.detail.includes("the root is"));
    assert.equal(rootFailure?.found, wrongRoot);
  });

  it("names a checkpoint signed by another key", async () => {
    const files = await exportedLog();
    const first = new TextDecoder().decode(files.get(EXPORT_LAYOUT.checkpoints)).split("\n")[0];
    const forged = await signed(3, JSON.parse(first ?? "{}").rootHash, otherKey);
    editLine(files, 0, (checkpoint) => ({ ...checkpoint, signature: forged.signature }));
    const verdict = await verifyExportedLog(filesOf(files));
    assert.deepEqual(failuresOf(verdict), [
      `${EXPORT_LAYOUT.checkpoints} line 1: checkpoint of tree size 3: signed by a key other than the log's`,
    ]);
    assert.equal(verdict.failures[0]?.expected, await logKey.address());
    assert.equal(verdict.failures[0]?.found, (await otherKey.address()).toLowerCase());
  });

  it("trusts the signer given over the one in log.json", async () => {
    const verdict = await verifyExportedLog(filesOf(await exportedLog()), {
      trustedSigner: await otherKey.address(),
    });
    assert.equal(verdict.valid, false);
    assert.equal(verdict.failures.length, 3, "every checkpoint is refused");
  });

  it("names a later checkpoint of a forked log: its root is not that of the tree the earlier ones are prefixes of", async () => {
    const files = await exportedLog();
    // The same first 300 leaves, but leaf 10 replaced: a tree the earlier checkpoints do not start.
    const forkedLeaves = contentHashes(600);
    forkedLeaves.set(contentHashes(1, "fork"), 10 * 32);
    const fork = await treeOf(forkedLeaves, [600]);
    const forked = await signed(600, fork.roots.get(600) ?? "");
    editLine(files, 2, () => ({ ...forked, anchors: [] }));
    files.set(EXPORT_LAYOUT.checkpoint, utf8(JSON.stringify({ ...forked, anchors: [] })));
    files.set(EXPORT_LAYOUT.note, utf8(checkpointNote(forked)));
    // Signed by the log's key, on leaves of its own: only the root check can see the fork.
    const verdict = await verifyExportedLog(filesOf(files));
    assert.deepEqual(failuresOf(verdict), [
      `${EXPORT_LAYOUT.checkpoints} line 3: checkpoint of tree size 600: the root is not the root of the first 600 leaves`,
    ]);
    assert.equal(verdict.failures[0]?.found, forked.rootHash);
  });

  it("names an anchor that puts another root on chain than its checkpoint's", async () => {
    const files = await exportedLog();
    editLine(files, 1, (checkpoint) => ({
      ...checkpoint,
      anchors: [anchorOf(300, "cd".repeat(32))],
    }));
    const verdict = await verifyExportedLog(filesOf(files));
    assert.deepEqual(failuresOf(verdict), [
      `${EXPORT_LAYOUT.checkpoints} line 2: anchor of tree size 300 on chain 31337 (tx ${anchorOf(300, "").txHash}): names another root`,
    ]);
    assert.equal(verdict.failures[0]?.found, "cd".repeat(32));
  });

  it("names a signed note that is not the checkpoint's", async () => {
    const files = await exportedLog();
    files.set(EXPORT_LAYOUT.note, utf8("stele.example.com/default\n1\nAAAA\n\n— x AAAA\n"));
    assert.deepEqual(failuresOf(await verifyExportedLog(filesOf(files))), [
      "checkpoint: the signed note is not the one of checkpoint.json",
    ]);
  });

  it("accepts an older export's narrower edge tile, refuses one that is not a prefix", async () => {
    const files = await exportedLog();
    const edge = files.get("tile/0/002.p/88") ?? new Uint8Array(0);
    files.set("tile/0/002.p/40", edge.slice(0, 40 * 32));
    const verdict = await verifyExportedLog(filesOf(files));
    assert.deepEqual(verdict.failures, []);
    assert.equal(verdict.hashTiles, 5);
    const bad = edge.slice(0, 40 * 32);
    bad[0] = (bad[0] ?? 0) ^ 1;
    files.set("tile/0/002.p/40", bad);
    files.set("tile/0/junk", new Uint8Array(3));
    assert.deepEqual(failuresOf(await verifyExportedLog(filesOf(files))), [
      "tile/0/002.p/40: hash 0 is not SHA-256(0x00 || entry 0 of tile/entries/002.p/40)",
      "tile/0/junk: not a C2SP tile path",
    ]);
  });

  it("names a missing tile, and refuses a directory without log.json as no export", async () => {
    const files = await exportedLog();
    files.delete("tile/1/000.p/2");
    assert.deepEqual(failuresOf(await verifyExportedLog(filesOf(files))), [
      "tile/1/000.p/2: the tile is missing",
    ]);
    files.delete(EXPORT_LAYOUT.log);
    await assert.rejects(verifyExportedLog(filesOf(files)), UnusableExportError);
  });
});

/**
 * The export of a ledger integrated before Stele kept leaf data: the log has no entry bundles
 * for its first 512 leaves, and export.json lists them.
 */
async function legacyExport(): Promise<Map<string, Uint8Array>> {
  const files = await exportedLog();
  files.delete("tile/entries/000");
  files.delete("tile/entries/001");
  files.set(
    EXPORT_LAYOUT.manifest,
    utf8(JSON.stringify({ entryBundlesWithoutData: ["tile/entries/000", "tile/entries/001"] })),
  );
  return files;
}

describe("verifyExportedLog of a ledger with leaves the log has no data for", () => {
  it("checks all else and names the leaves whose hashes it took from tile level 0", async () => {
    const verdict = await verifyExportedLog(filesOf(await legacyExport()));
    assert.deepEqual(verdict.failures, []);
    assert.equal(verdict.valid, true);
    assert.deepEqual(verdict.leavesWithoutData, [{ firstLeaf: 0, leaves: 512 }]);
    assert.equal(verdict.entryBundles, 1);
    // tile/0/000 and tile/0/001 are where the leaf hashes came from: not counted as checked.
    assert.equal(verdict.hashTiles, 2);
    assert.equal(verdict.checkpoints, 3);
  });

  it("still names a changed leaf hash there: the tree above it and the roots differ", async () => {
    const files = await legacyExport();
    const tile = files.get("tile/0/000")?.slice() ?? new Uint8Array(0);
    tile[7 * 32] = (tile[7 * 32] ?? 0) ^ 0x01;
    files.set("tile/0/000", tile);
    assert.deepEqual(failuresOf(await verifyExportedLog(filesOf(files))), [
      "tile/1/000.p/2: hash 0 is not the hash of the 256 hashes below it (tile level 0)",
      `${EXPORT_LAYOUT.checkpoints} line 2: checkpoint of tree size 300: the root is not the root of the first 300 leaves`,
      `${EXPORT_LAYOUT.checkpoints} line 3: checkpoint of tree size 600: the root is not the root of the first 600 leaves`,
    ]);
  });

  it("names entry bundles missing without export.json saying the log has none", async () => {
    const files = await legacyExport();
    files.delete(EXPORT_LAYOUT.manifest);
    assert.deepEqual(failuresOf(await verifyExportedLog(filesOf(files))), [
      "tile/entries/000: the entry bundle is missing",
      "tile/entries/001: the entry bundle is missing",
    ]);
  });

  it("names a listing of no entry bundle of the tree, and a level-0 tile missing for one", async () => {
    const files = await legacyExport();
    files.set(
      EXPORT_LAYOUT.manifest,
      utf8(
        JSON.stringify({
          entryBundlesWithoutData: ["tile/entries/000", "tile/entries/001", "tile/entries/009"],
        }),
      ),
    );
    files.delete("tile/0/001");
    assert.deepEqual(failuresOf(await verifyExportedLog(filesOf(files))), [
      `${EXPORT_LAYOUT.manifest}: lists a path that is no entry bundle of the exported tree`,
      `tile/0/001: the log has no data for tile/entries/001 (${EXPORT_LAYOUT.manifest}), and this tile, the only source of its leaf hashes, is missing`,
    ]);
  });
});

describe("the tiles of a tree", () => {
  it("are every full tile and the right-edge partial of each level, entry bundles apart", () => {
    const paths = (size: number) => hashTilesOfTree(size).map(tilePath);
    assert.deepEqual(paths(0), []);
    assert.deepEqual(paths(1), ["tile/0/000.p/1"]);
    assert.deepEqual(paths(256), ["tile/0/000", "tile/1/000.p/1"]);
    // 65539 leaves: 256 full tiles and 3 hashes at level 0, 256 hashes at 1, one at 2.
    assert.deepEqual(paths(256 * 256 + 3).slice(-4), [
      "tile/0/255",
      "tile/0/256.p/3",
      "tile/1/000",
      "tile/2/000.p/1",
    ]);
    assert.deepEqual(entryBundlesOfTree(600).map(tilePath), [
      "tile/entries/000",
      "tile/entries/001",
      "tile/entries/002.p/88",
    ]);
    const [full, partial] = entryBundlesOfTree(300);
    assert.ok(full && partial);
    assert.equal(servedTileBytes(full), 256 * 34);
    assert.equal(servedTileBytes(partial), 44 * 34);
    assert.equal(servedTileBytes({ level: 0, index: 0, width: 5 }), 5 * 32);
  });
});
