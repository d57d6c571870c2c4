/**
 * Read-side caching of the log for the proof endpoints. Tiles only ever grow and a stored hash
 * never changes, so a cached tile answers any request for at most its width, forever; the head
 * is reused for a short while, so proofs are served against a checkpoint at most that old.
 */
import { HASH_BYTES } from "../domain/merkle/hasher.ts";
import { type TileId, tileKey } from "../domain/merkle/tile-id.ts";
import type { TileReader } from "../domain/merkle/tile-reader.ts";
import type { AnchorRecord, AnchorStore } from "../ports/anchor-store.ts";
import type { Clock } from "../ports/clock.ts";
import type { LedgerHead, LogStore, StoredCheckpoint } from "../ports/log-store.ts";

export interface CacheOptions {
  /** Tiles kept (8 KiB each when full): 4096 ≈ 32 MiB, every tile of a 1M-entry log. */
  readonly maxTiles: number;
  readonly headMaxAgeMs: number;
}

export class CachedLogReads implements Pick<LogStore, "getHead" | "tiles" | "getCheckpoint"> {
  readonly #store: Pick<LogStore, "getHead" | "tiles" | "getCheckpoint">;
  readonly #clock: Clock;
  readonly #options: CacheOptions;
  /** Insertion order is recency order: a hit re-inserts, eviction takes the first key. */
  readonly #tiles = new Map<string, Uint8Array>();
  readonly #heads = new Map<string, { head: LedgerHead | undefined; atMs: number }>();
  readonly #checkpoints = new Map<string, StoredCheckpoint>();

  constructor(
    store: Pick<LogStore, "getHead" | "tiles" | "getCheckpoint">,
    clock: Clock,
    options: CacheOptions,
  ) {
    this.#store = store;
    this.#clock = clock;
    this.#options = options;
  }

  async getHead(ledger: string): Promise<LedgerHead | undefined> {
    const cached = this.#heads.get(ledger);
    if (cached !== undefined && this.#clock.nowMs() - cached.atMs < this.#options.headMaxAgeMs)
      return cached.head;
    const head = await this.#store.getHead(ledger);
    this.#heads.set(ledger, { head, atMs: this.#clock.nowMs() });
    return head;
  }

  /** Signed checkpoints never change once stored: kept (a few hundred bytes each), newest 1024. */
  async getCheckpoint(ledger: string, treeSize: number): Promise<StoredCheckpoint | undefined> {
    const key = `${ledger}/${treeSize}`;
    const cached = this.#checkpoints.get(key);
    if (cached !== undefined) return cached;
    const checkpoint = await this.#store.getCheckpoint(ledger, treeSize);
    if (checkpoint !== undefined) {
      this.#checkpoints.set(key, checkpoint);
      const oldest = this.#checkpoints.keys().next().value;
      if (this.#checkpoints.size > 1024 && oldest !== undefined) this.#checkpoints.delete(oldest);
    }
    return checkpoint;
  }

  tiles(ledger: string): TileReader {
    const store = this.#store.tiles(ledger);
    return {
      readTiles: async (tiles: readonly TileId[]) => {
        const key = (tile: TileId) => `${ledger}/${tileKey(tile)}`;
        const hit = (tile: TileId) => {
          const hashes = this.#tiles.get(key(tile));
          return hashes !== undefined && hashes.length >= tile.width * HASH_BYTES
            ? hashes
            : undefined;
        };
        const missing = tiles.filter((tile) => hit(tile) === undefined);
        const fetched = missing.length > 0 ? await store.readTiles(missing) : [];
        missing.forEach((tile, i) => {
          const hashes = fetched[i];
          if (hashes !== undefined && hashes.length > 0) this.#remember(key(tile), hashes);
        });
        return tiles.map((tile) => {
          const hashes = hit(tile) ?? new Uint8Array(0);
          if (hashes.length > 0) this.#remember(key(tile), hashes);
          return hashes;
        });
      },
    };
  }

  #remember(key: string, hashes: Uint8Array): void {
    const known = this.#tiles.get(key);
    this.#tiles.delete(key);
    this.#tiles.set(key, known !== undefined && known.length > hashes.length ? known : hashes);
    while (this.#tiles.size > this.#options.maxTiles) {
      const oldest = this.#tiles.keys().next().value;
      if (oldest === undefined) break;
      this.#tiles.delete(oldest);
    }
  }
}

/** Anchor records read at most every `maxAgeMs` per ledger and chain (they move by the second). */
export function cachedRecentAnchors(
  store: Pick<AnchorStore, "recentAnchors">,
  clock: Clock,
  maxAgeMs: number,
): Pick<AnchorStore, "recentAnchors"> {
  const cache = new Map<string, { records: Promise<AnchorRecord[]>; atMs: number }>();
  return {
    recentAnchors(ledger, chainId, limit) {
      const key = `${ledger}/${chainId}/${limit}`;
      const cached = cache.get(key);
      if (cached !== undefined && clock.nowMs() - cached.atMs < maxAgeMs) return cached.records;
      const records = store.recentAnchors(ledger, chainId, limit);
      cache.set(key, { records, atMs: clock.nowMs() });
      // A failed read is not remembered.
      records.catch(() => cache.delete(key));
      return records;
    },
  };
}
