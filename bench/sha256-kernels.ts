/**
 * Compares SHA-256 kernels for interior-node hashing (SHA-256(0x01 || left || right)) over one
 * level of 2^20 leaf hashes (2^19 hashes per pass), against openssl's 64-byte hash rate.
 * Candidates: (a) node `crypto.hash` per node into a preallocated Buffer, (b) hash-wasm per
 * node, (c) the scalar WASM kernel, (d) the 4-lane SIMD kernel, (e) two interleaved 4-lane
 * streams (8 lanes); plus the shipped `hashPairs` and a whole 2^20-leaf tree build with
 * `hashLeaves32` + `hashPairs`. About 15 s in all.
 *
 *   node --import tsx bench/sha256-kernels.ts
 */
import { hash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { createSHA256 } from "hash-wasm";
import { hashLeaves32, hashPairs } from "../shared/domain/merkle/sha256-batch.ts";
import { SHA256_BATCH_WASM_BASE64 } from "../shared/domain/merkle/sha256-batch.wasm.ts";
import { opensslSha256Per64B } from "./openssl-speed.ts";

const LEAVES = 2 ** 20;
const PAIRS = LEAVES / 2;
/** Each candidate runs whole passes until this many seconds have gone (at least 2 passes). */
const SECONDS_PER_CANDIDATE = 1.5;
const MAX_PASSES = 8;

// tsconfig has no DOM lib; declare the WebAssembly globals this file uses.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, never>);
    readonly exports: Record<string, unknown>;
  }
}

type KernelExports = Record<string, (n?: number) => number> & {
  readonly memory: { readonly buffer: ArrayBuffer };
};

type LevelHasher = (children: Uint8Array, out: Uint8Array) => void;

/** (a) One `crypto.hash` call per node on a reused 65-byte Buffer. */
function nodeCryptoHash(): LevelHasher {
  const message = Buffer.alloc(65);
  message[0] = 1;
  return (children, out) => {
    for (let i = 0, n = out.length / 32; i < n; i++) {
      message.set(children.subarray(64 * i, 64 * i + 64), 1);
      out.set(hash("sha256", message, "buffer"), 32 * i);
    }
  };
}

/** (b) hash-wasm: one reused hasher, init/update/digest per node. */
async function hashWasm(): Promise<LevelHasher> {
  const hasher = await createSHA256();
  const message = new Uint8Array(65);
  message[0] = 1;
  return (children, out) => {
    for (let i = 0, n = out.length / 32; i < n; i++) {
      message.set(children.subarray(64 * i, 64 * i + 64), 1);
      hasher.init();
      hasher.update(message);
      out.set(hasher.digest("binary"), 32 * i);
    }
  };
}

/** (c)-(e) One export of the kernel, driven through its buffers like sha256-batch.ts does. */
function kernelExport(name: string): LevelHasher {
  const module = new WebAssembly.Module(Buffer.from(SHA256_BATCH_WASM_BASE64, "base64"));
  const exports = new WebAssembly.Instance(module, {}).exports as KernelExports;
  const fn = exports[name];
  if (fn === undefined) throw new Error(`kernel has no export ${name}`);
  const input = exports.inputPointer?.() ?? 0;
  const output = exports.outputPointer?.() ?? 0;
  const size = exports.bufferSize?.() ?? 0;
  return (children, out) => {
    const mem = new Uint8Array(exports.memory.buffer);
    for (let start = 0; start < children.length; start += size) {
      const end = Math.min(start + size, children.length);
      mem.set(children.subarray(start, end), input);
      fn((end - start) / 64);
      out.set(mem.subarray(output, output + (end - start) / 2), start / 2);
    }
  };
}

/** Best rate (hashes/s) of whole passes of `run`, each hashing `count` messages. */
function bestRate(count: number, run: () => void): number {
  let best = 0;
  const began = performance.now();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const t0 = performance.now();
    run();
    const t1 = performance.now();
    best = Math.max(best, count / ((t1 - t0) / 1000));
    if (pass >= 1 && (t1 - began) / 1000 >= SECONDS_PER_CANDIDATE) break;
  }
  return best;
}

/** Deterministic pseudo-random level of leaf hashes. */
function makeLevel(): Uint8Array {
  const level = new Uint8Array(LEAVES * 32);
  const view = new Uint32Array(level.buffer);
  let x = 0x9e3779b9;
  for (let i = 0; i < view.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    view[i] = x >>> 0;
  }
  return level;
}

/** Whole tree of 2^20 leaves: leaf hashes, then each level reduced in place. */
function buildTree(leafData: Uint8Array, scratch: Uint8Array): void {
  hashLeaves32(leafData, scratch);
  for (let width = LEAVES; width > 1; width /= 2) {
    hashPairs(scratch.subarray(0, width * 32), scratch.subarray(0, width * 16));
  }
}

/**
 * Hashes per second for each candidate (interior nodes over a 2^20-leaf level), for the
 * shipped functions, for a whole 2^20-leaf tree (all 2^21 - 1 hashes), and openssl's
 * 64-byte rate under "openssl".
 */
export async function measureKernels(): Promise<Record<string, number>> {
  const level = makeLevel();
  const out = new Uint8Array(PAIRS * 32);
  const candidates: [string, LevelHasher][] = [
    ["(a) node crypto.hash", nodeCryptoHash()],
    ["(b) hash-wasm", await hashWasm()],
    ["(c) wasm scalar", kernelExport("hashPairsScalar")],
    ["(d) wasm simd 4-lane", kernelExport("hashPairsX4")],
    ["(e) wasm simd 8-lane (2x4)", kernelExport("hashPairsX8")],
    ["shipped hashPairs", hashPairs],
  ];
  const results: Record<string, number> = {};
  for (const [name, run] of candidates) {
    run(level.subarray(0, 4096 * 64), out.subarray(0, 4096 * 32)); // warm up / tier up
    results[name] = bestRate(PAIRS, () => run(level, out));
  }
  const scratch = new Uint8Array(LEAVES * 32);
  results["tree 2^20 leaves (shipped)"] = bestRate(2 * LEAVES - 1, () => buildTree(level, scratch));
  results.openssl = await opensslSha256Per64B(2);
  return results;
}

function formatTable(results: Record<string, number>): string {
  const openssl = results.openssl ?? Number.NaN;
  const rows = Object.entries(results).map(([name, rate]) => [
    name,
    (rate / 1e6).toFixed(3),
    (rate / openssl).toFixed(3),
  ]);
  const header = ["candidate", "M hashes/s", "ratio to openssl"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? `-${"-".repeat(w)}-` : `-${"-".repeat(w)}:`)).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rssBefore = process.memoryUsage().rss;
  const results = await measureKernels();
  console.log(formatTable(results));
  console.log(`\nRSS grew ${((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(0)} MiB`);
}
