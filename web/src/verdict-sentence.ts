/** The sentence at the top of the result: what was proven, what was not checked, or what failed. */
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { STEP_NAMES } from "../../shared/domain/proof/verdict.ts";
import { chainLabel } from "./chains.ts";
import { shortHash } from "./dom.ts";
import type { PageStep } from "./page-steps.ts";

export type VerdictState = "checking" | "valid" | "partial" | "invalid" | "error";

/** `text` with its first letter in upper case, to follow a full stop. */
const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The sentence at the top of the result, and its state. */
export function verdictOf(
  bundle: ProofBundle,
  steps: readonly PageStep[],
  signerCompared: boolean,
): { state: VerdictState; text: string } {
  const failure = steps.find((step) => step.status === "failed");
  if (failure !== undefined) {
    return {
      state: "invalid",
      text: `Not valid: step ${failure.step} (${STEP_NAMES[failure.step]}) failed. ${sentence(failure.details[0] ?? "")}`,
    };
  }
  const error = steps.find((step) => step.status === "error");
  if (error !== undefined) {
    return {
      state: "error",
      text: `Could not finish: step ${error.step} (${STEP_NAMES[error.step]}) could not be checked. ${sentence(error.details[0] ?? "")}`,
    };
  }
  const { entry, leafIndex, checkpoint } = bundle;
  const claim = `${entry.kind === "document" ? "The document" : "The transaction"} ${shortHash(entry.contentHash)} is leaf ${leafIndex} of ${checkpoint.origin} at tree size ${checkpoint.treeSize}`;
  const unchecked = steps
    .filter((step) => step.status === "skipped")
    .map((step) => STEP_NAMES[step.step]);
  if (!signerCompared) unchecked.push("published signer");
  if (unchecked.length === 0) {
    const chains = [...new Set(bundle.anchors.map((a) => chainLabel(a.chainId)))].join(", ");
    return {
      state: "valid",
      text: `Verified. ${claim}, signed by the log's published signer and anchored on ${chains}.`,
    };
  }
  return {
    state: "partial",
    text: `Valid as far as checked. ${claim}; not checked: ${unchecked.join(", ")}.`,
  };
}
