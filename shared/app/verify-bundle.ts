/** Use case: verify a proof bundle, steps 1–4 offline and step 5 against a chain when given one. */

import { checkAnchor } from "../domain/proof/anchor-check.ts";
import type { ProofBundle } from "../domain/proof/bundle-schema.ts";
import { failed, firstFailure, type StepOutcome, skipped } from "../domain/proof/verdict.ts";
import { type OfflineCheckOptions, verifyBundleOffline } from "../domain/proof/verify-bundle.ts";
import type { AnchorEvidenceReader } from "../ports/anchor-evidence-reader.ts";

export interface ChainCheckOptions {
  /**
   * Opens a reader on one chain's endpoint; anchors on other chains are left unchecked. Called
   * only when steps 1–4 passed and the bundle has anchors, so an endpoint that cannot be
   * reached never hides a verdict the bundle alone decides.
   */
  readonly connect: () => Promise<AnchorEvidenceReader>;
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
  const { anchors } = bundle;
  if (anchors.length === 0) return [skipped(5, "no anchors: the checkpoint is not anchored yet")];
  if (chain === undefined) {
    return [skipped(5, `${anchors.length} anchor(s) not checked: pass --rpc <url> of the chain`)];
  }
  const reader = await chain.connect();
  try {
    return await checkOnChain(bundle, reader, chain.confirmations);
  } finally {
    reader.close();
  }
}

async function checkOnChain(
  bundle: ProofBundle,
  reader: AnchorEvidenceReader,
  confirmations: number,
): Promise<StepOutcome[]> {
  const { anchors, checkpoint } = bundle;
  const onChain = anchors.filter((anchor) => anchor.chainId === reader.chainId);
  if (onChain.length === 0) {
    const ids = anchors.map((anchor) => anchor.chainId).join(", ");
    return [
      failed(
        5,
        "the RPC endpoint serves none of the bundle's chains",
        `chainId ${ids}`,
        `chainId ${reader.chainId}`,
      ),
    ];
  }
  const outcomes: StepOutcome[] = [];
  for (const anchor of onChain) {
    const evidence = await reader.readEvidence(anchor);
    outcomes.push(checkAnchor(anchor, checkpoint, evidence, confirmations));
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
