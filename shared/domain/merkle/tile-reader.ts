/** The read side of tile storage, and node hashes computed from what it returns. */
import { MissingDataError } from "../errors.ts";
import { HASH_BYTES, type Hash32 } from "./hasher.ts";
import { subtreeHashes } from "./level-hash.ts";
import type { NodeId } from "./node-id.ts";
import { locateNode, type TileId, tileKey } from "./tile-id.ts";

/**
 * Reads tiles in one round trip. For each requested tile it returns its hashes laid end to end,
 * at least `width` of them; more is fine (the log only appends, so a wider tile of the same
 * index begins with the same hashes).
 */
export interface TileReader {
  readTiles(tiles: readonly TileId[]): Promise<readonly Uint8Array[]>;
}

/** Hashes of perfect nodes of a tree of `treeSize`, from one batched read of the tiles they need. */
export async function readNodeHashes(
  reader: TileReader,
  nodes: readonly NodeId[],
  treeSize: number,
): Promise<Hash32[]> {
  const located = nodes.map((node) => locateNode(node, treeSize));
  const tiles = new Map<string, TileId>();
  for (const { tile } of located) tiles.set(tileKey(tile), tile);
  const wanted = [...tiles.values()];
  const read = await reader.readTiles(wanted);
  const byKey = new Map<string, Uint8Array>();
  wanted.forEach((tile, i) => {
    const hashes = read[i];
    if (hashes === undefined || hashes.length < tile.width * HASH_BYTES) {
      throw new MissingDataError(
        `tile ${tileKey(tile)} has ${(hashes?.length ?? 0) / HASH_BYTES} hashes, want at least ${tile.width}`,
        { tile, treeSize },
      );
    }
    byKey.set(tileKey(tile), hashes);
  });
  return located.map(({ tile, first, count }) => {
    const hashes = byKey.get(tileKey(tile)) ?? new Uint8Array(0);
    const span = hashes.subarray(first * HASH_BYTES, (first + count) * HASH_BYTES);
    return subtreeHashes(span, count).slice(0, HASH_BYTES);
  });
}
