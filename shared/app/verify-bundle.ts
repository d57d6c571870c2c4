/** Use case: verify a proof bundle, steps 1–4 offline and step 5 against a chain when given one. */

import { InvalidArgumentError } from "../domain/errors.ts";
import { checkAnchor } from "../domain/proof/anchor-check.ts";
import type { ProofBundle } from "../domain/proof/bundle-schema.ts";
import { failed, firstFailure, type StepOutcome, skipped } from "../domain/proof/verdict.ts";
import { type OfflineCheckOptions, verifyBundleOffline } from "../domain/proof/verify-bundle.ts";
import type { AnchorEvidenceReader } from "../ports/anchor-evidence-reader.ts";

export interface ChainCheckOptions {
  /**
   * Opens one reader per chain endpoint (at least one, never two for one chain id); each anchor
   * is checked with the reader of its chain, and anchors on chains without one are left
   * unchecked. Called only when steps 1–4 passed and the bundle has anchors, so an endpoint
   * that cannot be reached never hides a verdict the bundle alone decides.
   */
  readonly connect: () => Promise<readonly AnchorEvidenceReader[]>;
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
    return [skipped(5, `${anchors.length} anchor(s) not checked: no JSON-RPC endpoint given`)];
  }
  const readers = await chain.connect();
  try {
    return await checkOnChains(bundle, readersByChain(readers), chain.confirmations);
  } finally {
    for (const reader of readers) reader.close();
  }
}

/** The readers by chain id; requires at least one reader and at most one per chain. */
function readersByChain(
  readers: readonly AnchorEvidenceReader[],
): ReadonlyMap<number, AnchorEvidenceReader> {
  if (readers.length === 0) {
    throw new InvalidArgumentError("no chain endpoint to check the anchors: give at least one");
  }
  const byChain = new Map<number, AnchorEvidenceReader>();
  for (const reader of readers) {
    if (byChain.has(reader.chainId)) {
      throw new InvalidArgumentError(
        `two RPC endpoints serve chain ${reader.chainId}: give one endpoint per chain`,
        { chainId: reader.chainId },
      );
    }
    byChain.set(reader.chainId, reader);
  }
  return byChain;
}

async function checkOnChains(
  bundle: ProofBundle,
  readers: ReadonlyMap<number, AnchorEvidenceReader>,
  confirmations: number,
): Promise<StepOutcome[]> {
  const { anchors, checkpoint } = bundle;
  const served = anchors.flatMap((anchor) => {
    const reader = readers.get(anchor.chainId);
    return reader === undefined ? [] : [{ anchor, reader }];
  });
  if (served.length === 0) {
    const endpoints = readers.size === 1 ? "the RPC endpoint serves" : "the RPC endpoints serve";
    return [
      failed(
        5,
        `${endpoints} none of the bundle's chains`,
        `chainId ${chainIds(anchors)}`,
        `chainId ${[...readers.keys()].join(", ")}`,
      ),
    ];
  }
  const outcomes: StepOutcome[] = [];
  for (const { anchor, reader } of served) {
    const evidence = await reader.readEvidence(anchor);
    outcomes.push(checkAnchor(anchor, checkpoint, evidence, confirmations));
    if (firstFailure(outcomes)) return outcomes;
  }
  const unserved = anchors.filter((anchor) => !readers.has(anchor.chainId));
  if (unserved.length > 0) {
    const ids = chainIds(unserved);
    const chains = ids.includes(",") ? "chains" : "chain";
    outcomes.push(
      skipped(5, `${unserved.length} anchor(s) not checked: no RPC endpoint for ${chains} ${ids}`),
    );
  }
  return outcomes;
}

/** The distinct chain ids of `anchors`, in bundle order, for messages. */
function chainIds(anchors: ProofBundle["anchors"]): string {
  return [...new Set(anchors.map((anchor) => anchor.chainId))].join(", ");
}

/**
 * Verifies `bundle`; a verdict, never an exception for a bad bundle (the chain readers may throw,
 * and two readers of one chain are an InvalidArgumentError).
 */
export async function verifyBundle(
  bundle: ProofBundle,
  options: VerifyBundleOptions = {},
): Promise<BundleVerdict> {
  const steps = verifyBundleOffline(bundle, options);
  if (!firstFailure(steps)) steps.push(...(await checkAnchors(bundle, options.chain)));
  const failure = firstFailure(steps);
  return failure === undefined ? { valid: true, steps } : { valid: false, steps, failure };
}
