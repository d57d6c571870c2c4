/**
 * C2SP tlog-tiles coordinates: a tile at tile level L holds up to 256 consecutive hashes of
 * tree level 8·L; a partial tile (width < 256) sits at the right edge of its level.
 */
import { InvalidArgumentError } from "../errors.ts";
import type { NodeId } from "./node-id.ts";
import { shiftRight } from "./tree-math.ts";

/** Tree levels spanned by one tile. */
export const TILE_HEIGHT = 8;
/** Hashes in a full tile (2^TILE_HEIGHT). */
export const TILE_WIDTH = 256;
/**
 * The tile level under which a log's leaf data is stored, 256 leaves to a tile like tile level 0
 * above it: C2SP's entry bundles (`tile/entries/<N>`). Stele's leaf data is always a 32-byte
 * content hash, so such a tile is stored as 32-byte values end to end, as hash tiles are.
 */
export const ENTRY_TILE_LEVEL = -1;

/** A tile of a tree of some size: its tile level, index along that level, and width (1–256). */
export interface TileId {
  readonly level: number;
  readonly index: number;
  readonly width: number;
}

/** Where a perfect node's hash comes from: `count` hashes of `tile` starting at `first`. */
export interface NodeInTile {
  readonly tile: TileId;
  readonly first: number;
  /** 2^(node.level − 8·tile.level): the node is the subtree hash over these hashes. */
  readonly count: number;
}

/**
 * Hashes stored at tile level `tileLevel` (tree level 8·tileLevel) for a tree of `treeSize`; at
 * ENTRY_TILE_LEVEL, the leaves' data: one per leaf.
 */
export function hashesAtTileLevel(tileLevel: number, treeSize: number): number {
  if (tileLevel === ENTRY_TILE_LEVEL) return treeSize;
  return shiftRight(treeSize, TILE_HEIGHT * tileLevel);
}

/** The tile (as stored for `treeSize`) that holds what node `node` is computed from. */
export function locateNode(node: NodeId, treeSize: number): NodeInTile {
  const tileLevel = Math.floor(node.level / TILE_HEIGHT);
  const count = 2 ** (node.level % TILE_HEIGHT);
  const firstHash = node.index * count;
  const tileIndex = Math.floor(firstHash / TILE_WIDTH);
  const stored = hashesAtTileLevel(tileLevel, treeSize) - tileIndex * TILE_WIDTH;
  if (firstHash + count > tileIndex * TILE_WIDTH + stored) {
    throw new InvalidArgumentError(
      `node (level ${node.level}, index ${node.index}) is not complete in a tree of ${treeSize} leaves`,
      { node, treeSize },
    );
  }
  return {
    tile: { level: tileLevel, index: tileIndex, width: Math.min(TILE_WIDTH, stored) },
    first: firstHash - tileIndex * TILE_WIDTH,
    count,
  };
}

/**
 * The C2SP path of a tile: `tile/<L>/<N>` or `tile/<L>/<N>.p/<W>` for a partial one, and
 * `tile/entries/<N>[.p/<W>]` for the entry bundle of ENTRY_TILE_LEVEL.
 */
export function tilePath(tile: TileId): string {
  const partial = tile.width < TILE_WIDTH ? `.p/${tile.width}` : "";
  const level = tile.level === ENTRY_TILE_LEVEL ? "entries" : String(tile.level);
  return `tile/${level}/${encodeTileIndex(tile.index)}${partial}`;
}

/** C2SP index encoding: groups of three digits, all but the last prefixed `x` (1234067 → x001/x234/067). */
export function encodeTileIndex(index: number): string {
  const groups: string[] = [];
  let rest = index;
  do {
    groups.unshift(String(rest % 1000).padStart(3, "0"));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join("/");
}

/** Key that identifies a tile across widths (a wider tile supersedes a narrower one). */
export function tileKey(tile: Pick<TileId, "level" | "index">): string {
  return `${tile.level}/${tile.index}`;
}

/**
 * The tile a C2SP path names, after `tile/`: `<L>/<N>` or `<L>/<N>.p/<W>` with N in the
 * canonical `x001/x234/067` groups and 1 ≤ W ≤ 255, L a tile level or `entries` (an entry
 * bundle, at ENTRY_TILE_LEVEL). Anything else, including a non-canonical spelling of a valid
 * tile, is undefined: one tile, one URL (caches and mirrors rely on it).
 */
export function parseTilePath(path: string): TileId | undefined {
  const match = /^(\d{1,2}|entries)\/((?:x\d{3}\/)*\d{3})(?:\.p\/(\d{1,3}))?$/.exec(path);
  if (match === null) return undefined;
  const [, levelText = "", indexText = "", widthText] = match;
  const level = levelText === "entries" ? ENTRY_TILE_LEVEL : Number(levelText);
  const index = Number(indexText.replaceAll("x", "").replaceAll("/", ""));
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText);
  if (!Number.isSafeInteger(index) || width < 1 || width > TILE_WIDTH) return undefined;
  const tile = { level, index, width };
  return tilePath(tile) === `tile/${path}` ? tile : undefined;
}
