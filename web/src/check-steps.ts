/** The five steps for a bundle and the content given, by the same use case as `stele verify`. */

import { connectEvidenceReaders } from "../../shared/adapters/chain/connect-evidence-readers.ts";
import { type VerifyBundleOptions, verifyBundle } from "../../shared/app/verify-bundle.ts";
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { failed, type StepOutcome } from "../../shared/domain/proof/verdict.ts";
import {
  type SuppliedContent,
  verifyBundleOffline,
} from "../../shared/domain/proof/verify-bundle.ts";
import type { PageStep } from "./page-steps.ts";
import type { Content } from "./state.ts";

/** What the checks are made against, as the settings give it. */
export interface CheckSettings {
  /** The log's published checkpoint signer; undefined when none was given. */
  readonly trustedSigner: string | undefined;
  /** Confirmations an anchor's block needs (the block itself counts one); at least 1. */
  readonly confirmations: number;
  /** The JSON-RPC URLs given for the bundle's chains (empty ones left out). */
  readonly rpcUrls: readonly string[];
}

function fromOutcomes(outcomes: readonly StepOutcome[]): PageStep[] {
  return outcomes.map((o) => ({
    step: o.step,
    status: o.status,
    details: [o.detail],
    ...(o.expected === undefined ? {} : { expected: o.expected }),
    ...(o.found === undefined ? {} : { found: o.found }),
  }));
}

/** The content the bundle speaks of, from the chosen file; a failed step 1 when it cannot be. */
async function suppliedContent(
  bundle: ProofBundle,
  content: Content,
): Promise<SuppliedContent | StepOutcome> {
  if (bundle.entry.kind === "document") {
    return { kind: "document", sha256: await content.sha256 };
  }
  const text = await content.file.text();
  try {
    return { kind: "transaction", payload: JSON.parse(text) };
  } catch (error) {
    return failed(
      1,
      `the entry is a transaction, and ${content.file.name} is not a JSON payload`,
      "a JSON payload",
      (error as Error).message,
    );
  }
}

/** The outcomes of the steps that ran; a step the page could not finish is an `error`, no verdict. */
export async function checkSteps(
  bundle: ProofBundle,
  content: Content | undefined,
  settings: CheckSettings,
): Promise<PageStep[]> {
  let supplied: SuppliedContent | StepOutcome | undefined;
  try {
    supplied = content === undefined ? undefined : await suppliedContent(bundle, content);
  } catch (error) {
    // An unreadable file (moved, permission withdrawn) is no verdict on the bundle.
    const unreadable = `could not read ${content?.file.name}: ${(error as Error).message}`;
    return [{ step: 1, status: "error", details: [unreadable] }];
  }
  if (supplied !== undefined && "step" in supplied) return fromOutcomes([supplied]);

  const { trustedSigner, confirmations, rpcUrls } = settings;
  const options: VerifyBundleOptions = {
    ...(supplied === undefined ? {} : { content: supplied }),
    ...(trustedSigner === undefined ? {} : { trustedSigner }),
    ...(rpcUrls.length === 0
      ? {}
      : { chain: { confirmations, connect: () => connectEvidenceReaders(rpcUrls) } }),
  };
  try {
    return fromOutcomes((await verifyBundle(bundle, options)).steps);
  } catch (error) {
    // Only the chain can throw: steps 1–4 stand, step 5 has no verdict.
    return [
      ...fromOutcomes(verifyBundleOffline(bundle, options)),
      { step: 5, status: "error", details: [(error as Error).message] },
    ];
  }
}
