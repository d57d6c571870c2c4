/**
 * Use case: the log's tiles as C2SP tlog-tiles serves them, so that any tlog tool can mirror or
 * witness a ledger: hash tiles, and entry bundles of the leaves' data. A tile is served once the
 * latest checkpoint covers it, at any width up to what it holds: tiles only grow, and a tile of
 * width W is the first W hashes (or entries) for good.
 */
import { NotFoundError } from "../domain/errors.ts";
import { entryBundle } from "../domain/merkle/entry-tiles.ts";
import { HASH_BYTES } from "../domain/merkle/hasher.ts";
import {
  ENTRY_TILE_LEVEL,
  hashesAtTileLevel,
  TILE_WIDTH,
  type TileId,
  tilePath,
} from "../domain/merkle/tile-id.ts";
import type { LogStore } from "../ports/log-store.ts";

/**
 * Why a covered entry bundle has no data, in the 404 that says so: `stele export` tells this
 * final answer from the brief 404 of a stale head (which it asks again) by these words.
 */
export const LEAVES_BEFORE_LEAF_DATA = "its leaves were integrated before Stele kept leaf data";

/**
 * The bytes of the tile: its hashes laid end to end (width × 32 bytes), or for an entry bundle
 * each entry's data behind its length. NotFoundError past the checkpoint.
 */
export async function readTile(
  log: Pick<LogStore, "getHead" | "tiles">,
  ledger: string,
  tile: TileId,
): Promise<Uint8Array> {
  const head = await log.getHead(ledger);
  const covered = head === undefined ? 0 : hashesAtTileLevel(tile.level, head.checkpoint.treeSize);
  if (covered < tile.index * TILE_WIDTH + tile.width) {
    throw new NotFoundError(`ledger ${ledger} has no ${tilePath(tile)} yet`, { ledger, tile });
  }
  const [stored = new Uint8Array(0)] = await log.tiles(ledger).readTiles([tile]);
  const bytes = tile.width * HASH_BYTES;
  if (tile.level === ENTRY_TILE_LEVEL) {
    // Only leaves integrated before Stele kept leaf data lack it (see appendEntryTiles).
    if (stored.length < bytes) {
      throw new NotFoundError(
        `ledger ${ledger} has no ${tilePath(tile)}: ${LEAVES_BEFORE_LEAF_DATA}`,
        { ledger, tile },
      );
    }
    return entryBundle(stored.subarray(0, bytes));
  }
  if (stored.length < bytes) {
    throw new Error(`${tilePath(tile)} of ${ledger} holds ${stored.length} bytes, want ${bytes}`);
  }
  return stored.subarray(0, bytes);
}
