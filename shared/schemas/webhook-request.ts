/** PUT /v1/webhook's body and the answers of the webhook routes. */
import * as z from "zod";
import { MAX_WEBHOOK_URL_LENGTH } from "../domain/webhooks/webhook-url.ts";

export const webhookRequestSchema = z
  .strictObject({
    url: z
      .string()
      .min(1)
      .max(MAX_WEBHOOK_URL_LENGTH)
      .meta({
        description:
          "Where Stele POSTs events: an https URL without user name, password or fragment.",
        examples: ["https://example.com/stele-events"],
      }),
  })
  .meta({ id: "WebhookRequest", description: "The tenant's webhook URL." });

export type WebhookRequest = z.infer<typeof webhookRequestSchema>;

const url = z.string().meta({ description: "Where Stele POSTs events." });
const createdAt = z.iso
  .datetime({ offset: true })
  .meta({ description: "RFC 3339 UTC: when this URL and secret were set." });

export const webhookCreatedSchema = z
  .object({
    url,
    secret: z.string().meta({
      description:
        "whsec_…: the key of the Stele-Signature header's HMAC-SHA256. Shown only in this " +
        "answer: keep it; PUT again to get a new one.",
      examples: ["whsec_3q2-7wEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    }),
    createdAt,
  })
  .meta({ id: "WebhookCreated", description: "The webhook as set, with its new secret." });

export const webhookViewSchema = z
  .object({ url, createdAt })
  .meta({ id: "Webhook", description: "The tenant's webhook (its secret is never shown again)." });
