/** The API key field follows the API URL's origin, so that a key is only sent where it was typed. */
import { ui } from "./elements.ts";
import { state } from "./state.ts";
import { saveApiKey, savedApiKey } from "./storage.ts";

/** The origin of an API URL, or undefined when it is no URL. */
function apiOrigin(api: string): string | undefined {
  try {
    return new URL(api.trim()).origin;
  } catch {
    return undefined;
  }
}

/** When the API URL's origin changed, the key field becomes the key kept for that origin, or empty. */
export function syncApiKey(): void {
  const origin = apiOrigin(ui.apiUrl.value);
  if (origin === state.keyOrigin) return;
  state.keyOrigin = origin;
  ui.apiKey.value = origin === undefined ? "" : (savedApiKey(origin) ?? "");
}

/** Keeps `key` for the origin of `api` (for this session), when `api` is a URL. */
export function rememberApiKey(api: string, key: string): void {
  const origin = apiOrigin(api);
  if (origin !== undefined) saveApiKey(origin, key);
}
