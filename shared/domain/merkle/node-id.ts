/**
 * Perfect subtrees by position. Node (level, index) is the root of the complete subtree over
 * leaves [index·2^level, (index+1)·2^level); these are the only hashes a log ever stores.
 */
import { shiftRight, trailingZeros } from "./tree-math.ts";

export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** Number of leaves under any node of `level`. */
export function leavesUnder(level: number): number {
  return 2 ** level;
}

/**
 * The perfect subtrees that tile the leaf range [begin, end), left to right, each as large as
 * alignment allows. For a range that starts on a multiple of a power of two at least as large as
 * the range (the right edge of a tree), they come largest first, and folding their hashes from
 * the right gives the range's RFC 9162 hash.
 */
export function rangeNodes(begin: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let at = begin;
  while (at < end) {
    let level = at === 0 ? 53 : trailingZeros(at);
    while (leavesUnder(level) > end - at) level--;
    nodes.push({ level, index: shiftRight(at, level) });
    at += leavesUnder(level);
  }
  return nodes;
}
