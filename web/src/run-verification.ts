/**
 * A verification of the loaded bundle with the current settings: the result shown as it was
 * found, typed RPC URLs remembered once the anchors check, then the anchors' block times.
 */
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { showBlockTimes } from "./block-times.ts";
import { chainIdsOf } from "./chains.ts";
import { type CheckSettings, checkSteps } from "./check-steps.ts";
import { ui } from "./elements.ts";
import { explain } from "./explain-steps.ts";
import { type PageStep, pageSteps } from "./page-steps.ts";
import { type Content, state } from "./state.ts";
import { renderSteps } from "./steps-list.ts";
import { saveRpcUrl } from "./storage.ts";
import { renderSummary } from "./summary-list.ts";
import { verdictOf } from "./verdict-sentence.ts";

export async function verify(): Promise<void> {
  const loaded = state.bundle;
  if (loaded === undefined) return;
  const run = ++state.verifyRun;
  const { bundle } = loaded;
  const content = state.content;
  showChecking(content);
  const settings = settingsFor(bundle);
  const outcomes = await checkSteps(bundle, content, settings);
  if (run !== state.verifyRun) return;

  const signerCompared = settings.trustedSigner !== undefined;
  const steps = explain(pageSteps(outcomes), bundle, signerCompared, settings.rpcUrls.length > 0);
  showResult(bundle, steps, settings);
  if (steps.find((step) => step.step === 5)?.status === "passed") rememberTypedRpcUrls();
  await showBlockTimes(bundle, run);
}

function showChecking(content: Content | undefined): void {
  ui.result.hidden = false;
  ui.result.dataset.state = "checking";
  ui.result.setAttribute("aria-busy", "true");
  ui.verdict.className = "verdict";
  ui.verdict.textContent =
    content === undefined ? "Checking…" : `Checking (hashing ${content.file.name})…`;
}

/** The settings as the fields hold them now. */
function settingsFor(bundle: ProofBundle): CheckSettings {
  const signerText = ui.signer.value.trim();
  return {
    trustedSigner: signerText === "" ? undefined : signerText,
    confirmations: Math.max(1, Number.parseInt(ui.confirmations.value, 10) || 1),
    rpcUrls: chainIdsOf(bundle)
      .map((chainId) => state.rpcByChain.get(chainId) ?? "")
      .filter((url) => url !== ""),
  };
}

function showResult(
  bundle: ProofBundle,
  steps: readonly PageStep[],
  settings: CheckSettings,
): void {
  const { trustedSigner, rpcUrls, confirmations } = settings;
  const verdict = verdictOf(bundle, steps, trustedSigner !== undefined);
  ui.verdict.className = `verdict ${verdict.state}`;
  ui.verdict.textContent = verdict.text;
  renderSteps(ui.steps, steps);
  renderSummary(ui.summary, bundle, {
    ...(trustedSigner === undefined ? {} : { signer: trustedSigner }),
    rpcUrls,
    confirmations,
  });
  ui.result.dataset.state = verdict.state;
  ui.result.removeAttribute("aria-busy");
}

/** Only URLs the person typed, and only once they worked: a link's URL is never kept. */
function rememberTypedRpcUrls(): void {
  for (const [chainId, url] of state.rpcByChain) {
    if (url !== "" && state.typedRpc.has(chainId)) saveRpcUrl(chainId, url);
  }
}
