/** Tiles kept in a Map: the store behind tests, benchmarks and one-shot tools. */
import type { TileWrite } from "../../domain/merkle/append-leaves.ts";
import { type TileId, tileKey } from "../../domain/merkle/tile-id.ts";
import type { TileReader } from "../../domain/merkle/tile-reader.ts";

export class MemoryTileStore implements TileReader {
  readonly #tiles = new Map<string, Uint8Array>();
  /** Tiles requested so far, one count per tile per read (to check read amplification). */
  tilesRead = 0;

  async readTiles(tiles: readonly TileId[]): Promise<readonly Uint8Array[]> {
    this.tilesRead += tiles.length;
    return tiles.map((tile) => this.#tiles.get(tileKey(tile)) ?? new Uint8Array(0));
  }

  /** Stores a copy of each tile, replacing a narrower one of the same index. */
  writeTiles(writes: readonly TileWrite[]): void {
    for (const { tile, hashes } of writes) this.#tiles.set(tileKey(tile), hashes.slice());
  }

  get tileCount(): number {
    return this.#tiles.size;
  }
}
