/** The OpenAPI descriptions of the retained-content routes (spread into OPERATIONS). */
import * as z from "zod";
import type { OperationDoc } from "./operations.ts";
import { problemResponse } from "./problem-responses.ts";

const entryId = z.object({
  id: z.string().meta({
    description: "The entry's id, as POST /v1/entries returned it.",
    examples: ["01JDX7R4M8Q2V3N5P6K7H8J9AB"],
  }),
});

const NOT_FOUND =
  "There is no entry with this id (or it is another tenant's, or in a ledger the key may not " +
  'use), or the entry was not sent with "retain": true (detail says which).';

export const CONTENT_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  "GET /v1/entries/{id}/content": {
    operationId: "getEntryContent",
    summary: "Retained content",
    description:
      'The content of an entry sent with "retain": true, decrypted: a document\'s bytes, or a ' +
      "transaction payload's RFC 8785 canonical JSON — exactly the bytes its contentHash is the " +
      "SHA-256 of, so it checks against the proof. Stored encrypted (KMS envelope encryption, " +
      "AES-256-GCM bound to the entry id). Needs the read-content scope; never cached.",
    tags: ["Entries"],
    pathParams: entryId,
    responses: {
      200: {
        description: "The content.",
        content: {
          "application/octet-stream": {
            schema: z.string().meta({ format: "binary", description: "A document's bytes." }),
          },
          "application/json": {
            schema: z
              .record(z.string(), z.unknown())
              .meta({ description: "A transaction's payload, as its canonical JSON bytes." }),
          },
        },
      },
      404: problemResponse(404, NOT_FOUND),
      410: problemResponse(
        410,
        "The content was erased (DELETE /v1/entries/{id}/content); detail says when. The entry " +
          "and its proof stay.",
      ),
    },
  },
  "DELETE /v1/entries/{id}/content": {
    operationId: "eraseEntryContent",
    summary: "Erase retained content",
    description:
      "Erases the retained content of an entry (the right to erasure): GET then answers 410. " +
      "The entry, its contentHash and its proof stay valid: the log holds the hash, never the " +
      "content. A retried POST with the first request's Idempotency-Key does not bring it " +
      "back. Idempotent. Needs the erase-content scope.",
    tags: ["Entries"],
    pathParams: entryId,
    responses: {
      204: { description: "Erased (now or before)." },
      404: problemResponse(404, NOT_FOUND),
    },
  },
};
