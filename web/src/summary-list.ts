/** The bundle's summary: what it states, and what the checks were made against. */
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { h } from "./dom.ts";

function row(term: string, ...value: (Node | string)[]): Node[] {
  return [h("dt", {}, term), h("dd", {}, ...value)];
}

/** What the bundle states and what the checks were made against. */
export function renderSummary(
  list: HTMLElement,
  bundle: ProofBundle,
  checkedWith: { signer?: string; rpcUrls: readonly string[]; confirmations: number },
): void {
  const { entry, checkpoint } = bundle;
  list.replaceChildren(
    ...row("Entry", h("code", {}, entry.id), ` in ledger ${entry.ledger} (${entry.kind})`),
    ...row("Content hash", h("code", { class: "hash" }, entry.contentHash)),
    ...row("Received at", `${entry.receivedAt} (the service's statement; no step proves it)`),
    ...row("Leaf index", `${bundle.leafIndex} of ${checkpoint.treeSize}`),
    ...row("Log", h("code", {}, checkpoint.origin)),
    ...row("Checkpoint root", h("code", { class: "hash" }, checkpoint.rootHash)),
    ...row("Checkpoint signer", h("code", {}, checkpoint.signature.signer)),
    ...row(
      "Compared with",
      checkedWith.signer === undefined
        ? "no published signer given"
        : h("code", {}, checkedWith.signer),
    ),
    ...row(
      "Chain endpoints",
      checkedWith.rpcUrls.length === 0 ? "none given" : checkedWith.rpcUrls.join(", "),
    ),
    ...row("Confirmations required", String(checkedWith.confirmations)),
  );
}
