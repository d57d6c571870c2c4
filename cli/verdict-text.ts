/** A verdict as the one line (plus expected/found lines on failure) that `stele verify` prints. */
import type { BundleVerdict } from "../shared/app/verify-bundle.ts";
import type { ProofBundle } from "../shared/domain/proof/bundle-schema.ts";
import { STEP_NAMES, type StepNumber } from "../shared/domain/proof/verdict.ts";

export function describeVerdict(
  bundle: ProofBundle,
  verdict: BundleVerdict,
  given: { readonly signer: boolean },
): string {
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
  // Steps 2 and 3 are implied by the first clause; the rest say what was and was not checked,
  // and for what was not, which option checks it.
  for (const outcome of verdict.steps) {
    if (outcome.step === 2 || outcome.step === 3) continue;
    // Step 4 passes on the signature alone when no published signer was given.
    const unchecked = outcome.status === "skipped" || (outcome.step === 4 && !given.signer);
    const hint = unchecked ? SKIPPED_HINTS[outcome.step] : undefined;
    claims.push(hint === undefined ? outcome.detail : `${outcome.detail} (${hint})`);
  }
  return claims.join("; ");
}

/** The option that would have run a skipped (or, for the signer, half-run) step. */
const SKIPPED_HINTS: Partial<Record<StepNumber, string>> = {
  1: "pass --file or --payload",
  4: "pass --signer",
  5: "pass --rpc <url> of each chain",
};
