/**
 * The integrate step on tiles: append leaf hashes to a stored tree, rewriting only the tiles at
 * its right edge (at most one partial tile per tile level, plus the tiles the new leaves fill).
 */
import { InvalidArgumentError } from "../errors.ts";
import { treeRoot } from "./build-proof.ts";
import { HASH_BYTES, type Hash32 } from "./hasher.ts";
import { subtreeHashes } from "./level-hash.ts";
import { hashesAtTileLevel, TILE_WIDTH, type TileId, tileKey } from "./tile-id.ts";
import type { TileReader } from "./tile-reader.ts";
import { requireCount } from "./tree-math.ts";

/** A tile to store: `hashes` holds its `tile.width` hashes end to end. */
export interface TileWrite {
  readonly tile: TileId;
  readonly hashes: Uint8Array;
}

export interface AppendResult {
  readonly treeSize: number;
  readonly rootHash: Hash32;
  /** Tiles to store, lowest tile level first; each supersedes any narrower tile of its index. */
  readonly tiles: readonly TileWrite[];
}

/** The partial tile at the right edge of each tile level for a tree of `treeSize`. */
function rightEdgeTiles(treeSize: number): TileId[] {
  const tiles: TileId[] = [];
  for (let level = 0; hashesAtTileLevel(level, treeSize) > 0; level++) {
    const stored = hashesAtTileLevel(level, treeSize);
    const width = stored % TILE_WIDTH;
    if (width > 0) tiles.push({ level, index: Math.floor(stored / TILE_WIDTH), width });
  }
  return tiles;
}

function concat(head: Uint8Array | undefined, tail: Uint8Array): Uint8Array {
  if (head === undefined || head.length === 0) return tail;
  const joined = new Uint8Array(head.length + tail.length);
  joined.set(head);
  joined.set(tail, head.length);
  return joined;
}

/**
 * Appends `leafHashes` (32-byte RFC 9162 leaf hashes end to end) to the tree of `treeSize`
 * whose tiles `reader` serves. Reads only the right-edge tiles, in one batch; returns the tiles
 * to write and the new root. Pure apart from that read: the caller stores the result.
 */
export async function appendLeaves(
  reader: TileReader,
  treeSize: number,
  leafHashes: Uint8Array,
): Promise<AppendResult> {
  requireCount("treeSize", treeSize);
  if (leafHashes.length % HASH_BYTES !== 0) {
    throw new InvalidArgumentError(
      `leafHashes must be whole 32-byte hashes, got ${leafHashes.length} bytes`,
    );
  }
  const newSize = treeSize + leafHashes.length / HASH_BYTES;
  requireCount("new tree size", newSize);

  const edge = rightEdgeTiles(treeSize);
  const edgeHashes = new Map<string, Uint8Array>();
  const read = edge.length > 0 ? await reader.readTiles(edge) : [];
  edge.forEach((tile, i) => {
    edgeHashes.set(
      tileKey(tile),
      (read[i] ?? new Uint8Array(0)).subarray(0, tile.width * HASH_BYTES),
    );
  });

  const writes: TileWrite[] = [];
  // New hashes at tile level `level`; each tile that fills up yields one for the level above.
  let arriving = leafHashes;
  for (let level = 0; arriving.length > 0; level++) {
    const firstTile = Math.floor(hashesAtTileLevel(level, treeSize) / TILE_WIDTH);
    const run = concat(edgeHashes.get(tileKey({ level, index: firstTile })), arriving);
    const hashCount = run.length / HASH_BYTES;
    for (let offset = 0; offset < hashCount; offset += TILE_WIDTH) {
      const width = Math.min(TILE_WIDTH, hashCount - offset);
      const tile = { level, index: firstTile + offset / TILE_WIDTH, width };
      writes.push({
        tile,
        hashes: run.subarray(offset * HASH_BYTES, (offset + width) * HASH_BYTES),
      });
    }
    const fullTiles = Math.floor(hashCount / TILE_WIDTH);
    arriving = subtreeHashes(run.subarray(0, fullTiles * TILE_WIDTH * HASH_BYTES), TILE_WIDTH);
  }

  // The new root needs only right-edge tiles, all of which are now in hand.
  const inHand = new Map<string, Uint8Array>(edgeHashes);
  for (const { tile, hashes } of writes) inHand.set(tileKey(tile), hashes);
  const overlay: TileReader = {
    async readTiles(tiles) {
      const missing = tiles.filter((tile) => !inHand.has(tileKey(tile)));
      const fetched = missing.length > 0 ? await reader.readTiles(missing) : [];
      return tiles.map(
        (tile) => inHand.get(tileKey(tile)) ?? fetched[missing.indexOf(tile)] ?? new Uint8Array(0),
      );
    },
  };
  return { treeSize: newSize, rootHash: await treeRoot(overlay, newSize), tiles: writes };
}
