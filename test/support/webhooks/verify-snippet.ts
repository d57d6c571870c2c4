/**
 * The verification snippet of the README's webhook section, as a receiver would paste it (Node's
 * own crypto, nothing of Stele's), so the tests check signatures the way users will.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** True when `header` (Stele-Signature) signs `rawBody` with `secret`, sent within 5 minutes. */
export function verifySteleSignature(
  secret: string,
  header: string,
  rawBody: string,
  nowSeconds = Date.now() / 1000,
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(header.split(",").map((part) => part.split("=", 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(parts.v1 ?? "", "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
