/**
 * Use case: deliver one webhook queue message. The event is POSTed, signed, to the tenant's
 * current URL; a 2xx marks it delivered for good, so a message the queue hands over twice (or
 * an event the notifier emitted twice) is POSTed once. A failure is retried with exponential
 * backoff by sending the message again, delayed, for 24 hours from the first attempt; then it
 * goes to the dead-letter queue.
 *
 * At least once: the retry (or dead letter) is sent before this message is let go, and a claim
 * that died mid-POST lapses after `leaseMs`, so a later receive POSTs again.
 */
import { entryId } from "../../domain/ledger/entry-id.ts";
import { tenantOf } from "../../domain/ledger/tenant.ts";
import { afterFailure, hopDelaySeconds } from "../../domain/webhooks/delivery-schedule.ts";
import {
  type EventEntry,
  webhookEventBody,
  webhookEventId,
} from "../../domain/webhooks/webhook-event.ts";
import { SIGNATURE_HEADER, signatureHeader } from "../../domain/webhooks/webhook-signature.ts";
import type { Clock } from "../../ports/clock.ts";
import type { EntryStore } from "../../ports/entry-store.ts";
import type { WebhookQueue } from "../../ports/webhook-queue.ts";
import type { WebhookSender } from "../../ports/webhook-sender.ts";
import type { WebhookStore } from "../../ports/webhook-store.ts";
import { parseWebhookMessage, type WebhookMessage } from "../../schemas/webhook-message.ts";

export interface DeliverDeps {
  readonly webhooks: Pick<
    WebhookStore,
    "getWebhook" | "claimDelivery" | "markDelivered" | "releaseDelivery"
  >;
  readonly entries: Pick<EntryStore, "getBatch">;
  readonly queue: WebhookQueue;
  readonly sender: WebhookSender;
  readonly clock: Clock;
}

export interface DeliverOptions {
  /** A POST that takes longer has failed. */
  readonly timeoutMs: number;
  /** How long a claim keeps others from POSTing the same event (longer than timeoutMs). */
  readonly leaseMs: number;
  /** How long to wait before trying an event another delivery is POSTing right now. */
  readonly busyDelaySeconds?: number;
}

/** What one message came to, for logs and tests. */
export type DeliveryOutcome =
  | { readonly kind: "delivered"; readonly eventId: string; readonly status: number }
  | { readonly kind: "duplicate"; readonly eventId: string }
  | { readonly kind: "waiting"; readonly eventId: string; readonly delaySeconds: number }
  | { readonly kind: "busy"; readonly eventId: string }
  | { readonly kind: "no-webhook"; readonly eventId: string }
  /** Never POSTed: the event names a batch of another tenant (or ledger); dead-lettered. */
  | { readonly kind: "refused"; readonly eventId: string; readonly reason: string }
  | {
      readonly kind: "retry";
      readonly eventId: string;
      readonly attempt: number;
      readonly error: string;
      readonly notBeforeMs: number;
    }
  | {
      readonly kind: "dead-lettered";
      readonly eventId: string;
      readonly attempt: number;
      readonly error: string;
    };

export const USER_AGENT = "Stele-Webhooks/1";

/** The headers of one POST (the body's bytes are what the signature covers). */
export function deliveryHeaders(
  eventId: string,
  type: string,
  attempt: number,
  signature: string,
): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "stele-event-id": eventId,
    "stele-event-type": type,
    "stele-delivery-attempt": String(attempt),
    [SIGNATURE_HEADER.toLowerCase()]: signature,
  };
}

/**
 * The entries the event reports (none for anchor.reorged), or why it may not be sent: its batch
 * is not the message's tenant's (or not in the event's ledger), so its entries would go to a
 * tenant that may not read them.
 */
async function eventEntries(
  deps: DeliverDeps,
  message: WebhookMessage,
): Promise<{ readonly entries: readonly EventEntry[] | undefined } | { readonly refused: string }> {
  const { event } = message;
  if (event.type === "anchor.reorged") return { entries: undefined };
  const batch = await deps.entries.getBatch(event.batchId);
  if (batch === undefined || !("firstLeafIndex" in batch))
    throw new Error(
      `event ${webhookEventId(event)} names batch ${event.batchId}, which is not sequenced`,
    );
  if (tenantOf(batch) !== message.tenant || batch.ledger !== event.ledger) {
    return {
      refused:
        `batch ${batch.batchId} is tenant ${tenantOf(batch)}'s in ledger ${batch.ledger}, ` +
        `not tenant ${message.tenant}'s in ledger ${event.ledger}: not sent`,
    };
  }
  const entries = batch.entries.map((entry, position) => ({
    id: entryId(batch.batchId, position),
    leafIndex: batch.firstLeafIndex + position,
    contentHash: entry.contentHash,
    ...(entry.clientRef === undefined ? {} : { clientRef: entry.clientRef }),
  }));
  return { entries };
}

/** Delivers the message with body `body`; throws only when it could not be handled (SQS retries it). */
export async function deliverWebhookMessage(
  deps: DeliverDeps,
  body: string,
  options: DeliverOptions,
): Promise<DeliveryOutcome> {
  const message = parseWebhookMessage(body);
  const { tenant, event } = message;
  const eventId = webhookEventId(event);
  const nowMs = deps.clock.nowMs();
  if (message.notBeforeMs !== undefined && message.notBeforeMs > nowMs) {
    const delaySeconds = hopDelaySeconds(message.notBeforeMs, nowMs);
    await deps.queue.send([{ body, delaySeconds }]);
    return { kind: "waiting", eventId, delaySeconds };
  }
  const webhook = await deps.webhooks.getWebhook(tenant);
  // Deleted since the event was emitted: the tenant wants no more events.
  if (webhook === undefined) return { kind: "no-webhook", eventId };
  // Whose entries these are, settled before any claim or POST: a message that names another
  // tenant's batch (a fault upstream, or a forged message) goes to the operators, unsent.
  const reported = await eventEntries(deps, message);
  if ("refused" in reported) {
    const reason = reported.refused.slice(0, 500);
    await deps.queue.deadLetter(
      JSON.stringify({ ...message, lastError: reason, deadLetteredAtMs: nowMs }),
    );
    return { kind: "refused", eventId, reason };
  }
  const claim = await deps.webhooks.claimDelivery(tenant, eventId, nowMs, options.leaseMs);
  if (claim === "delivered") return { kind: "duplicate", eventId };
  if (claim === "busy") {
    await deps.queue.send([{ body, delaySeconds: options.busyDelaySeconds ?? 60 }]);
    return { kind: "busy", eventId };
  }

  // Moved back from the dead-letter queue by an operator: a new series, 24 hours from now.
  const redriven = message.deadLetteredAtMs !== undefined;
  const attempt = (redriven ? 0 : message.attempts) + 1;
  let outcome: { ok: true; status: number } | { ok: false; error: string };
  try {
    const payload = JSON.stringify(webhookEventBody(event, message.createdAt, reported.entries));
    const signature = signatureHeader(webhook.secret, Math.floor(nowMs / 1000), payload);
    const headers = deliveryHeaders(eventId, event.type, attempt, signature);
    outcome = await deps.sender.post(webhook.url, headers, payload, options.timeoutMs);
  } catch (error) {
    await deps.webhooks.releaseDelivery(tenant, eventId);
    throw error;
  }
  const endedMs = deps.clock.nowMs();
  if (outcome.ok) {
    await deps.webhooks.markDelivered(tenant, eventId, endedMs);
    return { kind: "delivered", eventId, status: outcome.status };
  }

  const firstAttemptAtMs = redriven ? nowMs : (message.firstAttemptAtMs ?? nowMs);
  const error = outcome.error.slice(0, 500);
  const next = afterFailure(attempt, firstAttemptAtMs, endedMs);
  const { deadLetteredAtMs: _dead, notBeforeMs: _due, ...rest } = message;
  const retried: WebhookMessage = {
    ...rest,
    attempts: attempt,
    firstAttemptAtMs,
    lastError: error,
    ...(next.kind === "retry" ? { notBeforeMs: next.notBeforeMs } : {}),
  };
  if (next.kind === "give-up") {
    await deps.queue.deadLetter(JSON.stringify({ ...retried, deadLetteredAtMs: endedMs }));
  } else {
    await deps.queue.send([
      { body: JSON.stringify(retried), delaySeconds: hopDelaySeconds(next.notBeforeMs, endedMs) },
    ]);
  }
  // After the retry is queued: a crash before this line leaves a lease that lapses by itself.
  await deps.webhooks.releaseDelivery(tenant, eventId);
  return next.kind === "give-up"
    ? { kind: "dead-lettered", eventId, attempt, error }
    : { kind: "retry", eventId, attempt, error, notBeforeMs: next.notBeforeMs };
}
