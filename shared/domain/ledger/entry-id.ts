/**
 * Entry ids are ULIDs that name their batch: a batch id ends in "00", and entry i of the batch
 * replaces those two characters with i in Crockford base 32 (10 bits: up to 1024 entries). So an
 * entry is found with one read of its batch, and ids still sort by time like any ULID.
 */
import { decodeTime, encodeTime, isValid } from "ulid";
import { InvalidArgumentError } from "../errors.ts";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** Entries one batch can name: 32² (the API allows 1000 per request). */
export const MAX_BATCH_ENTRIES = 1024;

/** A batch id from a time in ms and 10 random bytes (the ULID's 80 random bits, last 10 zeroed). */
export function newBatchId(timeMs: number, random10: Uint8Array): string {
  if (random10.length !== 10) throw new InvalidArgumentError("a batch id needs 10 random bytes");
  let bits = 0n;
  for (const byte of random10) bits = (bits << 8n) | BigInt(byte);
  let randomPart = "";
  for (let i = 15; i >= 0; i--) randomPart += CROCKFORD[Number((bits >> BigInt(5 * i)) & 31n)];
  return `${encodeTime(timeMs, 10)}${randomPart.slice(0, 14)}00`;
}

/** The id of entry `position` of batch `batchId`. */
export function entryId(batchId: string, position: number): string {
  if (!Number.isInteger(position) || position < 0 || position >= MAX_BATCH_ENTRIES) {
    throw new InvalidArgumentError(
      `entry position ${position} is outside 0–${MAX_BATCH_ENTRIES - 1}`,
    );
  }
  const high = CROCKFORD[Math.floor(position / 32)] ?? "0";
  const low = CROCKFORD[position % 32] ?? "0";
  return `${batchId.slice(0, 24)}${high}${low}`;
}

/** The batch and position an entry id names, or undefined for a string that is no entry id. */
export function parseEntryId(id: string): { batchId: string; position: number } | undefined {
  if (id.length !== 26 || !isValid(id) || id !== id.toUpperCase()) return undefined;
  const high = CROCKFORD.indexOf(id[24] ?? "");
  const low = CROCKFORD.indexOf(id[25] ?? "");
  if (high < 0 || low < 0) return undefined;
  return { batchId: `${id.slice(0, 24)}00`, position: high * 32 + low };
}

/** The time (ms since the epoch) a batch id was made at: its ULID's time part. */
export function batchIdTimeMs(batchId: string): number {
  return decodeTime(batchId);
}
