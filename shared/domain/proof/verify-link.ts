/**
 * The link to the verify page for one entry, as the certificate's QR code carries it and the
 * page reads it. Parameters ride in the fragment (`#entry=…&api=…`): a fragment is never sent
 * to the server that hosts the page, so no log on the way records which entry was looked up.
 */

export interface VerifyLinkParams {
  /** The entry id, whose proof the page fetches. */
  readonly entry?: string;
  /** The API's base URL (`https://api.example`), without `/v1`. */
  readonly api?: string;
  /** A JSON-RPC URL to check anchors with. */
  readonly rpc?: string;
}

/** `pageUrl` with the parameters in its fragment (any fragment it had is replaced). */
export function verifyPageLink(pageUrl: string, params: VerifyLinkParams): string {
  const url = new URL(pageUrl);
  const fragment = new URLSearchParams();
  for (const key of ["entry", "api", "rpc"] as const) {
    const value = params[key];
    if (value !== undefined && value !== "") fragment.set(key, value);
  }
  url.hash = fragment.toString();
  return url.toString();
}

/** The parameters of a page URL's fragment (`location.hash`, with or without its `#`). */
export function parseVerifyLink(hash: string): VerifyLinkParams {
  const fragment = new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash);
  const pick = (key: string) => {
    const value = fragment.get(key);
    return value === null || value === "" ? {} : { [key]: value };
  };
  return { ...pick("entry"), ...pick("api"), ...pick("rpc") };
}
