// SHA-256 batch kernel for RFC 9162 Merkle trees, in AssemblyScript.
//
// Compiled by `npm run build:wasm` (scripts/build-wasm.ts) into
// shared/domain/merkle/sha256-batch.wasm.ts; shared/domain/merkle/sha256-batch.ts drives it.
//
// The host copies a chunk of input into the INPUT buffer, calls one of the exported
// hash functions with the number of messages, and copies the digests out of OUTPUT.
//   leaves: message i = 0x00 || INPUT[32i .. 32i+32)   -> OUTPUT[32i .. 32i+32)
//   pairs:  message i = 0x01 || INPUT[64i .. 64i+64)   -> OUTPUT[32i .. 32i+32)
// A leaf message is 33 bytes (one 64-byte block after padding); a pair message is 65 bytes
// (two blocks, the second holding only the last input byte, 0x80 and the bit length).
//
// The SIMD kernels hash 4 or 8 messages at once: in an i32x4 vector, lane k holds the
// same 32-bit word of message k ("transposed" layout). Every SHA-256 step is then the
// plain lane-wise operation; rotations are shr_u | shl. Messages are loaded 16 bytes at a
// time, byte-swapped to big-endian words and transposed 4x4 with shuffles. The domain
// prefix byte is handled by loading from one byte before each message (INPUT has a byte of
// slack before it) and overwriting the top byte of word 0.
//
// The "x8" kernels run two independent 4-lane streams interleaved in one round loop, which
// gives the CPU two dependency chains to overlap.

/** Size of each of the INPUT and OUTPUT buffers. 4096 pairs or 8192 leaves per call. */
const BUFFER_SIZE: i32 = 1 << 18;

// INPUT starts 16 bytes into its reservation so that INPUT - 1 is readable.
const INPUT: usize = memory.data(BUFFER_SIZE + 32, 64) + 16;
const OUTPUT: usize = memory.data(BUFFER_SIZE, 64);
/** Message schedules: 64 words, as u32 (scalar) or as v128 (SIMD); two for the x8 kernels. */
const SCHEDULE: usize = memory.data(2 * 64 * 16, 64);
/** Chaining state between the two blocks of a pair message: 8 words x 2 streams. */
const STATE: usize = memory.data(2 * 8 * 16, 64);

// FIPS 180-4 round constants.
const K: usize = memory.data<u32>(
  [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ],
  64,
);
/** The round constants splatted to all four lanes, filled in at instantiation. */
const K4: usize = memory.data(64 * 16, 64);
for (let i: usize = 0; i < 64; i++) {
  v128.store(K4 + (i << 4), i32x4.splat(load<u32>(K + (i << 2))));
}

// Initial hash value H(0).
const H0: u32 = 0x6a09e667;
const H1: u32 = 0xbb67ae85;
const H2: u32 = 0x3c6ef372;
const H3: u32 = 0xa54ff53a;
const H4: u32 = 0x510e527f;
const H5: u32 = 0x9b05688c;
const H6: u32 = 0x1f83d9ab;
const H7: u32 = 0x5be0cd19;

/** Bit length of a leaf message (33 bytes) and of a pair message (65 bytes). */
const LEAF_BITS: u32 = 33 * 8;
const PAIR_BITS: u32 = 65 * 8;

export function inputPointer(): usize {
  return INPUT;
}

export function outputPointer(): usize {
  return OUTPUT;
}

export function bufferSize(): i32 {
  return BUFFER_SIZE;
}

// ---------------------------------------------------------------------------------------
// Scalar kernel: one message at a time.

@inline function bigSigma0(x: u32): u32 {
  return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22);
}

@inline function bigSigma1(x: u32): u32 {
  return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25);
}

@inline function smallSigma0(x: u32): u32 {
  return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3);
}

@inline function smallSigma1(x: u32): u32 {
  return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10);
}

@inline function ch(e: u32, f: u32, g: u32): u32 {
  return g ^ (e & (f ^ g));
}

/** Expands the message schedule at `w` (words 0..15 filled in) to 64 words. */
function expand1(w: usize): void {
  for (let p = w; p < w + 192; p += 4) {
    const x = smallSigma1(load<u32>(p, 56)) + load<u32>(p, 36);
    store<u32>(p, x + smallSigma0(load<u32>(p, 4)) + load<u32>(p, 0), 64);
  }
}

/**
 * One compression of the state at `s` (8 words) with the schedule at `w` (16 words,
 * expanded here). Rounds are unrolled by 8 with the variables renamed instead of shifted;
 * `bc` carries b ^ c of the next round for Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)).
 */
function compress1(s: usize, w: usize): void {
  expand1(w);
  let a = load<u32>(s, 0);
  let b = load<u32>(s, 4);
  let c = load<u32>(s, 8);
  let d = load<u32>(s, 12);
  let e = load<u32>(s, 16);
  let f = load<u32>(s, 20);
  let g = load<u32>(s, 24);
  let h = load<u32>(s, 28);
  let bc = b ^ c;
  let ab: u32 = 0;
  let t: u32 = 0;
  for (let i: usize = 0; i < 256; i += 32) {
    const wi = w + i;
    const ki = K + i;
    t = h + bigSigma1(e) + ch(e, f, g) + load<u32>(wi, 0) + load<u32>(ki, 0);
    d += t;
    ab = a ^ b;
    h = t + bigSigma0(a) + (b ^ (ab & bc));
    t = g + bigSigma1(d) + ch(d, e, f) + load<u32>(wi, 4) + load<u32>(ki, 4);
    c += t;
    bc = h ^ a;
    g = t + bigSigma0(h) + (a ^ (bc & ab));
    t = f + bigSigma1(c) + ch(c, d, e) + load<u32>(wi, 8) + load<u32>(ki, 8);
    b += t;
    ab = g ^ h;
    f = t + bigSigma0(g) + (h ^ (ab & bc));
    t = e + bigSigma1(b) + ch(b, c, d) + load<u32>(wi, 12) + load<u32>(ki, 12);
    a += t;
    bc = f ^ g;
    e = t + bigSigma0(f) + (g ^ (bc & ab));
    t = d + bigSigma1(a) + ch(a, b, c) + load<u32>(wi, 16) + load<u32>(ki, 16);
    h += t;
    ab = e ^ f;
    d = t + bigSigma0(e) + (f ^ (ab & bc));
    t = c + bigSigma1(h) + ch(h, a, b) + load<u32>(wi, 20) + load<u32>(ki, 20);
    g += t;
    bc = d ^ e;
    c = t + bigSigma0(d) + (e ^ (bc & ab));
    t = b + bigSigma1(g) + ch(g, h, a) + load<u32>(wi, 24) + load<u32>(ki, 24);
    f += t;
    ab = c ^ d;
    b = t + bigSigma0(c) + (d ^ (ab & bc));
    t = a + bigSigma1(f) + ch(f, g, h) + load<u32>(wi, 28) + load<u32>(ki, 28);
    e += t;
    bc = b ^ c;
    a = t + bigSigma0(b) + (c ^ (bc & ab));
  }
  store<u32>(s, load<u32>(s, 0) + a, 0);
  store<u32>(s, load<u32>(s, 4) + b, 4);
  store<u32>(s, load<u32>(s, 8) + c, 8);
  store<u32>(s, load<u32>(s, 12) + d, 12);
  store<u32>(s, load<u32>(s, 16) + e, 16);
  store<u32>(s, load<u32>(s, 20) + f, 20);
  store<u32>(s, load<u32>(s, 24) + g, 24);
  store<u32>(s, load<u32>(s, 28) + h, 28);
}

@inline function initState1(s: usize): void {
  store<u32>(s, H0, 0);
  store<u32>(s, H1, 4);
  store<u32>(s, H2, 8);
  store<u32>(s, H3, 12);
  store<u32>(s, H4, 16);
  store<u32>(s, H5, 20);
  store<u32>(s, H6, 24);
  store<u32>(s, H7, 28);
}

@inline function storeDigest1(dst: usize, s: usize): void {
  for (let i: usize = 0; i < 32; i += 4) {
    store<u32>(dst + i, bswap<u32>(load<u32>(s + i)));
  }
}

/** dst = SHA-256(0x00 || src[0..32)). */
function leaf1(src: usize, dst: usize): void {
  const w = SCHEDULE;
  // Word j is big-endian bytes src[4j-1 .. 4j+3); byte src[-1] is replaced by the prefix.
  for (let j: usize = 0; j < 8; j++) {
    store<u32>(w + (j << 2), bswap<u32>(load<u32>(src + (j << 2) - 1)));
  }
  store<u32>(w, load<u32>(w) & 0x00ffffff);
  store<u32>(w, (load<u32>(src, 28) & 0xff000000) | 0x00800000, 32);
  memory.fill(w + 36, 0, 24);
  store<u32>(w, LEAF_BITS, 60);
  initState1(STATE);
  compress1(STATE, w);
  storeDigest1(dst, STATE);
}

/** dst = SHA-256(0x01 || src[0..64)). */
function pair1(src: usize, dst: usize): void {
  const w = SCHEDULE;
  for (let j: usize = 0; j < 16; j++) {
    store<u32>(w + (j << 2), bswap<u32>(load<u32>(src + (j << 2) - 1)));
  }
  store<u32>(w, (load<u32>(w) & 0x00ffffff) | 0x01000000);
  initState1(STATE);
  compress1(STATE, w);
  store<u32>(w, (load<u32>(src, 60) & 0xff000000) | 0x00800000);
  memory.fill(w + 4, 0, 56);
  store<u32>(w, PAIR_BITS, 60);
  compress1(STATE, w);
  storeDigest1(dst, STATE);
}

export function hashLeavesScalar(n: i32): void {
  for (let i: usize = 0; i < <usize>n; i++) {
    leaf1(INPUT + (i << 5), OUTPUT + (i << 5));
  }
}

export function hashPairsScalar(n: i32): void {
  for (let i: usize = 0; i < <usize>n; i++) {
    pair1(INPUT + (i << 6), OUTPUT + (i << 5));
  }
}

// ---------------------------------------------------------------------------------------
// SIMD kernels: four messages per i32x4 vector.

@inline function rotr4(x: v128, n: i32): v128 {
  return v128.or(i32x4.shr_u(x, n), i32x4.shl(x, 32 - n));
}

@inline function bigSigma0x4(x: v128): v128 {
  return v128.xor(v128.xor(rotr4(x, 2), rotr4(x, 13)), rotr4(x, 22));
}

@inline function bigSigma1x4(x: v128): v128 {
  return v128.xor(v128.xor(rotr4(x, 6), rotr4(x, 11)), rotr4(x, 25));
}

@inline function smallSigma0x4(x: v128): v128 {
  return v128.xor(v128.xor(rotr4(x, 7), rotr4(x, 18)), i32x4.shr_u(x, 3));
}

@inline function smallSigma1x4(x: v128): v128 {
  return v128.xor(v128.xor(rotr4(x, 17), rotr4(x, 19)), i32x4.shr_u(x, 10));
}

@inline function chx4(e: v128, f: v128, g: v128): v128 {
  return v128.bitselect(f, g, e);
}

@inline function add3(x: v128, y: v128, z: v128): v128 {
  return i32x4.add(i32x4.add(x, y), z);
}

/** Reverses the bytes of each 32-bit lane. */
@inline function bswap4(x: v128): v128 {
  return i8x16.shuffle(x, x, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
}

/**
 * Transposes the 4x4 matrix of 32-bit words whose rows are r0..r3 and stores the rows of
 * the result at dst, dst + stride, dst + 2 stride, dst + 3 stride.
 */
@inline function transposeStore(
  dst: usize,
  stride: usize,
  r0: v128,
  r1: v128,
  r2: v128,
  r3: v128,
): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i64x2.shuffle(t0, t2, 0, 2));
  v128.store(dst + stride, i64x2.shuffle(t0, t2, 1, 3));
  v128.store(dst + 2 * stride, i64x2.shuffle(t1, t3, 0, 2));
  v128.store(dst + 3 * stride, i64x2.shuffle(t1, t3, 1, 3));
}

/**
 * Loads 16 words of each of 4 messages (at src + k * stride, k = 0..3; word j at byte
 * offset 4j), byte-swapped and transposed, into `count` (4, 8 or 16) schedule vectors at w.
 */
@inline function loadWords4(w: usize, src: usize, stride: usize, count: usize): void {
  for (let j: usize = 0; j < count; j += 4) {
    const p = src + (j << 2);
    transposeStore(
      w + (j << 4),
      16,
      bswap4(v128.load(p)),
      bswap4(v128.load(p + stride)),
      bswap4(v128.load(p + 2 * stride)),
      bswap4(v128.load(p + 3 * stride)),
    );
  }
}

/** Lane k = the little-endian u32 at src + k * stride. */
@inline function gather4(src: usize, stride: usize): v128 {
  let v = v128.load32_zero(src);
  v = v128.load32_lane(src + stride, v, 1);
  v = v128.load32_lane(src + 2 * stride, v, 2);
  return v128.load32_lane(src + 3 * stride, v, 3);
}

@inline function initState4(s: usize): void {
  v128.store(s, i32x4.splat(H0), 0);
  v128.store(s, i32x4.splat(H1), 16);
  v128.store(s, i32x4.splat(H2), 32);
  v128.store(s, i32x4.splat(H3), 48);
  v128.store(s, i32x4.splat(H4), 64);
  v128.store(s, i32x4.splat(H5), 80);
  v128.store(s, i32x4.splat(H6), 96);
  v128.store(s, i32x4.splat(H7), 112);
}

/** Stores the digests of the 4 messages in state s at dst + 32k. */
@inline function storeDigests4(dst: usize, s: usize): void {
  transposeStore(
    dst,
    32,
    bswap4(v128.load(s, 0)),
    bswap4(v128.load(s, 16)),
    bswap4(v128.load(s, 32)),
    bswap4(v128.load(s, 48)),
  );
  transposeStore(
    dst + 16,
    32,
    bswap4(v128.load(s, 64)),
    bswap4(v128.load(s, 80)),
    bswap4(v128.load(s, 96)),
    bswap4(v128.load(s, 112)),
  );
}

/** Block 2 of 4 pair messages: word 0 = last input byte, 0x80; word 15 = bit length. */
@inline function pairTail4(w: usize, src: usize): void {
  v128.store(
    w,
    v128.or(
      v128.and(gather4(src + 60, 64), i32x4.splat(0xff000000)),
      i32x4.splat(0x00800000),
    ),
  );
  memory.fill(w + 16, 0, 14 * 16);
  v128.store(w, i32x4.splat(PAIR_BITS), 15 * 16);
}

/** Block of 4 leaf messages (src stride 32). */
@inline function leafBlock4(w: usize, src: usize): void {
  loadWords4(w, src - 1, 32, 8);
  v128.store(w, v128.and(v128.load(w), i32x4.splat(0x00ffffff)));
  v128.store(
    w,
    v128.or(
      v128.and(gather4(src + 28, 32), i32x4.splat(0xff000000)),
      i32x4.splat(0x00800000),
    ),
    8 * 16,
  );
  memory.fill(w + 9 * 16, 0, 6 * 16);
  v128.store(w, i32x4.splat(LEAF_BITS), 15 * 16);
}

/** Block 1 of 4 pair messages (src stride 64). */
@inline function pairHead4(w: usize, src: usize): void {
  loadWords4(w, src - 1, 64, 16);
  v128.store(
    w,
    v128.or(v128.and(v128.load(w), i32x4.splat(0x00ffffff)), i32x4.splat(0x01000000)),
  );
}

function expand4(w: usize): void {
  for (let p = w; p < w + 768; p += 16) {
    const x = i32x4.add(smallSigma1x4(v128.load(p, 224)), v128.load(p, 144));
    const y = i32x4.add(smallSigma0x4(v128.load(p, 16)), v128.load(p, 0));
    v128.store(p, i32x4.add(x, y), 256);
  }
}

/** One compression of 4 messages: state at s (8 vectors), schedule at w (16 vectors). */
function compress4(s: usize, w: usize): void {
  expand4(w);
  let a = v128.load(s, 0);
  let b = v128.load(s, 16);
  let c = v128.load(s, 32);
  let d = v128.load(s, 48);
  let e = v128.load(s, 64);
  let f = v128.load(s, 80);
  let g = v128.load(s, 96);
  let h = v128.load(s, 112);
  let bc = v128.xor(b, c);
  let ab = bc;
  let t = bc;
  for (let i: usize = 0; i < 1024; i += 128) {
    const wi = w + i;
    const ki = K4 + i;
    t = add3(h, bigSigma1x4(e), add3(chx4(e, f, g), v128.load(wi, 0), v128.load(ki, 0)));
    d = i32x4.add(d, t);
    ab = v128.xor(a, b);
    h = add3(t, bigSigma0x4(a), v128.xor(b, v128.and(ab, bc)));
    t = add3(g, bigSigma1x4(d), add3(chx4(d, e, f), v128.load(wi, 16), v128.load(ki, 16)));
    c = i32x4.add(c, t);
    bc = v128.xor(h, a);
    g = add3(t, bigSigma0x4(h), v128.xor(a, v128.and(bc, ab)));
    t = add3(f, bigSigma1x4(c), add3(chx4(c, d, e), v128.load(wi, 32), v128.load(ki, 32)));
    b = i32x4.add(b, t);
    ab = v128.xor(g, h);
    f = add3(t, bigSigma0x4(g), v128.xor(h, v128.and(ab, bc)));
    t = add3(e, bigSigma1x4(b), add3(chx4(b, c, d), v128.load(wi, 48), v128.load(ki, 48)));
    a = i32x4.add(a, t);
    bc = v128.xor(f, g);
    e = add3(t, bigSigma0x4(f), v128.xor(g, v128.and(bc, ab)));
    t = add3(d, bigSigma1x4(a), add3(chx4(a, b, c), v128.load(wi, 64), v128.load(ki, 64)));
    h = i32x4.add(h, t);
    ab = v128.xor(e, f);
    d = add3(t, bigSigma0x4(e), v128.xor(f, v128.and(ab, bc)));
    t = add3(c, bigSigma1x4(h), add3(chx4(h, a, b), v128.load(wi, 80), v128.load(ki, 80)));
    g = i32x4.add(g, t);
    bc = v128.xor(d, e);
    c = add3(t, bigSigma0x4(d), v128.xor(e, v128.and(bc, ab)));
    t = add3(b, bigSigma1x4(g), add3(chx4(g, h, a), v128.load(wi, 96), v128.load(ki, 96)));
    f = i32x4.add(f, t);
    ab = v128.xor(c, d);
    b = add3(t, bigSigma0x4(c), v128.xor(d, v128.and(ab, bc)));
    t = add3(a, bigSigma1x4(f), add3(chx4(f, g, h), v128.load(wi, 112), v128.load(ki, 112)));
    e = i32x4.add(e, t);
    bc = v128.xor(b, c);
    a = add3(t, bigSigma0x4(b), v128.xor(c, v128.and(bc, ab)));
  }
  v128.store(s, i32x4.add(v128.load(s, 0), a), 0);
  v128.store(s, i32x4.add(v128.load(s, 16), b), 16);
  v128.store(s, i32x4.add(v128.load(s, 32), c), 32);
  v128.store(s, i32x4.add(v128.load(s, 48), d), 48);
  v128.store(s, i32x4.add(v128.load(s, 64), e), 64);
  v128.store(s, i32x4.add(v128.load(s, 80), f), 80);
  v128.store(s, i32x4.add(v128.load(s, 96), g), 96);
  v128.store(s, i32x4.add(v128.load(s, 112), h), 112);
}

function leaves4(src: usize, dst: usize): void {
  leafBlock4(SCHEDULE, src);
  initState4(STATE);
  compress4(STATE, SCHEDULE);
  storeDigests4(dst, STATE);
}

function pairs4(src: usize, dst: usize): void {
  pairHead4(SCHEDULE, src);
  initState4(STATE);
  compress4(STATE, SCHEDULE);
  pairTail4(SCHEDULE, src);
  compress4(STATE, SCHEDULE);
  storeDigests4(dst, STATE);
}

export function hashLeavesX4(n: i32): void {
  let i: usize = 0;
  for (; i + 4 <= <usize>n; i += 4) leaves4(INPUT + (i << 5), OUTPUT + (i << 5));
  for (; i < <usize>n; i++) leaf1(INPUT + (i << 5), OUTPUT + (i << 5));
}

export function hashPairsX4(n: i32): void {
  let i: usize = 0;
  for (; i + 4 <= <usize>n; i += 4) pairs4(INPUT + (i << 6), OUTPUT + (i << 5));
  for (; i < <usize>n; i++) pair1(INPUT + (i << 6), OUTPUT + (i << 5));
}

/**
 * One compression of 8 messages as two interleaved 4-lane streams: states at s and
 * s + 128, schedules at w and w + 1024. Same rounds as compress4, written out twice.
 */
function compress8(s: usize, w: usize): void {
  expand4(w);
  expand4(w + 1024);
  let a0 = v128.load(s, 0);
  let b0 = v128.load(s, 16);
  let c0 = v128.load(s, 32);
  let d0 = v128.load(s, 48);
  let e0 = v128.load(s, 64);
  let f0 = v128.load(s, 80);
  let g0 = v128.load(s, 96);
  let h0 = v128.load(s, 112);
  let bc0 = v128.xor(b0, c0);
  let ab0 = bc0;
  let t0 = bc0;
  let a1 = v128.load(s, 128);
  let b1 = v128.load(s, 144);
  let c1 = v128.load(s, 160);
  let d1 = v128.load(s, 176);
  let e1 = v128.load(s, 192);
  let f1 = v128.load(s, 208);
  let g1 = v128.load(s, 224);
  let h1 = v128.load(s, 240);
  let bc1 = v128.xor(b1, c1);
  let ab1 = bc1;
  let t1 = bc1;
  for (let i: usize = 0; i < 1024; i += 128) {
    const wi = w + i;
    const wj = wi + 1024;
    const ki = K4 + i;
    t0 = add3(h0, bigSigma1x4(e0), add3(chx4(e0, f0, g0), v128.load(wi, 0), v128.load(ki, 0)));
    t1 = add3(h1, bigSigma1x4(e1), add3(chx4(e1, f1, g1), v128.load(wj, 0), v128.load(ki, 0)));
    d0 = i32x4.add(d0, t0);
    d1 = i32x4.add(d1, t1);
    ab0 = v128.xor(a0, b0);
    ab1 = v128.xor(a1, b1);
    h0 = add3(t0, bigSigma0x4(a0), v128.xor(b0, v128.and(ab0, bc0)));
    h1 = add3(t1, bigSigma0x4(a1), v128.xor(b1, v128.and(ab1, bc1)));
    t0 = add3(g0, bigSigma1x4(d0), add3(chx4(d0, e0, f0), v128.load(wi, 16), v128.load(ki, 16)));
    t1 = add3(g1, bigSigma1x4(d1), add3(chx4(d1, e1, f1), v128.load(wj, 16), v128.load(ki, 16)));
    c0 = i32x4.add(c0, t0);
    c1 = i32x4.add(c1, t1);
    bc0 = v128.xor(h0, a0);
    bc1 = v128.xor(h1, a1);
    g0 = add3(t0, bigSigma0x4(h0), v128.xor(a0, v128.and(bc0, ab0)));
    g1 = add3(t1, bigSigma0x4(h1), v128.xor(a1, v128.and(bc1, ab1)));
    t0 = add3(f0, bigSigma1x4(c0), add3(chx4(c0, d0, e0), v128.load(wi, 32), v128.load(ki, 32)));
    t1 = add3(f1, bigSigma1x4(c1), add3(chx4(c1, d1, e1), v128.load(wj, 32), v128.load(ki, 32)));
    b0 = i32x4.add(b0, t0);
    b1 = i32x4.add(b1, t1);
    ab0 = v128.xor(g0, h0);
    ab1 = v128.xor(g1, h1);
    f0 = add3(t0, bigSigma0x4(g0), v128.xor(h0, v128.and(ab0, bc0)));
    f1 = add3(t1, bigSigma0x4(g1), v128.xor(h1, v128.and(ab1, bc1)));
    t0 = add3(e0, bigSigma1x4(b0), add3(chx4(b0, c0, d0), v128.load(wi, 48), v128.load(ki, 48)));
    t1 = add3(e1, bigSigma1x4(b1), add3(chx4(b1, c1, d1), v128.load(wj, 48), v128.load(ki, 48)));
    a0 = i32x4.add(a0, t0);
    a1 = i32x4.add(a1, t1);
    bc0 = v128.xor(f0, g0);
    bc1 = v128.xor(f1, g1);
    e0 = add3(t0, bigSigma0x4(f0), v128.xor(g0, v128.and(bc0, ab0)));
    e1 = add3(t1, bigSigma0x4(f1), v128.xor(g1, v128.and(bc1, ab1)));
    t0 = add3(d0, bigSigma1x4(a0), add3(chx4(a0, b0, c0), v128.load(wi, 64), v128.load(ki, 64)));
    t1 = add3(d1, bigSigma1x4(a1), add3(chx4(a1, b1, c1), v128.load(wj, 64), v128.load(ki, 64)));
    h0 = i32x4.add(h0, t0);
    h1 = i32x4.add(h1, t1);
    ab0 = v128.xor(e0, f0);
    ab1 = v128.xor(e1, f1);
    d0 = add3(t0, bigSigma0x4(e0), v128.xor(f0, v128.and(ab0, bc0)));
    d1 = add3(t1, bigSigma0x4(e1), v128.xor(f1, v128.and(ab1, bc1)));
    t0 = add3(c0, bigSigma1x4(h0), add3(chx4(h0, a0, b0), v128.load(wi, 80), v128.load(ki, 80)));
    t1 = add3(c1, bigSigma1x4(h1), add3(chx4(h1, a1, b1), v128.load(wj, 80), v128.load(ki, 80)));
    g0 = i32x4.add(g0, t0);
    g1 = i32x4.add(g1, t1);
    bc0 = v128.xor(d0, e0);
    bc1 = v128.xor(d1, e1);
    c0 = add3(t0, bigSigma0x4(d0), v128.xor(e0, v128.and(bc0, ab0)));
    c1 = add3(t1, bigSigma0x4(d1), v128.xor(e1, v128.and(bc1, ab1)));
    t0 = add3(b0, bigSigma1x4(g0), add3(chx4(g0, h0, a0), v128.load(wi, 96), v128.load(ki, 96)));
    t1 = add3(b1, bigSigma1x4(g1), add3(chx4(g1, h1, a1), v128.load(wj, 96), v128.load(ki, 96)));
    f0 = i32x4.add(f0, t0);
    f1 = i32x4.add(f1, t1);
    ab0 = v128.xor(c0, d0);
    ab1 = v128.xor(c1, d1);
    b0 = add3(t0, bigSigma0x4(c0), v128.xor(d0, v128.and(ab0, bc0)));
    b1 = add3(t1, bigSigma0x4(c1), v128.xor(d1, v128.and(ab1, bc1)));
    t0 = add3(a0, bigSigma1x4(f0), add3(chx4(f0, g0, h0), v128.load(wi, 112), v128.load(ki, 112)));
    t1 = add3(a1, bigSigma1x4(f1), add3(chx4(f1, g1, h1), v128.load(wj, 112), v128.load(ki, 112)));
    e0 = i32x4.add(e0, t0);
    e1 = i32x4.add(e1, t1);
    bc0 = v128.xor(b0, c0);
    bc1 = v128.xor(b1, c1);
    a0 = add3(t0, bigSigma0x4(b0), v128.xor(c0, v128.and(bc0, ab0)));
    a1 = add3(t1, bigSigma0x4(b1), v128.xor(c1, v128.and(bc1, ab1)));
  }
  v128.store(s, i32x4.add(v128.load(s, 0), a0), 0);
  v128.store(s, i32x4.add(v128.load(s, 16), b0), 16);
  v128.store(s, i32x4.add(v128.load(s, 32), c0), 32);
  v128.store(s, i32x4.add(v128.load(s, 48), d0), 48);
  v128.store(s, i32x4.add(v128.load(s, 64), e0), 64);
  v128.store(s, i32x4.add(v128.load(s, 80), f0), 80);
  v128.store(s, i32x4.add(v128.load(s, 96), g0), 96);
  v128.store(s, i32x4.add(v128.load(s, 112), h0), 112);
  v128.store(s, i32x4.add(v128.load(s, 128), a1), 128);
  v128.store(s, i32x4.add(v128.load(s, 144), b1), 144);
  v128.store(s, i32x4.add(v128.load(s, 160), c1), 160);
  v128.store(s, i32x4.add(v128.load(s, 176), d1), 176);
  v128.store(s, i32x4.add(v128.load(s, 192), e1), 192);
  v128.store(s, i32x4.add(v128.load(s, 208), f1), 208);
  v128.store(s, i32x4.add(v128.load(s, 224), g1), 224);
  v128.store(s, i32x4.add(v128.load(s, 240), h1), 240);
}

function leaves8(src: usize, dst: usize): void {
  leafBlock4(SCHEDULE, src);
  leafBlock4(SCHEDULE + 1024, src + 128);
  initState4(STATE);
  initState4(STATE + 128);
  compress8(STATE, SCHEDULE);
  storeDigests4(dst, STATE);
  storeDigests4(dst + 128, STATE + 128);
}

function pairs8(src: usize, dst: usize): void {
  pairHead4(SCHEDULE, src);
  pairHead4(SCHEDULE + 1024, src + 256);
  initState4(STATE);
  initState4(STATE + 128);
  compress8(STATE, SCHEDULE);
  pairTail4(SCHEDULE, src);
  pairTail4(SCHEDULE + 1024, src + 256);
  compress8(STATE, SCHEDULE);
  storeDigests4(dst, STATE);
  storeDigests4(dst + 128, STATE + 128);
}

export function hashLeavesX8(n: i32): void {
  let i: usize = 0;
  for (; i + 8 <= <usize>n; i += 8) leaves8(INPUT + (i << 5), OUTPUT + (i << 5));
  for (; i + 4 <= <usize>n; i += 4) leaves4(INPUT + (i << 5), OUTPUT + (i << 5));
  for (; i < <usize>n; i++) leaf1(INPUT + (i << 5), OUTPUT + (i << 5));
}

export function hashPairsX8(n: i32): void {
  let i: usize = 0;
  for (; i + 8 <= <usize>n; i += 8) pairs8(INPUT + (i << 6), OUTPUT + (i << 5));
  for (; i + 4 <= <usize>n; i += 4) pairs4(INPUT + (i << 6), OUTPUT + (i << 5));
  for (; i < <usize>n; i++) pair1(INPUT + (i << 6), OUTPUT + (i << 5));
}
