/** RFC 9162 §2.1.4.2: checking that a tree of size2 extends the tree of size1, append-only. */
import { equalBytes, toHex } from "../bytes.ts";
import { type Hash32, hashChildren } from "./hasher.ts";
import { InvalidProofError, RootMismatchError } from "./proof-errors.ts";
import { bitLength, popCount, requireCount, shiftRight, trailingZeros, xor } from "./tree-math.ts";

/**
 * Throws unless `proof` shows that the tree of `size2` with root `root2` begins with the tree
 * of `size1` with root `root1`. Requires 0 < size1 <= size2 (equal sizes: empty proof, equal roots).
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Hash32[],
  root1: Hash32,
  root2: Hash32,
): void {
  requireCount("size1", size1);
  requireCount("size2", size2);
  if (size2 < size1) {
    throw new InvalidProofError(`size2 ${size2} is below size1 ${size1}`, { size1, size2 });
  }
  if (size1 === size2) {
    if (proof.length > 0) {
      throw new InvalidProofError(`wrong proof size ${proof.length}, want 0 for equal sizes`, {
        got: proof.length,
        want: 0,
      });
    }
    if (!equalBytes(root1, root2)) {
      throw new InvalidProofError(
        `equal sizes but roots differ: ${toHex(root1)} and ${toHex(root2)}`,
      );
    }
    return;
  }
  if (size1 === 0) {
    throw new InvalidProofError(
      "a consistency proof from the empty tree proves nothing: size1 must be > 0",
      {
        size1,
        size2,
      },
    );
  }
  // The proof climbs from the largest perfect subtree ending at size1 (level `shift`): its
  // own hash (omitted when it is the whole old tree), `inner` levels to where the two trees'
  // right edges meet, then the left siblings along the shared right edge.
  const shift = trailingZeros(size1);
  const index = shiftRight(size1 - 1, shift);
  const inner = bitLength(xor(index, shiftRight(size2 - 1, shift)));
  const startsAtOldRoot = index === 0;
  const want = (startsAtOldRoot ? 0 : 1) + inner + popCount(shiftRight(index, inner));
  if (proof.length !== want) {
    throw new InvalidProofError(`wrong proof size ${proof.length}, want ${want}`, {
      got: proof.length,
      want,
    });
  }
  const path = startsAtOldRoot ? [root1, ...proof] : [...proof];
  // RFC 9162 §2.1.4.2 steps 3–7.
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = shiftRight(fn, 1);
    sn = shiftRight(sn, 1);
  }
  let fr = path[0] as Hash32;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) throw new InvalidProofError("consistency proof is longer than the tree is tall");
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = shiftRight(fn, 1);
        sn = shiftRight(sn, 1);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = shiftRight(fn, 1);
    sn = shiftRight(sn, 1);
  }
  if (sn !== 0) throw new InvalidProofError("consistency proof is shorter than the tree is tall");
  if (!equalBytes(fr, root1))
    throw new RootMismatchError("consistency proof (old root)", root1, fr);
  if (!equalBytes(sr, root2))
    throw new RootMismatchError("consistency proof (new root)", root2, sr);
}
