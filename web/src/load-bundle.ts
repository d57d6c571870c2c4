/** A bundle taken in: its chains' RPC fields, the published confirmations, its path and anchors. */
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { renderAnchors } from "./anchors-table.ts";
import { h } from "./dom.ts";
import { ui } from "./elements.ts";
import { bundleSteps, inclusionFigure, inclusionTable } from "./inclusion-figure.ts";
import { applyPublishedConfirmations } from "./published-log.ts";
import { renderRpcFields } from "./rpc-fields.ts";
import { state } from "./state.ts";

/** `source` says where the bundle came from, as the list of what was given shows it. */
export function loadBundle(bundle: ProofBundle, source: string): void {
  state.bundle = { bundle, source };
  // A subject's history belongs to a fetched entry; fetchByEntryId shows it again for its own.
  ui.subjectSection.hidden = true;
  renderRpcFields(bundle);
  applyPublishedConfirmations();
  const steps = bundleSteps(bundle);
  ui.pathSection.hidden = false;
  if (typeof steps === "string") {
    ui.pathFigure.replaceChildren(h("p", {}, steps));
    ui.pathTable.replaceChildren();
  } else {
    ui.pathFigure.replaceChildren(inclusionFigure(bundle, steps));
    ui.pathTable.replaceChildren(inclusionTable(bundle, steps));
  }
  ui.anchorsSection.hidden = false;
  // No block times yet: they are read from the chain once the bundle is verified.
  renderAnchors(ui.anchorsTable, bundle.anchors, new Map());
}
