/**
 * What the page keeps in the browser: API keys per API origin for the session, and the JSON-RPC
 * URLs the person typed per chain id for good.
 */

/** API keys are kept per API origin, so that a key is only ever sent where it was typed. */
const apiKeyStorageKey = (origin: string) => `stele.verify.apiKey.${origin}`;
const rpcStorageKey = (chainId: number) => `stele.verify.rpc.${chainId}`;

function storage(kind: "local" | "session"): Storage | undefined {
  try {
    return kind === "local" ? window.localStorage : window.sessionStorage;
  } catch {
    // Storage can be refused (file:// in some browsers, privacy settings): work without it.
    return undefined;
  }
}

/** The API key kept this session for `origin`, if any. */
export function savedApiKey(origin: string): string | undefined {
  return storage("session")?.getItem(apiKeyStorageKey(origin)) ?? undefined;
}

export function saveApiKey(origin: string, key: string): void {
  storage("session")?.setItem(apiKeyStorageKey(origin), key);
}

/** The JSON-RPC URL remembered in this browser for `chainId`, if any. */
export function savedRpcUrl(chainId: number): string | undefined {
  return storage("local")?.getItem(rpcStorageKey(chainId)) ?? undefined;
}

export function saveRpcUrl(chainId: number, url: string): void {
  storage("local")?.setItem(rpcStorageKey(chainId), url);
}
