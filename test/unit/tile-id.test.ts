// C2SP tlog-tiles coordinates: where each stored hash lives, and the paths tools mirror.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { MemoryTileStore } from "../../shared/adapters/memory/memory-tile-store.ts";
import { MissingDataError } from "../../shared/domain/errors.ts";
import { appendLeaves } from "../../shared/domain/merkle/append-leaves.ts";
import {
  ENTRY_TILE_LEVEL,
  encodeTileIndex,
  locateNode,
  parseTilePath,
  tilePath,
} from "../../shared/domain/merkle/tile-id.ts";
import { readNodeHashes } from "../../shared/domain/merkle/tile-reader.ts";

describe("tile paths (C2SP tlog-tiles)", () => {
  it("encodes indices in groups of three digits, all but the last prefixed x", () => {
    // The example of the C2SP tlog-tiles spec: 1234067 → x001/x234/067.
    assert.equal(encodeTileIndex(1234067), "x001/x234/067");
    assert.equal(encodeTileIndex(0), "000");
    assert.equal(encodeTileIndex(999), "999");
    assert.equal(encodeTileIndex(1000), "x001/000");
  });

  it("names full tiles by level and index and partial ones by their width", () => {
    assert.equal(tilePath({ level: 0, index: 1234067, width: 256 }), "tile/0/x001/x234/067");
    assert.equal(tilePath({ level: 1, index: 3, width: 8 }), "tile/1/003.p/8");
  });
});

describe("parseTilePath", () => {
  it("reads back every tile path it writes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 63 }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 1, max: 256 }),
        (level, index, width) => {
          const tile = { level, index, width };
          assert.deepEqual(parseTilePath(tilePath(tile).slice("tile/".length)), tile);
        },
      ),
    );
  });

  it("reads entry bundles as the tiles of ENTRY_TILE_LEVEL", () => {
    assert.deepEqual(parseTilePath("entries/x001/234.p/5"), {
      level: ENTRY_TILE_LEVEL,
      index: 1234,
      width: 5,
    });
    assert.equal(tilePath({ level: ENTRY_TILE_LEVEL, index: 7, width: 256 }), "tile/entries/007");
  });

  it("refuses anything else, including other spellings of a real tile", () => {
    for (const path of [
      "0/0", // not three digits
      "0/x000/001", // a leading zero group: the canonical spelling is 0/001
      "0/001/002", // groups but the first lack their x
      "0/000.p/0", // width 0
      "0/000.p/256", // a full tile is not partial
      "0/000.p/007", // the width is decimal without padding
      "00/000", // a padded level
      "0/000/",
      "entries/0/000", // entries has no level
      "entries/000.p/256",
      "Entries/000",
      "../0/000",
      "0/-01",
    ]) {
      assert.equal(parseTilePath(path), undefined, path);
    }
  });
});

describe("locateNode", () => {
  it("finds a leaf in the tile of its level-0 run, with the width stored at that size", () => {
    assert.deepEqual(locateNode({ level: 0, index: 300 }, 1000), {
      tile: { level: 0, index: 1, width: 256 },
      first: 44,
      count: 1,
    });
    assert.deepEqual(locateNode({ level: 0, index: 999 }, 1000), {
      tile: { level: 0, index: 3, width: 232 },
      first: 231,
      count: 1,
    });
  });

  it("computes a node of levels 1–7 from 2^level hashes of its tile, and level 8 from the tile above", () => {
    assert.deepEqual(locateNode({ level: 3, index: 5 }, 1000), {
      tile: { level: 0, index: 0, width: 256 },
      first: 40,
      count: 8,
    });
    assert.deepEqual(locateNode({ level: 8, index: 2 }, 1000), {
      tile: { level: 1, index: 0, width: 3 },
      first: 2,
      count: 1,
    });
  });

  it("refuses a node that is not complete in the tree of that size", () => {
    assert.throws(
      () => locateNode({ level: 1, index: 4 }, 9),
      /not complete in a tree of 9 leaves/,
    );
  });
});

describe("readNodeHashes", () => {
  it("says which tile is missing or short instead of hashing what is not there", async () => {
    const store = new MemoryTileStore();
    const { tiles } = await appendLeaves(store, 0, new Uint8Array(300 * 32).fill(7));
    // Store all but the partial tile 0/1 (44 hashes).
    store.writeTiles(tiles.filter(({ tile }) => !(tile.level === 0 && tile.index === 1)));
    await assert.rejects(
      readNodeHashes(store, [{ level: 0, index: 299 }], 300),
      (error: unknown) =>
        error instanceof MissingDataError &&
        /tile 0\/1 has 0 hashes, want at least 44/.test(error.message),
    );
    // What the stored tiles hold is still served: the root of the first 256 leaves.
    const [subtree] = await readNodeHashes(store, [{ level: 8, index: 0 }], 300);
    assert.equal(subtree?.length, 32);
  });
});
