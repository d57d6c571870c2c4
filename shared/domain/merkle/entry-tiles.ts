/**
 * The log's leaf data, kept beside its hash tiles so that the whole log can be served and
 * mirrored as C2SP tlog-tiles: entry bundles (`tile/entries/<N>`) hold the data of the 256
 * leaves of level-0 tile N. Stele's leaf data is a 32-byte content hash (proof-v1), so a stored
 * entry tile is 32-byte values end to end, written, superseded and read like a hash tile.
 */
import { InvalidArgumentError } from "../errors.ts";
import type { TileWrite } from "./append-leaves.ts";
import { HASH_BYTES } from "./hasher.ts";
import { ENTRY_TILE_LEVEL, TILE_WIDTH, type TileId } from "./tile-id.ts";
import type { TileReader } from "./tile-reader.ts";
import { requireCount } from "./tree-math.ts";

/** Bytes of an entry's length prefix in a C2SP entry bundle (big-endian uint16). */
const LENGTH_PREFIX_BYTES = 2;

/**
 * The entry tiles to write when `leafData` (32-byte content hashes end to end) is appended to
 * a log of `treeSize` leaves: the partial tile at the right edge, completed from what is stored,
 * and the tiles after it. Reads at most that one stored tile.
 *
 * A log integrated before entry tiles were kept has no data for its right-edge tile; that tile
 * cannot be completed (tiles are prefixes of the log), so writing starts at the next one.
 */
export async function appendEntryTiles(
  reader: TileReader,
  treeSize: number,
  leafData: Uint8Array,
): Promise<TileWrite[]> {
  requireCount("treeSize", treeSize);
  if (leafData.length % HASH_BYTES !== 0) {
    throw new InvalidArgumentError(
      `leaf data must be whole 32-byte content hashes, got ${leafData.length} bytes`,
    );
  }
  let firstTile = Math.floor(treeSize / TILE_WIDTH);
  const storedWidth = treeSize % TILE_WIDTH;
  let run = leafData;
  if (storedWidth > 0) {
    const edge: TileId = { level: ENTRY_TILE_LEVEL, index: firstTile, width: storedWidth };
    const [stored = new Uint8Array(0)] = await reader.readTiles([edge]);
    if (stored.length >= storedWidth * HASH_BYTES) {
      run = new Uint8Array(storedWidth * HASH_BYTES + leafData.length);
      run.set(stored.subarray(0, storedWidth * HASH_BYTES));
      run.set(leafData, storedWidth * HASH_BYTES);
    } else {
      run = leafData.subarray(Math.min(leafData.length, (TILE_WIDTH - storedWidth) * HASH_BYTES));
      firstTile += 1;
    }
  }
  const writes: TileWrite[] = [];
  const count = run.length / HASH_BYTES;
  for (let offset = 0; offset < count; offset += TILE_WIDTH) {
    const width = Math.min(TILE_WIDTH, count - offset);
    writes.push({
      tile: { level: ENTRY_TILE_LEVEL, index: firstTile + offset / TILE_WIDTH, width },
      hashes: run.subarray(offset * HASH_BYTES, (offset + width) * HASH_BYTES),
    });
  }
  return writes;
}

/** A C2SP entry bundle: each 32-byte leaf datum behind its big-endian uint16 length. */
export function entryBundle(leafData: Uint8Array): Uint8Array {
  const count = leafData.length / HASH_BYTES;
  const bundle = new Uint8Array(count * (LENGTH_PREFIX_BYTES + HASH_BYTES));
  for (let i = 0; i < count; i++) {
    const at = i * (LENGTH_PREFIX_BYTES + HASH_BYTES);
    bundle[at] = 0;
    bundle[at + 1] = HASH_BYTES;
    bundle.set(leafData.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES), at + LENGTH_PREFIX_BYTES);
  }
  return bundle;
}

/**
 * The leaf data of an entry bundle, one array per entry, whatever their lengths; an
 * InvalidArgumentError for a bundle that ends inside an entry.
 */
export function readEntryBundle(bundle: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (at + LENGTH_PREFIX_BYTES > bundle.length) {
      throw new InvalidArgumentError(`entry bundle ends inside a length prefix at byte ${at}`);
    }
    const length = ((bundle[at] ?? 0) << 8) | (bundle[at + 1] ?? 0);
    const start = at + LENGTH_PREFIX_BYTES;
    if (start + length > bundle.length) {
      throw new InvalidArgumentError(
        `entry ${entries.length} of the bundle claims ${length} bytes, ${bundle.length - start} remain`,
      );
    }
    entries.push(bundle.subarray(start, start + length));
    at = start + length;
  }
  return entries;
}
