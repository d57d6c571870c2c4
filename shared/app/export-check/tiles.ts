/**
 * The tiles of an exported log: leaf hashes recomputed from the entry bundles (or, for leaves
 * the log has no data for, taken from tile level 0), the tree rebuilt from them, and every other
 * hash tile compared with the rebuilt one byte for byte.
 */
import { MemoryTileStore } from "../../adapters/memory/memory-tile-store.ts";
import { equalBytes, toHex } from "../../domain/bytes.ts";
import { appendLeaves } from "../../domain/merkle/append-leaves.ts";
import { readEntryBundle } from "../../domain/merkle/entry-tiles.ts";
import { emptyRoot, HASH_BYTES, type Hash32 } from "../../domain/merkle/hasher.ts";
import { hashLeaves32 } from "../../domain/merkle/sha256-batch.ts";
import {
  ENTRY_TILE_LEVEL,
  parseTilePath,
  TILE_WIDTH,
  type TileId,
  tilePath,
} from "../../domain/merkle/tile-id.ts";
import { entryBundlesOfTree, hashTilesOfTree } from "../../domain/merkle/tree-tiles.ts";
import type { ExportedFiles } from "../log-export-layout.ts";
import { EXPORT_LAYOUT } from "../log-export-layout.ts";
import { type Findings, firstLine } from "./findings.ts";

/** The leaf hashes of the tree, and what they were taken from. */
export interface LeafHashes {
  readonly leafHashes: Uint8Array;
  /** Entry bundles read (each leaf hash recomputed from its content hash). */
  readonly entryBundles: number;
  /** Level-0 hash tiles whose hashes were taken as exported: the log has no data for them. */
  readonly givenTiles: ReadonlySet<string>;
  /** The entry bundles those stand for. */
  readonly withoutData: readonly TileId[];
}

/**
 * The leaf hashes of the tree of `treeSize`, recomputed from the entry bundles; for the bundles
 * in `withoutData` (the log has none, export.json), taken from the level-0 tile of the same
 * leaves. Undefined when some cannot be had: the failures say why.
 */
export async function readLeafHashes(
  files: ExportedFiles,
  treeSize: number,
  withoutData: readonly TileId[],
  findings: Findings,
): Promise<LeafHashes | undefined> {
  const leafData = new Uint8Array(treeSize * HASH_BYTES);
  const given = new Map<string, { tile: TileId; hashes: Uint8Array }>();
  const listed = new Set(withoutData.map(tilePath));
  let entryBundles = 0;
  let complete = true;
  for (const tile of entryBundlesOfTree(treeSize)) {
    const file = tilePath(tile);
    const bundle = await files.read(file);
    if (bundle === undefined && listed.has(file)) {
      const source = tilePath({ ...tile, level: 0 });
      const hashes = await files.read(source);
      if (hashes?.length !== tile.width * HASH_BYTES) {
        findings.add(
          source,
          `the log has no data for ${file} (${EXPORT_LAYOUT.manifest}), and this tile, the only source of its leaf hashes, is ${hashes === undefined ? "missing" : "of the wrong length"}`,
          `${tile.width * HASH_BYTES} bytes (${tile.width} hashes)`,
          hashes === undefined ? "no file" : `${hashes.length} bytes`,
        );
        complete = false;
        continue;
      }
      given.set(source, { tile, hashes });
      continue;
    }
    if (bundle === undefined) {
      findings.add(file, "the entry bundle is missing", `${tile.width} entries`, "no file");
      complete = false;
      continue;
    }
    let entries: Uint8Array[];
    try {
      entries = readEntryBundle(bundle);
    } catch (error) {
      findings.add(file, "not an entry bundle", `${tile.width} entries`, firstLine(error));
      complete = false;
      continue;
    }
    if (entries.length !== tile.width) {
      findings.add(
        file,
        "wrong number of entries",
        `${tile.width} entries`,
        `${entries.length} entries`,
      );
      complete = false;
      continue;
    }
    const wrong = entries.findIndex((entry) => entry.length !== HASH_BYTES);
    if (wrong >= 0) {
      findings.add(
        file,
        `entry ${wrong} is not a 32-byte content hash`,
        `${HASH_BYTES} bytes`,
        `${entries[wrong]?.length ?? 0} bytes`,
      );
      complete = false;
      continue;
    }
    entries.forEach((entry, i) => {
      leafData.set(entry, (tile.index * TILE_WIDTH + i) * HASH_BYTES);
    });
    entryBundles++;
  }
  if (!complete) return undefined;
  const leafHashes = new Uint8Array(leafData.length);
  hashLeaves32(leafData, leafHashes);
  for (const { tile, hashes } of given.values()) {
    leafHashes.set(hashes, tile.index * TILE_WIDTH * HASH_BYTES);
  }
  return {
    leafHashes,
    entryBundles,
    givenTiles: new Set(given.keys()),
    withoutData: [...given.values()].map(({ tile }) => tile),
  };
}

/** The tree rebuilt from `leafHashes`, and its root at each of `sizes` (ascending). */
export async function rebuild(
  leafHashes: Uint8Array,
  sizes: readonly number[],
): Promise<{ tiles: MemoryTileStore; roots: Map<number, Hash32> }> {
  const tiles = new MemoryTileStore();
  const roots = new Map<number, Hash32>([[0, emptyRoot()]]);
  let size = 0;
  for (const next of [...sizes, leafHashes.length / HASH_BYTES]) {
    if (next <= size) continue;
    const appended = await appendLeaves(
      tiles,
      size,
      leafHashes.subarray(size * HASH_BYTES, next * HASH_BYTES),
    );
    tiles.writeTiles(appended.tiles);
    roots.set(next, appended.rootHash);
    size = next;
  }
  return { tiles, roots };
}

/** Compares an exported hash tile with the rebuilt one; true when they are equal. */
function compareTile(
  tile: TileId,
  exported: Uint8Array,
  rebuilt: Uint8Array,
  findings: Findings,
): boolean {
  const file = tilePath(tile);
  const want = rebuilt.subarray(0, tile.width * HASH_BYTES);
  if (exported.length !== want.length) {
    findings.add(
      file,
      "wrong length",
      `${want.length} bytes (${tile.width} hashes)`,
      `${exported.length} bytes`,
    );
    return false;
  }
  if (equalBytes(exported, want)) return true;
  let k = 0;
  while (
    k < tile.width &&
    equalBytes(
      exported.subarray(k * HASH_BYTES, (k + 1) * HASH_BYTES),
      want.subarray(k * HASH_BYTES, (k + 1) * HASH_BYTES),
    )
  ) {
    k++;
  }
  const source =
    tile.level === 0
      ? `SHA-256(0x00 || entry ${k} of ${tilePath({ ...tile, level: ENTRY_TILE_LEVEL })})`
      : `the hash of the ${TILE_WIDTH} hashes below it (tile level ${tile.level - 1})`;
  findings.add(
    file,
    `hash ${k} is not ${source}`,
    toHex(want.subarray(k * HASH_BYTES, (k + 1) * HASH_BYTES)),
    toHex(exported.subarray(k * HASH_BYTES, (k + 1) * HASH_BYTES)),
  );
  return false;
}

/**
 * Every expected hash tile against the rebuilt tree, but those `given` (the leaf hashes were
 * taken from them: comparing them with themselves proves nothing); files beyond them must be
 * the tree's prefixes. Counts the hash tiles compared and the older entry bundles checked.
 */
export async function checkTiles(
  files: ExportedFiles,
  treeSize: number,
  tree: MemoryTileStore,
  given: ReadonlySet<string>,
  findings: Findings,
): Promise<{ hashTiles: number; olderEntryBundles: number }> {
  const expected = hashTilesOfTree(treeSize);
  const bundles = entryBundlesOfTree(treeSize);
  const known = new Set([...expected, ...bundles].map(tilePath));
  const rebuiltOf = async (tile: TileId) => (await tree.readTiles([tile]))[0] ?? new Uint8Array(0);
  let hashTiles = 0;
  for (const tile of expected) {
    if (given.has(tilePath(tile))) continue;
    hashTiles++;
    const exported = await files.read(tilePath(tile));
    if (exported === undefined) {
      findings.add(tilePath(tile), "the tile is missing", `${tile.width} hashes`, "no file");
      continue;
    }
    compareTile(tile, exported, await rebuiltOf(tile), findings);
  }
  let extraTiles = 0;
  let extraBundles = 0;
  // An older export's narrower right-edge tile is still a prefix of the tree; anything else is not.
  for (const path of await files.tilePaths()) {
    if (known.has(path)) continue;
    const tile = parseTilePath(path.slice(`${EXPORT_LAYOUT.tiles}/`.length));
    if (tile === undefined) {
      findings.add(path, "not a C2SP tile path", "tile/<L>/<N>[.p/<W>]", path);
      continue;
    }
    const stored =
      tile.level === ENTRY_TILE_LEVEL
        ? Math.max(0, Math.min(TILE_WIDTH, treeSize - tile.index * TILE_WIDTH))
        : (expected.find((e) => e.level === tile.level && e.index === tile.index)?.width ?? 0);
    if (stored < tile.width) {
      findings.add(
        path,
        "a tile beyond the exported tree",
        `at most ${stored} entries at this index for tree size ${treeSize}`,
        `${tile.width}`,
      );
      continue;
    }
    const exported = (await files.read(path)) ?? new Uint8Array(0);
    if (tile.level === ENTRY_TILE_LEVEL) {
      extraBundles++;
      const full = await files.read(tilePath({ ...tile, width: stored }));
      const prefix = full?.subarray(0, tile.width * (HASH_BYTES + 2));
      if (prefix === undefined || !equalBytes(prefix, exported)) {
        findings.add(
          path,
          "an older entry bundle that is not a prefix of the current one",
          `the first ${tile.width} entries of ${tilePath({ ...tile, width: stored })}`,
          "other bytes",
        );
      }
    } else {
      extraTiles++;
      compareTile(tile, exported, await rebuiltOf(tile), findings);
    }
  }
  return { hashTiles: hashTiles + extraTiles, olderEntryBundles: extraBundles };
}
