/** Fetching an entry's proof bundle by its id from a Stele API, then verifying it. */
import { apiBase, FetchProofError, fetchProof } from "./api.ts";
import { rememberApiKey, syncApiKey } from "./api-key.ts";
import { showChosen } from "./chosen-list.ts";
import { ui } from "./elements.ts";
import { loadBundle } from "./load-bundle.ts";
import { verify } from "./run-verification.ts";
import { state } from "./state.ts";
import { showSubjectHistory } from "./subject-history.ts";

function say(message: string, isError: boolean): void {
  ui.fetchMessage.textContent = message;
  ui.fetchMessage.classList.toggle("error", isError);
}

export async function fetchByEntryId(): Promise<void> {
  const run = ++state.fetchRun;
  syncApiKey();
  const entryId = ui.entryId.value.trim();
  const api = ui.apiUrl.value.trim();
  const key = ui.apiKey.value.trim();
  if (entryId === "" || api === "") {
    say("Give the entry id and the API URL.", true);
    return;
  }
  rememberApiKey(api, key);
  say(`Fetching the proof of ${entryId}…`, false);
  try {
    const bundle = await fetchProof(api, entryId, key);
    if (run !== state.fetchRun) return;
    say(`Fetched the proof of ${entryId} from ${apiBase(api)}.`, false);
    loadBundle(bundle, `entry ${entryId} from ${apiBase(api)}`);
    showChosen();
    await Promise.all([verify(), showSubjectHistory(api, entryId, key)]);
  } catch (error) {
    if (run !== state.fetchRun) return;
    say((error as Error).message, true);
    if (error instanceof FetchProofError && error.needs === "key") ui.apiKey.focus();
  }
}
