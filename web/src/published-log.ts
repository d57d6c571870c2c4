/**
 * The log's published settings (GET {api}/v1/log) as prefills: the checkpoint signer and the
 * confirmations its chains require, unless the person already set them.
 */
import { apiBase, fetchPublishedLog } from "./api.ts";
import { chainIdsOf } from "./chains.ts";
import { ui } from "./elements.ts";
import { verify } from "./run-verification.ts";
import { state } from "./state.ts";

/** The most confirmations the log publishes for the loaded bundle's chains (for all, if none). */
export function applyPublishedConfirmations(): void {
  const published = state.published;
  if (published === undefined || state.confirmationsTouched) return;
  const bundleChains = state.bundle === undefined ? undefined : chainIdsOf(state.bundle.bundle);
  const wanted = published.chains
    .filter((chain) => bundleChains === undefined || bundleChains.includes(chain.chainId))
    .flatMap((chain) => (chain.confirmations === undefined ? [] : [chain.confirmations]));
  if (wanted.length > 0) ui.confirmations.value = String(Math.max(...wanted));
}

export async function loadPublishedLog(api: string): Promise<void> {
  ui.signerSource.textContent = `Reading ${apiBase(api)}/v1/log…`;
  const published = await fetchPublishedLog(api);
  if (published === undefined) {
    ui.signerSource.textContent = `Could not read ${apiBase(api)}/v1/log: type the log's published signer.`;
    return;
  }
  state.published = published;
  if (published.checkpointSigner !== undefined && !state.signerTouched) {
    ui.signer.value = published.checkpointSigner;
    ui.signerSource.textContent = `As published by ${apiBase(api)}/v1/log; you may change it.`;
  }
  applyPublishedConfirmations();
  if (state.bundle !== undefined) await verify();
}

/** The person typed a signer: later reads of the log leave it alone. */
export function signerTyped(): void {
  state.signerTouched = true;
  ui.signerSource.textContent = "As you gave it.";
}

/** The person set the confirmations: later reads of the log leave them alone. */
export function confirmationsTyped(): void {
  state.confirmationsTouched = true;
}
