/**
 * Use case: the log's hash tiles as C2SP tlog-tiles serves them, so that any tlog tool can mirror
 * or witness a ledger. A tile is served once the latest checkpoint covers it, at any width up
 * to what it holds: tiles only grow, and a tile of width W is the first W hashes for good.
 */
import { NotFoundError } from "../domain/errors.ts";
import { HASH_BYTES } from "../domain/merkle/hasher.ts";
import { hashesAtTileLevel, TILE_WIDTH, type TileId, tilePath } from "../domain/merkle/tile-id.ts";
import type { LogStore } from "../ports/log-store.ts";

/** The tile's hashes laid end to end (width × 32 bytes); NotFoundError past the checkpoint. */
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
  const [hashes = new Uint8Array(0)] = await log.tiles(ledger).readTiles([tile]);
  const bytes = tile.width * HASH_BYTES;
  if (hashes.length < bytes) {
    throw new Error(`${tilePath(tile)} of ${ledger} holds ${hashes.length} bytes, want ${bytes}`);
  }
  return hashes.subarray(0, bytes);
}
