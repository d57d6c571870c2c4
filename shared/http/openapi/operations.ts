/**
 * What each route of ROUTES does, for the OpenAPI document: keyed by routeKey, so the document
 * builder can refuse a route without a description and a description without a route.
 * Security (and its 401/403) is not written here: the builder derives it from each route's scope.
 */
import * as z from "zod";
import type { ZodOpenApiRequestBodyObject, ZodOpenApiResponsesObject } from "zod-openapi";
import { DEFAULT_CHECKPOINT_PAGE, MAX_CHECKPOINT_PAGE } from "../../app/list-checkpoints.ts";
import { DEFAULT_SUBJECT_PAGE, MAX_SUBJECT_PAGE } from "../../app/read-subjects.ts";
import { LEDGER_NAME } from "../../domain/ledger/ledger-name.ts";
import { SUBJECT_NAME_RULE } from "../../domain/subjects/subject-name.ts";
import {
  checkpointPageSchema,
  checkpointWithAnchorsSchema,
  consistencyProofSchema,
  entriesAcceptedSchema,
  entryViewSchema,
  healthSchema,
  htmlPageSchema,
  logIdentitySchema,
  openApiDocumentSchema,
  proofBundleResponseSchema,
  proofsLookupSchema,
  subjectPageSchema,
} from "../../schemas/api-responses.ts";
import { entriesRequestSchema, MAX_ENTRIES_PER_REQUEST } from "../../schemas/entries-request.ts";
import { MAX_BODY_BYTES } from "../request.ts";
import { CONTENT_OPERATIONS } from "./content-operations.ts";
import { problemResponse } from "./problem-responses.ts";
import { WEBHOOK_OPERATIONS } from "./webhook-operations.ts";

export interface OperationDoc {
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** One property per `{name}` of the route's path, no more. */
  readonly pathParams?: z.ZodObject;
  readonly queryParams?: z.ZodObject;
  readonly headerParams?: z.ZodObject;
  readonly requestBody?: ZodOpenApiRequestBodyObject;
  readonly responses: ZodOpenApiResponsesObject;
}

export const JSON_MEDIA_TYPE = "application/json";
export const HTML_MEDIA_TYPE = "text/html";

const json = (schema: z.ZodType) => ({ [JSON_MEDIA_TYPE]: { schema } });
const html = { [HTML_MEDIA_TYPE]: { schema: htmlPageSchema } };

const entryId = z.object({
  id: z.string().meta({
    description: "The entry's id, as POST /v1/entries returned it.",
    examples: ["01JDX7R4M8Q2V3N5P6K7H8J9AB"],
  }),
});

const ledgerName = z
  .string()
  .regex(LEDGER_NAME)
  .meta({ description: "A ledger name.", examples: ["default"] });

const ledgerPath = z.object({ ledger: ledgerName });

const anchoredQuery = (meaning: string) =>
  z.object({
    anchored: z.enum(["true", "false"]).default("false").meta({ description: meaning }),
  });

const entriesRequestBody = entriesRequestSchema.meta({
  id: "EntriesRequest",
  description:
    `1 to ${MAX_ENTRIES_PER_REQUEST} entries for one ledger. A document entry has exactly ` +
    "one of contentHash (its SHA-256) and content (its bytes in base64, at most 256 KiB " +
    "decoded; Stele hashes them and does not keep them, unless retain is true). A " +
    "transaction's payload is at most 64 KiB of canonical JSON. retain: true (on a document " +
    "with content, or a transaction) keeps the content encrypted, for GET " +
    "/v1/entries/{id}/content until erased. Unknown fields are refused.",
});

// On the media type: zod drops a transforming schema's examples from its input JSON Schema.
const entriesRequestExample = {
  ledger: "default",
  entries: [
    {
      kind: "document",
      contentHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      clientRef: "invoice-1",
    },
    { kind: "document", content: "aGVsbG8gd29ybGQ=" },
    { kind: "transaction", payload: { lot: "A-42", weightKg: 12.5 } },
  ],
};

/** A tile or entry bundle (C2SP tlog-tiles), served at two prefixes alike. */
function tileOperation(operationId: string, prefix: string): OperationDoc {
  return {
    operationId,
    summary: `A hash tile or entry bundle (C2SP tlog-tiles), under ${prefix}`,
    description:
      "A tile of the ledger's Merkle tree as C2SP tlog-tiles lays it out, so that any tlog tool " +
      "can mirror or witness the log: `tile/<L>/<N>` (256 hashes) or `tile/<L>/<N>.p/<W>` " +
      "(the first W hashes of a tile at the right edge), N in groups of three digits, all but " +
      "the last prefixed `x` (1234067 → `x001/x234/067`); `tile/entries/<N>[.p/<W>]` is the " +
      "entry bundle of level-0 tile N: each leaf's data (its 32-byte content hash) behind a " +
      "2-byte big-endian length. Served once the latest checkpoint covers it; immutable. The " +
      "same tiles are served under `/v1/ledgers/{ledger}/tile/` and `/v1/tlog/{ledger}/tile/`.",
    tags: ["Log"],
    pathParams: z.object({
      ledger: ledgerName,
      tile: z.string().meta({
        description:
          "The rest of the tile path, slashes included: `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`.",
        examples: ["0/000", "0/x001/234.p/5", "entries/000.p/7"],
      }),
    }),
    responses: {
      200: {
        description: "The tile's hashes, 32 bytes each, end to end; or the entry bundle.",
        content: { "application/octet-stream": { schema: z.string().meta({ format: "binary" }) } },
      },
      404: problemResponse(
        404,
        "No such ledger, a path that names no tile, a tile the latest checkpoint does not cover, " +
          "or an entry bundle of leaves integrated before Stele kept leaf data.",
      ),
    },
  };
}

export const OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  "GET /v1/health": {
    operationId: "getHealth",
    summary: "Health check",
    description: "Answers 200 while the API is up.",
    tags: ["Service"],
    responses: { 200: { description: "The API answers.", content: json(healthSchema) } },
  },
  "POST /v1/entries": {
    operationId: "postEntries",
    summary: "Submit entries",
    description:
      "Accepts documents (bytes or their SHA-256) and transaction payloads into a ledger's " +
      "log. Once answered 202 an entry is durable; it is sequenced under a signed checkpoint " +
      "within seconds and anchored on chain on the anchor schedule. With an Idempotency-Key " +
      "a retried request returns the first response.",
    tags: ["Entries"],
    headerParams: z.object({
      "Idempotency-Key": z
        .string()
        .regex(/^[\x21-\x7e]{1,255}$/)
        .optional()
        .meta({
          description:
            "1 to 255 visible ASCII characters. A retry with the same key and body returns the " +
            "first response; the same key with a different body is 409.",
          examples: ["order-2026-11-24-0001"],
        }),
    }),
    requestBody: {
      required: true,
      description: `application/json, at most ${MAX_BODY_BYTES} bytes (413 beyond).`,
      content: {
        [JSON_MEDIA_TYPE]: { schema: entriesRequestBody, example: entriesRequestExample },
      },
    },
    responses: {
      202: {
        description: "Accepted: the entries in request order, each pending.",
        content: json(entriesAcceptedSchema),
      },
      400: problemResponse(
        400,
        "The body is not JSON, or not a valid request (errors names each field), or the " +
          "Idempotency-Key is malformed.",
      ),
      409: problemResponse(409, "This Idempotency-Key was used with a different body."),
      413: problemResponse(413, `The body is over ${MAX_BODY_BYTES} bytes.`),
      415: problemResponse(415, "The body is not sent as application/json."),
    },
  },
  "GET /v1/entries/{id}": {
    operationId: "getEntry",
    summary: "Entry status",
    description: "The entry and where it is: pending, sequenced, anchored or final.",
    tags: ["Entries"],
    pathParams: entryId,
    responses: {
      200: { description: "The entry.", content: json(entryViewSchema) },
      404: problemResponse(404, "There is no entry with this id."),
    },
  },
  "GET /v1/entries/{id}/proof": {
    operationId: "getProof",
    summary: "Proof bundle",
    description:
      "The proof bundle v1 of the entry: against the latest anchored checkpoint that covers " +
      "it, with its anchors; before one exists, against the latest signed checkpoint, with no " +
      "anchors.",
    tags: ["Proofs"],
    pathParams: entryId,
    queryParams: anchoredQuery("true: answer 425 until an anchored bundle exists."),
    responses: {
      200: { description: "The proof bundle.", content: json(proofBundleResponseSchema) },
      400: problemResponse(400, "anchored is neither true nor false."),
      404: problemResponse(404, "There is no entry with this id."),
      425: problemResponse(
        425,
        "No signed checkpoint covers the entry yet (with anchored=true: no anchored one). " +
          "Ask again after Retry-After seconds.",
      ),
    },
  },
  "GET /v1/entries/{id}/certificate": {
    operationId: "getCertificate",
    summary: "Proof certificate",
    description:
      "A printable, self-contained HTML certificate of the entry: what was recorded, where it " +
      "is anchored, how to verify it, and a QR code that opens the verify page.",
    tags: ["Proofs"],
    pathParams: entryId,
    responses: {
      200: { description: "The certificate page.", content: html },
      404: problemResponse(404, "There is no entry with this id."),
      425: problemResponse(
        425,
        "No signed checkpoint covers the entry yet. Ask again after Retry-After seconds.",
      ),
    },
  },
  "GET /v1/proofs": {
    operationId: "findProofs",
    summary: "Find entries by content hash",
    description:
      "The entries with this content hash: the path from a file you hold to its proof. " +
      "Fetch each one's bundle with GET /v1/entries/{id}/proof.",
    tags: ["Proofs"],
    queryParams: z.object({
      contentHash: z
        .string()
        .regex(/^[0-9a-fA-F]{64}$/)
        .meta({
          description: "SHA-256 of the document (or of the payload's canonical JSON), 64 hex.",
          examples: ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
        }),
      ledger: ledgerName.optional().meta({ description: "Only entries of this ledger." }),
    }),
    responses: {
      200: { description: "The entries (possibly none).", content: json(proofsLookupSchema) },
      400: problemResponse(400, "contentHash is not 64 hex characters, or ledger is no name."),
    },
  },
  "GET /v1/subjects/{subject}/entries": {
    operationId: "listSubjectEntries",
    summary: "A subject's events, in order",
    description:
      "The events of a subject (entries sent with that `subject`, by keys of your tenant) in " +
      "one ledger, oldest first, once sequenced: each with its status, proof and its link. A " +
      "link is a transaction entry Stele adds to the log after each event; its payload names " +
      "the subject, the sequence number, the event and the previous link's contentHash, so the " +
      "links' bundles prove the order and completeness of the history. Paged by an opaque cursor.",
    tags: ["Subjects"],
    pathParams: z.object({
      subject: z.string().meta({
        description: `The subject: ${SUBJECT_NAME_RULE}.`,
        examples: ["lot-2026-11-24-A"],
      }),
    }),
    queryParams: z.object({
      ledger: ledgerName.optional().meta({ description: "The ledger (default `default`)." }),
      cursor: z.string().optional().meta({ description: "`next` of the previous page." }),
      limit: z
        .int()
        .min(1)
        .max(MAX_SUBJECT_PAGE)
        .optional()
        .meta({ description: `Events per page (default ${DEFAULT_SUBJECT_PAGE}).` }),
    }),
    responses: {
      200: { description: "A page of the subject's events.", content: json(subjectPageSchema) },
      400: problemResponse(400, "ledger, cursor or limit is not valid."),
      404: problemResponse(
        404,
        "The subject has no sequenced event in that ledger for this key's tenant.",
      ),
    },
  },
  "GET /v1/ledgers/{ledger}/checkpoint": {
    operationId: "getCheckpoint",
    summary: "Latest checkpoint",
    description:
      "The ledger's latest signed checkpoint, with its anchors once it has any; with " +
      "anchored=true, the latest anchored checkpoint.",
    tags: ["Log"],
    pathParams: ledgerPath,
    queryParams: anchoredQuery("true: the latest anchored checkpoint instead of the latest."),
    responses: {
      200: { description: "The checkpoint.", content: json(checkpointWithAnchorsSchema) },
      400: problemResponse(400, "anchored is neither true nor false."),
      404: problemResponse(
        404,
        "There is no such ledger, or it has no checkpoint yet (with anchored=true: no " +
          "anchored checkpoint yet).",
      ),
    },
  },
  "GET /v1/ledgers/{ledger}/consistency": {
    operationId: "getConsistency",
    summary: "Consistency proof",
    description:
      "An RFC 9162 §2.1.4 consistency proof that the tree of size `from` is a prefix of the " +
      "tree of size `to`: the log only appended. Requires 0 < from ≤ to ≤ the tree size.",
    tags: ["Log"],
    pathParams: ledgerPath,
    queryParams: z.object({
      from: z
        .int()
        .min(1)
        .meta({ description: "The older tree size.", examples: [500] }),
      to: z
        .int()
        .min(1)
        .meta({ description: "The newer tree size.", examples: [1000] }),
    }),
    responses: {
      200: { description: "The consistency proof.", content: json(consistencyProofSchema) },
      400: problemResponse(400, "from or to is missing, not a whole number, or out of range."),
      404: problemResponse(404, "There is no such ledger, or it has no checkpoint yet."),
    },
  },
  "GET /v1/ledgers/{ledger}/checkpoints": {
    operationId: "listCheckpoints",
    summary: "Every checkpoint, with its anchors",
    description:
      "Every signed checkpoint the ledger published, oldest first, each with its standing " +
      "anchors (one per chain) and, on each anchor, the tree size and root it put on chain: " +
      "with the tiles, the whole log as `stele export` saves it and `stele verify-log` checks " +
      "it. Paged: pass `next` as `after` until it is null.",
    tags: ["Log"],
    pathParams: ledgerPath,
    queryParams: z.object({
      after: z
        .int()
        .min(0)
        .optional()
        .meta({ description: "Only checkpoints of a larger tree size.", examples: [1000] }),
      limit: z
        .int()
        .min(1)
        .max(MAX_CHECKPOINT_PAGE)
        .optional()
        .meta({ description: `Checkpoints per page (default ${DEFAULT_CHECKPOINT_PAGE}).` }),
    }),
    responses: {
      200: { description: "A page of checkpoints.", content: json(checkpointPageSchema) },
      400: problemResponse(400, "after or limit is not a whole number, or out of range."),
      404: problemResponse(404, "There is no such ledger, or it has no checkpoint yet."),
    },
  },
  "GET /v1/ledgers/{ledger}/tile/{tile+}": tileOperation("getTile", "the ledger's URLs"),
  "GET /v1/tlog/{ledger}/tile/{tile+}": tileOperation("getTlogTile", "the tlog-tiles prefix"),
  "GET /v1/tlog/{ledger}/checkpoint": {
    operationId: "getCheckpointNote",
    summary: "The latest checkpoint as a signed note (C2SP tlog-tiles)",
    description:
      "The latest signed checkpoint as a C2SP signed note: the checkpoint body, a blank line " +
      "and `— <origin> base64(key ID || signature)`, where the signature is the checkpoint's " +
      "EIP-191 secp256k1 signature (65 bytes) and the key ID is the first 4 bytes of " +
      'SHA-256(origin || 0x0A || 0xff || "eip191-secp256k1" || 20-byte signer address). ' +
      "`/v1/tlog/{ledger}` is the prefix to give tlog tools; its tiles are the same as under " +
      "`/v1/ledgers/{ledger}/tile/`.",
    tags: ["Log"],
    pathParams: ledgerPath,
    responses: {
      200: {
        description: "The signed note.",
        content: { "text/plain": { schema: z.string() } },
      },
      404: problemResponse(404, "There is no such ledger, or it has no checkpoint yet."),
    },
  },
  "GET /v1/log": {
    operationId: "getLogIdentity",
    summary: "The log's published identity",
    description:
      "What a verifier needs besides a bundle: each ledger's origin, the checkpoint signer's " +
      "address, and each chain's Anchor contract and confirmations for final.",
    tags: ["Log"],
    responses: { 200: { description: "The identity.", content: json(logIdentitySchema) } },
  },
  "GET /v1/openapi.json": {
    operationId: "getOpenApiDocument",
    summary: "This API description",
    description: "This document: the OpenAPI 3.1 description of the API.",
    tags: ["Service"],
    responses: {
      200: { description: "The OpenAPI document.", content: json(openApiDocumentSchema) },
    },
  },
  "GET /v1/docs": {
    operationId: "getReferencePage",
    summary: "API reference page",
    description: "This document rendered as one self-contained HTML page.",
    tags: ["Service"],
    responses: { 200: { description: "The reference page.", content: html } },
  },
  ...WEBHOOK_OPERATIONS,
  ...CONTENT_OPERATIONS,
};
