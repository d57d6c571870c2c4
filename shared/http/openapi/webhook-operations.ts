/** The OpenAPI descriptions of the webhook routes (spread into OPERATIONS). */

import * as z from "zod";
import {
  webhookCreatedSchema,
  webhookRequestSchema,
  webhookViewSchema,
} from "../../schemas/webhook-request.ts";
import type { OperationDoc } from "./operations.ts";
import { problemResponse } from "./problem-responses.ts";

const JSON_MEDIA_TYPE = "application/json";

/** The answers name the URL (and the PUT's its secret): no cache may keep them. */
const noStore = z.object({
  "Cache-Control": z.literal("no-store").meta({ description: "Never cached." }),
});

const WHOLE_TENANT =
  "Needs a key of the whole tenant: a key kept to some ledgers is refused (403), since the " +
  "webhook reports every ledger's entries.";

const EVENTS =
  "Stele POSTs `entry.sequenced`, `entry.anchored`, `entry.final` and `anchor.reorged` " +
  "events about this tenant's entries as JSON `{id, type, createdAt, data}`, signed in the " +
  '`Stele-Signature` header (`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`), ' +
  "at least once, retried with exponential backoff for 24 hours. Event ids (also in the " +
  "`Stele-Event-Id` header) are stable: drop repeats.";

export const WEBHOOK_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  "PUT /v1/webhook": {
    operationId: "putWebhook",
    summary: "Set the webhook",
    description:
      `Sets the URL events are POSTed to, with a new signing secret, returned only here. ${EVENTS} ` +
      "PUT again to change the URL or roll the secret (the old one stops at once). " +
      "The URL must be https to a public host: IP literals of private, loopback, link-local, " +
      "CGNAT or unspecified addresses and the names localhost, *.localhost and *.internal are " +
      `refused. ${WHOLE_TENANT}`,
    tags: ["Webhooks"],
    requestBody: {
      required: true,
      description: "application/json.",
      content: {
        [JSON_MEDIA_TYPE]: {
          schema: webhookRequestSchema,
          example: { url: "https://example.com/stele-events" },
        },
      },
    },
    responses: {
      200: {
        description: "Replaced: the new URL and secret.",
        headers: noStore,
        content: { [JSON_MEDIA_TYPE]: { schema: webhookCreatedSchema } },
      },
      201: {
        description: "Created: the URL and its secret.",
        headers: noStore,
        content: { [JSON_MEDIA_TYPE]: { schema: webhookCreatedSchema } },
      },
      400: problemResponse(
        400,
        "The body is not JSON, or url is not an https URL to a public host (errors says why).",
      ),
      415: problemResponse(415, "The body is not sent as application/json."),
    },
  },
  "GET /v1/webhook": {
    operationId: "getWebhook",
    summary: "The webhook",
    description: `The URL events are POSTed to; the secret is never shown again. ${WHOLE_TENANT}`,
    tags: ["Webhooks"],
    responses: {
      200: {
        description: "The webhook.",
        headers: noStore,
        content: { [JSON_MEDIA_TYPE]: { schema: webhookViewSchema } },
      },
      404: problemResponse(404, "No webhook is set."),
    },
  },
  "DELETE /v1/webhook": {
    operationId: "deleteWebhook",
    summary: "Remove the webhook",
    description: `Stops events: those not yet delivered are dropped. Idempotent. ${WHOLE_TENANT}`,
    tags: ["Webhooks"],
    responses: { 204: { description: "Removed (or there was none)." } },
  },
};
