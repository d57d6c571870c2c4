/**
 * One JSON-RPC URL field per chain the bundle is anchored on, filled with, in order: what was
 * typed or linked before, what this browser remembers, the local stack's default.
 */
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { chainIdsOf, chainLabel, defaultRpcUrl } from "./chains.ts";
import { h } from "./dom.ts";
import { ui } from "./elements.ts";
import { verify } from "./run-verification.ts";
import { state } from "./state.ts";
import { savedRpcUrl } from "./storage.ts";

export function renderRpcFields(bundle: ProofBundle): void {
  const chainIds = chainIdsOf(bundle);
  const first = chainIds[0];
  if (first !== undefined && state.linkRpc !== undefined) {
    state.rpcByChain.set(first, state.linkRpc);
    state.typedRpc.delete(first);
    state.linkRpc = undefined;
  }
  const fields = chainIds.map(rpcField);
  ui.rpcFields.replaceChildren(
    ...(fields.length > 0
      ? fields
      : [h("p", { class: "hint" }, "The bundle has no anchors yet: nothing to read on a chain.")]),
  );
}

function rpcField(chainId: number): HTMLElement {
  const id = `rpc-${chainId}`;
  const value =
    state.rpcByChain.get(chainId) ?? savedRpcUrl(chainId) ?? defaultRpcUrl(chainId) ?? "";
  state.rpcByChain.set(chainId, value);
  const input = h("input", {
    id,
    type: "url",
    "data-chain-id": String(chainId),
    placeholder: "https://…",
  });
  input.value = value;
  input.addEventListener("change", () => {
    state.rpcByChain.set(chainId, input.value.trim());
    state.typedRpc.add(chainId);
    void verify();
  });
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, `JSON-RPC URL for ${chainLabel(chainId)}`),
    input,
    h("small", {}, "Anchors are read through it; remembered in this browser once they check."),
  );
}
