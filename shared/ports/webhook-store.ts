/** Port: each tenant's webhook, the delivery marks that keep an event from being POSTed twice. */

export interface WebhookRecord {
  readonly tenant: string;
  /** Where events are POSTed (https; http to loopback where the deployment allows it). */
  readonly url: string;
  /** `whsec_…`: the HMAC key of the Stele-Signature header; shown to the tenant once. */
  readonly secret: string;
  /** RFC 3339 UTC: when this URL and secret were set. */
  readonly createdAt: string;
}

/**
 * What claimDelivery found: "claimed" — this caller may POST the event now; "delivered" — it
 * was POSTed and answered 2xx already; "busy" — another caller is POSTing it right now.
 */
export type DeliveryClaim = "claimed" | "delivered" | "busy";

export interface WebhookStore {
  /** Creates or replaces the tenant's webhook; true when there was none. */
  putWebhook(record: WebhookRecord): Promise<boolean>;
  getWebhook(tenant: string): Promise<WebhookRecord | undefined>;
  /** Removes the tenant's webhook; true when there was one. */
  deleteWebhook(tenant: string): Promise<boolean>;
  /** Every tenant's webhook (a handful of small items: one per tenant that set one). */
  listWebhooks(): Promise<WebhookRecord[]>;
  /**
   * Takes the delivery of `eventId` to `tenant` for `leaseMs` from `nowMs`, unless it is
   * delivered, or leased by another caller and the lease has not run out.
   */
  claimDelivery(
    tenant: string,
    eventId: string,
    nowMs: number,
    leaseMs: number,
  ): Promise<DeliveryClaim>;
  /** Marks the event delivered for good (kept for days, past any retry of the message). */
  markDelivered(tenant: string, eventId: string, nowMs: number): Promise<void>;
  /** Gives a claimed delivery back after a failed attempt, so the next retry may claim it at once. */
  releaseDelivery(tenant: string, eventId: string): Promise<void>;
}
