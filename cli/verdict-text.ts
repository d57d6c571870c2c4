/** A verdict as the one line (plus expected/found lines on failure) that `stele verify` prints. */
import type { BundleVerdict } from "../shared/app/verify-bundle.ts";
import type { ProofBundle } from "../shared/domain/proof/bundle-schema.ts";
import { STEP_NAMES } from "../shared/domain/proof/verdict.ts";

export function describeVerdict(bundle: ProofBundle, verdict: BundleVerdict): string {
  const { failure } = verdict;
  if (failure !== undefined) {
    return [
      `INVALID: step ${failure.step} (${STEP_NAMES[failure.step]}) failed: ${failure.detail}`,
      `  expected: ${failure.expected ?? ""}`,
      `  found:    ${failure.found ?? ""}`,
    ].join("\n");
  }
  const { entry, leafIndex, checkpoint } = bundle;
  const claims = [
    `VALID: ${entry.kind} ${entry.contentHash} is leaf ${leafIndex} of ${checkpoint.origin} at tree size ${checkpoint.treeSize}`,
  ];
  // Steps 2 and 3 are implied by the first clause; the rest say what was and was not checked.
  for (const outcome of verdict.steps)
    if (outcome.step !== 2 && outcome.step !== 3) claims.push(outcome.detail);
  return claims.join("; ");
}
