/**
 * Integer helpers for tree sizes and indices up to 2^53. JavaScript's bitwise operators are
 * 32-bit, so everything here is plain arithmetic on safe integers.
 */
import { InvalidArgumentError } from "../errors.ts";

/** Throws InvalidArgumentError unless `value` is a safe non-negative integer. */
export function requireCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`${name} must be a non-negative safe integer, got ${value}`, {
      [name]: value,
    });
  }
}

/** floor(value / 2^bits). */
export function shiftRight(value: number, bits: number): number {
  return Math.floor(value / 2 ** bits);
}

/** Number of bits needed to write `value` (0 for 0). */
export function bitLength(value: number): number {
  let bits = 0;
  for (let rest = value; rest > 0; rest = Math.floor(rest / 2)) bits++;
  return bits;
}

/** Number of set bits of `value`. */
export function popCount(value: number): number {
  let count = 0;
  for (let rest = value; rest > 0; rest = Math.floor(rest / 2)) count += rest % 2;
  return count;
}

/** Number of trailing zero bits of `value` (requires value > 0). */
export function trailingZeros(value: number): number {
  let zeros = 0;
  for (let rest = value; rest % 2 === 0; rest /= 2) zeros++;
  return zeros;
}

/** a XOR b for safe integers (split into high and low 32-bit halves). */
export function xor(a: number, b: number): number {
  const high = (Math.floor(a / 2 ** 32) ^ Math.floor(b / 2 ** 32)) >>> 0;
  const low = ((a % 2 ** 32) ^ (b % 2 ** 32)) >>> 0;
  return high * 2 ** 32 + low;
}
