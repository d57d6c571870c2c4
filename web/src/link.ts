/** The page's link fragment (`#entry=…&api=…&rpc=…`): fills the fields, then reads and fetches. */
import { parseVerifyLink } from "../../shared/domain/proof/verify-link.ts";
import { syncApiKey } from "./api-key.ts";
import { ui } from "./elements.ts";
import { fetchByEntryId } from "./fetch-proof.ts";
import { loadPublishedLog } from "./published-log.ts";
import { renderRpcFields } from "./rpc-fields.ts";
import { state } from "./state.ts";

export function applyLink(): void {
  const link = parseVerifyLink(window.location.hash);
  if (link.entry !== undefined) ui.entryId.value = link.entry;
  if (link.api !== undefined) ui.apiUrl.value = link.api;
  syncApiKey();
  if (link.rpc !== undefined) {
    state.linkRpc = link.rpc;
    if (state.bundle !== undefined) renderRpcFields(state.bundle.bundle);
  }
  const api = ui.apiUrl.value.trim();
  if (api !== "") void loadPublishedLog(api);
  if (link.entry !== undefined && api !== "") void fetchByEntryId();
}
