/** The page's words where the domain's name CLI flags or the page knows more. */
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { chainIdsOf, chainLabel } from "./chains.ts";
import type { PageStep } from "./page-steps.ts";

export function explain(
  steps: PageStep[],
  bundle: ProofBundle,
  signerCompared: boolean,
  chainGiven: boolean,
): PageStep[] {
  return steps.map((step) => {
    if (step.step === 4 && step.status === "passed" && !signerCompared) {
      return {
        ...step,
        details: [
          `The signature recovers to the bundle's signer ${bundle.checkpoint.signature.signer}, but it was not compared with a published signer: give the log's checkpoint signer above to compare it.`,
        ],
      };
    }
    if (step.step === 5 && step.status === "skipped" && !chainGiven && bundle.anchors.length > 0) {
      const chains = chainIdsOf(bundle).map(chainLabel).join(", ");
      return {
        ...step,
        details: [
          `${bundle.anchors.length} anchor(s) not checked: give a JSON-RPC URL for ${chains} above.`,
        ],
      };
    }
    return step;
  });
}
