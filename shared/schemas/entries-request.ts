/**
 * POST /v1/entries and SQS message bodies (spec/http-api-v1.md) as zod schemas. Objects are
 * strict: a misspelt field is a 400 naming it, not a silently ignored option.
 */
import * as z from "zod";
import { DEFAULT_LEDGER, LEDGER_NAME } from "../domain/ledger/ledger-name.ts";
import { canonicalJson } from "../domain/proof/content-hash.ts";
import {
  EVENT_TYPE,
  EVENT_TYPE_RULE,
  SUBJECT_NAME,
  SUBJECT_NAME_RULE,
} from "../domain/subjects/subject-name.ts";

export const MAX_ENTRIES_PER_REQUEST = 1000;
export const MAX_DOCUMENT_BYTES = 256 * 1024;
export const MAX_PAYLOAD_CANONICAL_BYTES = 64 * 1024;
/** Deeper JSON than this is refused before anything recurses over it. */
export const MAX_PAYLOAD_DEPTH = 64;

const clientRef = z.string().max(128, "at most 128 characters").optional();
/** What the entry is an event of (a lot, an invoice): its history is GET /v1/subjects/{subject}. */
const subject = z.string().regex(SUBJECT_NAME, SUBJECT_NAME_RULE).optional();
const eventType = z.string().regex(EVENT_TYPE, EVENT_TYPE_RULE).optional();

/**
 * Keep the content, encrypted, so GET /v1/entries/{id}/content serves it until it is erased
 * (shared/app/retained-content.ts); absent or false: only the hash is kept.
 */
const retain = z.boolean().optional();

/** A document given by its hash alone has nothing to keep. */
function retainNeedsContent(
  entry: { retain?: boolean | undefined; content?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if (entry.retain === true && entry.content === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["retain"],
      message: "only with content: a document sent by its contentHash has nothing to keep",
    });
  }
}

/** An event type says what happened to a subject: without one it means nothing. */
function eventNeedsSubject(
  entry: { subject?: string | undefined; eventType?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if (entry.eventType !== undefined && entry.subject === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["subject"],
      message: "required with eventType: the subject the event happened to",
    });
  }
}

/** A document by its SHA-256, or by its bytes (which Stele hashes, and keeps only with retain). */
const document = z
  .strictObject({
    kind: z.literal("document"),
    contentHash: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "a SHA-256: 64 hex characters")
      .transform((hex) => hex.toLowerCase())
      .optional(),
    content: z
      .base64("standard base64 with padding")
      .refine(
        (text) => decodedLength(text) <= MAX_DOCUMENT_BYTES,
        `at most ${MAX_DOCUMENT_BYTES} bytes once decoded`,
      )
      .optional(),
    clientRef,
    subject,
    eventType,
    retain,
  })
  .refine((entry) => (entry.contentHash === undefined) !== (entry.content === undefined), {
    message: "a document has exactly one of contentHash and content",
  })
  .superRefine(eventNeedsSubject)
  .superRefine(retainNeedsContent);

/** Bytes that standard padded base64 text decodes to. */
function decodedLength(base64: string): number {
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

/** Depth of nested arrays and objects, counted without recursion. */
function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const top = stack.pop();
    if (top === undefined || typeof top.value !== "object" || top.value === null) continue;
    deepest = Math.max(deepest, top.depth);
    if (deepest > MAX_PAYLOAD_DEPTH) return deepest;
    for (const child of Object.values(top.value))
      stack.push({ value: child, depth: top.depth + 1 });
  }
  return deepest;
}

/** The payload limits: depth first, since canonicalisation recurses over the value. */
function checkPayload(payload: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (jsonDepth(payload) > MAX_PAYLOAD_DEPTH) {
    ctx.addIssue({ code: "custom", message: `nested at most ${MAX_PAYLOAD_DEPTH} deep` });
    return;
  }
  const bytes = new TextEncoder().encode(canonicalJson(payload)).length;
  if (bytes > MAX_PAYLOAD_CANONICAL_BYTES) {
    ctx.addIssue({
      code: "custom",
      message: `at most ${MAX_PAYLOAD_CANONICAL_BYTES} bytes of canonical JSON (this one has ${bytes})`,
    });
  }
}

const transaction = z
  .strictObject({
    kind: z.literal("transaction"),
    payload: z.record(z.string(), z.unknown()).superRefine(checkPayload),
    clientRef,
    subject,
    eventType,
    retain,
  })
  .superRefine(eventNeedsSubject);

export const entryRequestSchema = z.discriminatedUnion("kind", [document, transaction], {
  error: "kind must be 'document' or 'transaction'",
});

export const entriesRequestSchema = z.strictObject({
  ledger: z
    .string()
    .regex(LEDGER_NAME, "a ledger name: ^[a-z0-9][a-z0-9-]{0,62}$")
    .default(DEFAULT_LEDGER),
  entries: z
    .array(entryRequestSchema)
    .min(1, "at least 1 entry")
    .max(MAX_ENTRIES_PER_REQUEST, `at most ${MAX_ENTRIES_PER_REQUEST} entries`),
});

export type EntryRequest = z.infer<typeof entryRequestSchema>;
export type EntriesRequest = z.infer<typeof entriesRequestSchema>;
