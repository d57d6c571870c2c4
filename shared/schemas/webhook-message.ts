/**
 * A message of the webhook delivery queue: one event for one tenant, with where its delivery
 * stands. Retries re-send it with the attempt count and times carried in the body (SQS delays a
 * message at most 15 minutes, and its receive count restarts with every new message).
 */
import * as z from "zod";
import { TENANT_NAME } from "../domain/ledger/tenant.ts";
import type { WebhookEventRef } from "../domain/webhooks/webhook-event.ts";

const count = z.number().int().min(0);

const anchorRefSchema = z.strictObject({
  chainId: z.number().int().positive(),
  contract: z.string().min(1),
  treeSize: count,
  rootHash: z.string().regex(/^[0-9a-f]{64}$/),
  attempt: count,
  txHash: z.string().min(1),
  blockNumber: count,
  blockHash: z.string().min(1),
});

const eventRefSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("entry.sequenced"),
    ledger: z.string().min(1),
    batchId: z.string().min(1),
    treeSize: count,
  }),
  z.strictObject({
    type: z.enum(["entry.anchored", "entry.final"]),
    ledger: z.string().min(1),
    batchId: z.string().min(1),
    anchor: anchorRefSchema,
  }),
  z.strictObject({
    type: z.literal("anchor.reorged"),
    ledger: z.string().min(1),
    anchor: anchorRefSchema,
  }),
]);

export const webhookMessageSchema = z.strictObject({
  tenant: z.string().regex(TENANT_NAME),
  event: eventRefSchema,
  /** RFC 3339 UTC: when the event was emitted (the body's createdAt on every attempt). */
  createdAt: z.iso.datetime(),
  /** POSTs made so far (0: none yet). */
  attempts: count,
  /** Unix ms of the first POST, once made: the 24 hours of retries count from it. */
  firstAttemptAtMs: count.optional(),
  /** Unix ms before which the next POST must not be made (waits longer than SQS's 15 minutes). */
  notBeforeMs: count.optional(),
  /** Why the last POST failed. */
  lastError: z.string().max(500).optional(),
  /**
   * Unix ms when it was given up and put on the dead-letter queue. An operator who moves it back
   * (an SQS DLQ redrive) gives it a new 24 hours of retries.
   */
  deadLetteredAtMs: count.optional(),
});

export interface WebhookMessage extends Omit<z.infer<typeof webhookMessageSchema>, "event"> {
  readonly event: WebhookEventRef;
}

/** Parses a queue message body; throws a ZodError (or SyntaxError) for anything else. */
export function parseWebhookMessage(body: string): WebhookMessage {
  return webhookMessageSchema.parse(JSON.parse(body)) as WebhookMessage;
}
