/** One function per route of http-api-v1.md, each checking the answer's shape. */
import type { z } from "zod";
import { parseBundle } from "../../shared/domain/proof/bundle-codec.ts";
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { CliError } from "../usage-error.ts";
import type { ApiClient } from "./client.ts";
import {
  type AcceptedEntry,
  acceptedSchema,
  type CheckpointView,
  checkpointViewSchema,
  consistencySchema,
  type EntryView,
  entryStatusSchema,
  type FoundEntry,
  foundEntriesSchema,
  type LogIdentity,
  logIdentitySchema,
  subjectPageSchema,
} from "./schemas.ts";

function shaped<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new CliError(
    `the API's ${what} is not what http-api-v1 says: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`,
  );
}

const segment = (value: string) => encodeURIComponent(value);

export async function postEntries(
  api: ApiClient,
  bodyText: string,
  idempotencyKey: string,
): Promise<readonly AcceptedEntry[]> {
  const answer = await api.json("POST", "/v1/entries", {
    body: bodyText,
    headers: { "idempotency-key": idempotencyKey },
  });
  return shaped(acceptedSchema, answer, "answer to POST /v1/entries").entries;
}

export async function getEntry(api: ApiClient, id: string): Promise<EntryView> {
  return shaped(entryStatusSchema, await api.json("GET", `/v1/entries/${segment(id)}`), "entry");
}

export async function getProof(
  api: ApiClient,
  id: string,
  anchored: boolean,
): Promise<ProofBundle> {
  const query = anchored ? "?anchored=true" : "";
  const value = await api.json("GET", `/v1/entries/${segment(id)}/proof${query}`);
  try {
    return parseBundle(value);
  } catch (error) {
    throw new CliError(`the API's proof of ${id} is ${(error as Error).message}`);
  }
}

export async function findByContentHash(
  api: ApiClient,
  contentHash: string,
  ledger: string | undefined,
): Promise<readonly FoundEntry[]> {
  const query = `contentHash=${contentHash}${ledger === undefined ? "" : `&ledger=${segment(ledger)}`}`;
  const value = await api.json("GET", `/v1/proofs?${query}`);
  return shaped(foundEntriesSchema, value, "answer to GET /v1/proofs").entries;
}

export async function getCheckpoint(
  api: ApiClient,
  ledger: string,
  anchored: boolean,
): Promise<CheckpointView> {
  const query = anchored ? "?anchored=true" : "";
  const value = await api.json("GET", `/v1/ledgers/${segment(ledger)}/checkpoint${query}`, {
    auth: false,
  });
  return shaped(checkpointViewSchema, value, "checkpoint");
}

export async function getConsistency(
  api: ApiClient,
  ledger: string,
  from: number,
  to: number,
): Promise<readonly string[]> {
  const value = await api.json(
    "GET",
    `/v1/ledgers/${segment(ledger)}/consistency?from=${from}&to=${to}`,
    { auth: false },
  );
  const proof = shaped(consistencySchema, value, "consistency proof");
  if (proof.from !== from || proof.to !== to) {
    throw new CliError(
      `the API answered a consistency proof from ${proof.from} to ${proof.to}, not ${from} to ${to}`,
    );
  }
  return proof.path;
}

export async function getLogIdentity(api: ApiClient): Promise<LogIdentity> {
  return shaped(
    logIdentitySchema,
    await api.json("GET", "/v1/log", { auth: false }),
    "log identity",
  );
}

/** One page of a subject's events (GET /v1/subjects/{subject}/entries). */
export async function getSubjectPage(
  api: ApiClient,
  subject: string,
  ledger: string,
  cursor?: string,
) {
  const query = `ledger=${segment(ledger)}&limit=1000${cursor === undefined ? "" : `&cursor=${segment(cursor)}`}`;
  const value = await api.json("GET", `/v1/subjects/${segment(subject)}/entries?${query}`);
  return shaped(subjectPageSchema, value, `history of ${subject}`);
}
