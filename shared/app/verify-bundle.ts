/** Use case: verify a proof bundle, steps 1–4 offline and step 5 against a chain when given one. */

import { checkAnchor } from "../domain/proof/anchor-check.ts";
import type { ProofBundle } from "../domain/proof/bundle-schema.ts";
import { failed, firstFailure, type StepOutcome, skipped } from "../domain/proof/verdict.ts";
import { type OfflineCheckOptions, verifyBundleOffline } from "../domain/proof/verify-bundle.ts";
import type { AnchorEvidenceReader } from "../ports/anchor-evidence-reader.ts";

export interface ChainCheckOptions {
  /** Reads evidence from one chain's endpoint; anchors on other chains are left unchecked. */
  readonly reader: AnchorEvidenceReader;
  readonly chainId: number;
  readonly confirmations: number;
}

export interface VerifyBundleOptions extends OfflineCheckOptions {
  readonly chain?: ChainCheckOptions;
}

export interface BundleVerdict {
  readonly valid: boolean;
  readonly steps: readonly StepOutcome[];
  readonly failure?: StepOutcome;
}

async function checkAnchors(
  bundle: ProofBundle,
  chain: ChainCheckOptions | undefined,
): Promise<StepOutcome[]> {
  const { anchors, checkpoint } = bundle;
  if (anchors.length === 0) return [skipped(5, "no anchors: the checkpoint is not anchored yet")];
  if (chain === undefined) {
    return [skipped(5, `${anchors.length} anchor(s) not checked: pass --rpc <url> of the chain`)];
  }
  const onChain = anchors.filter((anchor) => anchor.chainId === chain.chainId);
  if (onChain.length === 0) {
    const ids = anchors.map((anchor) => anchor.chainId).join(", ");
    return [
      failed(
        5,
        "the RPC endpoint serves none of the bundle's chains",
        `chainId ${ids}`,
        `chainId ${chain.chainId}`,
      ),
    ];
  }
  const outcomes: StepOutcome[] = [];
  for (const anchor of onChain) {
    outcomes.push(
      checkAnchor(anchor, checkpoint, await chain.reader.readEvidence(anchor), chain.confirmations),
    );
    if (firstFailure(outcomes)) return outcomes;
  }
  const others = anchors.length - onChain.length;
  if (others > 0) outcomes.push(skipped(5, `${others} anchor(s) on other chains not checked`));
  return outcomes;
}

/** Verifies `bundle`; a verdict, never an exception for a bad bundle (the chain reader may throw). */
export async function verifyBundle(
  bundle: ProofBundle,
  options: VerifyBundleOptions = {},
): Promise<BundleVerdict> {
  const steps = verifyBundleOffline(bundle, options);
  if (!firstFailure(steps)) steps.push(...(await checkAnchors(bundle, options.chain)));
  const failure = firstFailure(steps);
  return failure === undefined ? { valid: true, steps } : { valid: false, steps, failure };
}
