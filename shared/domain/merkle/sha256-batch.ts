/**
 * Batched SHA-256 for building RFC 9162 Merkle trees a whole level at a time.
 *
 * The hashing runs in a WebAssembly SIMD kernel (source: wasm/sha256-batch.ts, embedded
 * as base64 in ./sha256-batch.wasm.ts by `npm run build:wasm`) that hashes 8 messages per
 * step as two interleaved streams of i32x4 lanes. Input streams through the kernel's fixed
 * 256 KiB buffers, so memory stays small for any count. See bench/README.md for why this kernel.
 *
 * Requires WebAssembly SIMD (Node >= 16.4, all current browsers).
 */
import { fromBase64 } from "../bytes.ts";
import { SHA256_BATCH_WASM_BASE64 } from "./sha256-batch.wasm.ts";

// shared/domain compiles without DOM typings, so the few WebAssembly APIs used are declared
// here; at run time these names are the platform's globals.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, never>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
  }
}

interface Kernel {
  readonly memory: WebAssembly.Memory;
  readonly input: number;
  readonly output: number;
  /** Bytes in each of the input and output buffers. */
  readonly bufferSize: number;
  readonly hashLeaves: (count: number) => void;
  readonly hashPairs: (count: number) => void;
}

let kernel: Kernel | undefined;

function getKernel(): Kernel {
  kernel ??= instantiateKernel();
  return kernel;
}

function instantiateKernel(): Kernel {
  const module = new WebAssembly.Module(fromBase64(SHA256_BATCH_WASM_BASE64));
  const exports = new WebAssembly.Instance(module, {}).exports;
  const memory = exports.memory;
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new Error("sha256-batch kernel: missing memory export");
  }
  return {
    memory,
    input: callNumber(exports, "inputPointer"),
    output: callNumber(exports, "outputPointer"),
    bufferSize: callNumber(exports, "bufferSize"),
    // Two interleaved 4-lane streams: fastest for pairs in bench/sha256-kernels.ts (4-10%
    // over one stream), no different for leaves. Tails of < 8 go 4-lane, then scalar.
    hashLeaves: exportedFunction(exports, "hashLeavesX8"),
    hashPairs: exportedFunction(exports, "hashPairsX8"),
  };
}

function exportedFunction(exports: Record<string, unknown>, name: string): (n: number) => void {
  const fn = exports[name];
  if (typeof fn !== "function") throw new Error(`sha256-batch kernel: missing export ${name}`);
  return (n) => {
    fn(n);
  };
}

function callNumber(exports: Record<string, unknown>, name: string): number {
  const fn = exports[name];
  const value: unknown = typeof fn === "function" ? fn() : undefined;
  if (typeof value !== "number") throw new Error(`sha256-batch kernel: missing export ${name}`);
  return value;
}

/** Current view of the kernel's memory (re-read each call in case the buffer changed). */
function memoryBytes(k: Kernel): Uint8Array {
  return new Uint8Array(k.memory.buffer);
}

/**
 * out[i] = SHA-256(0x00 || leafData[i]) for 32-byte leaf data laid end to end (RFC 9162 leaf
 * hash). Requires leafData.length === out.length, a multiple of 32. `out` may be `leafData`.
 */
export function hashLeaves32(leafData: Uint8Array, out: Uint8Array): void {
  if (leafData.length % 32 !== 0) {
    throw new RangeError(
      `hashLeaves32: leafData.length must be a multiple of 32, got ${leafData.length}`,
    );
  }
  if (out.length !== leafData.length) {
    throw new RangeError(
      `hashLeaves32: out.length must equal leafData.length (${leafData.length}), got ${out.length}`,
    );
  }
  if (leafData.length === 0) return;
  const k = getKernel();
  const mem = memoryBytes(k);
  for (let start = 0; start < leafData.length; start += k.bufferSize) {
    const end = Math.min(start + k.bufferSize, leafData.length);
    mem.set(leafData.subarray(start, end), k.input);
    k.hashLeaves((end - start) / 32);
    out.set(mem.subarray(k.output, k.output + (end - start)), start);
  }
}

/**
 * out[i] = SHA-256(0x01 || children[2i] || children[2i+1]) for 32-byte hashes laid end to end
 * (RFC 9162 interior node). Requires children.length === 2 * out.length, out.length a multiple
 * of 32. `out` may be children.subarray(0, children.length / 2) (in-place level reduction):
 * each chunk is copied into the kernel before any of its output is written, and output never
 * overtakes input.
 */
export function hashPairs(children: Uint8Array, out: Uint8Array): void {
  if (out.length % 32 !== 0) {
    throw new RangeError(`hashPairs: out.length must be a multiple of 32, got ${out.length}`);
  }
  if (children.length !== 2 * out.length) {
    throw new RangeError(
      `hashPairs: children.length must be 2 * out.length (${2 * out.length}), got ${children.length}`,
    );
  }
  if (out.length === 0) return;
  const k = getKernel();
  const mem = memoryBytes(k);
  for (let start = 0; start < children.length; start += k.bufferSize) {
    const end = Math.min(start + k.bufferSize, children.length);
    mem.set(children.subarray(start, end), k.input);
    k.hashPairs((end - start) / 64);
    out.set(mem.subarray(k.output, k.output + (end - start) / 2), start / 2);
  }
}
