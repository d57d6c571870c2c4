/**
 * One tree build in a fresh process, so its peak RSS is its own: 2^k leaf hashes are appended
 * to an empty tile store in one integrate step. Prints one JSON line.
 * Usage: node --import tsx bench/merkle-build.ts [log2Leaves=20]
 */
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { MemoryTileStore } from "../shared/adapters/memory/memory-tile-store.ts";
import { appendLeaves } from "../shared/domain/merkle/append-leaves.ts";

const log2Leaves = Number(process.argv[2] ?? 20);
const leafCount = 2 ** log2Leaves;

// Deterministic leaf hashes: a counter-mode stream of SHA-256 output.
const leafHashes = new Uint8Array(leafCount * 32);
for (let i = 0; i < leafCount; i += 1024) {
  const block = createHash("sha256").update(`leaves ${i}`).digest();
  for (let j = 0; j < 1024 * 32; j += 32) leafHashes.set(block, i * 32 + j);
  leafHashes[i * 32] = i % 256;
}

const mb = (bytes: number) => bytes / 2 ** 20;
const baselineRssMb = mb(process.memoryUsage().rss);
const store = new MemoryTileStore();
const started = performance.now();
const result = await appendLeaves(store, 0, leafHashes);
const seconds = (performance.now() - started) / 1000;
store.writeTiles(result.tiles);
// maxRSS is in KiB: the high-water mark of this whole process.
const peakRssMb = process.resourceUsage().maxRSS / 1024;

process.stdout.write(
  `${JSON.stringify({
    leafCount,
    internalHashes: leafCount - 1,
    seconds,
    tilesWritten: result.tiles.length,
    rootHex: Buffer.from(result.rootHash).toString("hex"),
    baselineRssMb,
    peakRssMb,
  })}\n`,
);
