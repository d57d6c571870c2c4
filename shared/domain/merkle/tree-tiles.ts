/**
 * Every tile of a tree of some size, as C2SP tlog-tiles serves it: what a mirror fetches and
 * what an offline check of a mirror expects to find.
 */
import { HASH_BYTES } from "./hasher.ts";
import { ENTRY_TILE_LEVEL, hashesAtTileLevel, TILE_WIDTH, type TileId } from "./tile-id.ts";
import { requireCount } from "./tree-math.ts";

/** Bytes of one entry in an entry bundle: a 2-byte length, then the 32-byte content hash. */
export const ENTRY_BUNDLE_ENTRY_BYTES = 2 + HASH_BYTES;

/** The tiles of one tile level for `treeSize`: the full ones, then a partial one at the edge. */
function tilesOfLevel(level: number, treeSize: number): TileId[] {
  const stored = hashesAtTileLevel(level, treeSize);
  const tiles: TileId[] = [];
  for (let index = 0; index * TILE_WIDTH < stored; index++) {
    tiles.push({ level, index, width: Math.min(TILE_WIDTH, stored - index * TILE_WIDTH) });
  }
  return tiles;
}

/** Every hash tile of the tree of `treeSize` leaves, tile level 0 first (none for 0 leaves). */
export function hashTilesOfTree(treeSize: number): TileId[] {
  requireCount("treeSize", treeSize);
  const tiles: TileId[] = [];
  for (let level = 0; hashesAtTileLevel(level, treeSize) > 0; level++) {
    tiles.push(...tilesOfLevel(level, treeSize));
  }
  return tiles;
}

/** Every entry bundle of the tree of `treeSize` leaves (at ENTRY_TILE_LEVEL), in leaf order. */
export function entryBundlesOfTree(treeSize: number): TileId[] {
  requireCount("treeSize", treeSize);
  return tilesOfLevel(ENTRY_TILE_LEVEL, treeSize);
}

/** Bytes of a tile as served: width hashes, or width length-prefixed entries for a bundle. */
export function servedTileBytes(tile: TileId): number {
  return tile.width * (tile.level === ENTRY_TILE_LEVEL ? ENTRY_BUNDLE_ENTRY_BYTES : HASH_BYTES);
}
