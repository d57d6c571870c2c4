/**
 * The `Stele-Signature` header of a webhook request: `t=<unix seconds>,v1=<hex>`, where v1 is
 * HMAC-SHA256 keyed with the webhook's secret (its UTF-8 bytes, `whsec_` included) over
 * `<t>.<raw body>`. Signing the time with the body lets a receiver refuse a replayed request.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { fromHex, toHex, utf8 } from "../bytes.ts";

export const SIGNATURE_HEADER = "Stele-Signature";
/** The scheme's version tag in the header; a new scheme would add v2 beside it. */
export const SIGNATURE_SCHEME = "v1";
/** How far a receiver should let the signed time be from its own clock (5 minutes). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Hex HMAC-SHA256(secret, `<timestampSeconds>.<body>`). */
export function signatureHex(secret: string, timestampSeconds: number, body: string): string {
  return toHex(hmac(sha256, utf8(secret), utf8(`${timestampSeconds}.${body}`)));
}

/** The header value for `body` sent at `timestampSeconds` (a whole number of seconds). */
export function signatureHeader(secret: string, timestampSeconds: number, body: string): string {
  return `t=${timestampSeconds},${SIGNATURE_SCHEME}=${signatureHex(secret, timestampSeconds, body)}`;
}

/** Equal bytes, compared in time that does not depend on where they differ. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

export type SignatureCheck =
  | { readonly ok: true; readonly timestampSeconds: number }
  | { readonly ok: false; readonly reason: "malformed" | "mismatch" | "too-old" };

/**
 * Checks a header against the raw body, as a receiver should: the timestamp within
 * `toleranceSeconds` of `nowSeconds`, and some v1 signature equal (in constant time) to ours.
 */
export function verifySignatureHeader(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): SignatureCheck {
  const parts = header.split(",").map((part) => part.trim().split("="));
  const timestamp = parts.find(([name]) => name === "t")?.[1];
  const signatures = parts.filter(([name]) => name === SIGNATURE_SCHEME).map(([, value]) => value);
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0)
    return { ok: false, reason: "malformed" };
  const timestampSeconds = Number(timestamp);
  if (Math.abs(nowSeconds - timestampSeconds) > toleranceSeconds)
    return { ok: false, reason: "too-old" };
  const expected = fromHex(signatureHex(secret, timestampSeconds, body));
  const matches = signatures.some(
    (value) =>
      value !== undefined &&
      /^[0-9a-f]{64}$/.test(value) &&
      constantTimeEqual(fromHex(value), expected),
  );
  return matches ? { ok: true, timestampSeconds } : { ok: false, reason: "mismatch" };
}
