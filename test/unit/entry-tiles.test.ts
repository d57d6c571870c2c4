// Entry tiles: the leaves' data kept beside the hash tiles and served as C2SP entry bundles.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import fc from "fast-check";
import { MemoryTileStore } from "../../shared/adapters/memory/memory-tile-store.ts";
import { toHex } from "../../shared/domain/bytes.ts";
import {
  appendEntryTiles,
  entryBundle,
  readEntryBundle,
} from "../../shared/domain/merkle/entry-tiles.ts";
import { ENTRY_TILE_LEVEL, TILE_WIDTH } from "../../shared/domain/merkle/tile-id.ts";

const hashes = (count: number) => new Uint8Array(randomBytes(count * 32));

/** What tile `index` holds once stored, as 64-hex content hashes. */
async function storedEntries(store: MemoryTileStore, index: number, width: number) {
  const [bytes = new Uint8Array(0)] = await store.readTiles([
    { level: ENTRY_TILE_LEVEL, index, width },
  ]);
  return readEntryBundle(entryBundle(bytes.subarray(0, width * 32))).map(toHex);
}

describe("appendEntryTiles", () => {
  it("keeps every leaf's data in its tile, however the appends are split", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 6 }),
        async (runs) => {
          const store = new MemoryTileStore();
          const all: string[] = [];
          let size = 0;
          for (const count of runs) {
            const data = hashes(count);
            store.writeTiles(await appendEntryTiles(store, size, data));
            for (let i = 0; i < count; i++) all.push(toHex(data.subarray(i * 32, i * 32 + 32)));
            size += count;
          }
          for (let index = 0; index * TILE_WIDTH < size; index++) {
            const width = Math.min(TILE_WIDTH, size - index * TILE_WIDTH);
            const want = all.slice(index * TILE_WIDTH, index * TILE_WIDTH + width);
            assert.deepEqual(await storedEntries(store, index, width), want);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("writes only the right edge: the partial tile it completes and the tiles after it", async () => {
    const store = new MemoryTileStore();
    store.writeTiles(await appendEntryTiles(store, 0, hashes(300)));
    const writes = await appendEntryTiles(store, 300, hashes(250));
    assert.deepEqual(
      writes.map(({ tile }) => tile),
      [
        { level: ENTRY_TILE_LEVEL, index: 1, width: 256 },
        { level: ENTRY_TILE_LEVEL, index: 2, width: 38 },
      ],
    );
  });

  it("starts at the next tile when the log's earlier leaves have no stored data", async () => {
    // A ledger integrated before entry tiles existed: 300 leaves, no entry tile 1 to complete.
    const store = new MemoryTileStore();
    const data = hashes(250);
    const writes = await appendEntryTiles(store, 300, data);
    assert.deepEqual(
      writes.map(({ tile }) => tile),
      [{ level: ENTRY_TILE_LEVEL, index: 2, width: 38 }],
    );
    // Leaves 512..549 are the last 38 of the 250 appended after leaf 299.
    assert.deepEqual(writes[0]?.hashes, data.subarray((512 - 300) * 32));
    assert.deepEqual(await appendEntryTiles(store, 300, hashes(3)), []);
  });

  it("refuses leaf data that is not whole 32-byte hashes", async () => {
    await assert.rejects(
      appendEntryTiles(new MemoryTileStore(), 0, new Uint8Array(33)),
      /whole 32-byte content hashes, got 33 bytes/,
    );
  });
});

describe("entry bundles", () => {
  it("put each entry behind its big-endian 2-byte length", () => {
    const data = hashes(2);
    const bundle = entryBundle(data);
    assert.equal(bundle.length, 68);
    assert.deepEqual([bundle[0], bundle[1], bundle[34], bundle[35]], [0, 32, 0, 32]);
    assert.deepEqual(bundle.subarray(36), data.subarray(32));
  });

  it("read back entries of any length, and refuse a bundle cut inside one", () => {
    const bundle = new Uint8Array([0, 1, 7, 0, 0, 0, 2, 8, 9]);
    assert.deepEqual(
      readEntryBundle(bundle).map((entry) => [...entry]),
      [[7], [], [8, 9]],
    );
    assert.throws(() => readEntryBundle(new Uint8Array([0, 3, 1])), /claims 3 bytes, 1 remain/);
    assert.throws(() => readEntryBundle(new Uint8Array([0])), /inside a length prefix at byte 0/);
  });
});
