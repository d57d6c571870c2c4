/** Use cases behind PUT, GET and DELETE /v1/webhook: one webhook per tenant. */
import { toBase64 } from "../../domain/bytes.ts";
import { InvalidArgumentError, NotFoundError } from "../../domain/errors.ts";
import { webhookUrlProblem } from "../../domain/webhooks/webhook-url.ts";
import type { Clock } from "../../ports/clock.ts";
import type { RandomSource } from "../../ports/random-source.ts";
import type { WebhookRecord, WebhookStore } from "../../ports/webhook-store.ts";

export interface ManageWebhookDeps {
  readonly webhooks: Pick<WebhookStore, "putWebhook" | "getWebhook" | "deleteWebhook">;
  readonly clock: Clock;
  readonly random: RandomSource;
  /** The local stack and tests: http to 127.0.0.1 or localhost is allowed too. */
  readonly allowHttpLoopback: boolean;
}

/** A new secret: `whsec_` and 32 random bytes in base64url (256 bits). */
export function newWebhookSecret(random: RandomSource): string {
  const base64 = toBase64(random.bytes(32));
  return `whsec_${base64.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")}`;
}

/** Sets the tenant's webhook URL with a new secret (replacing any other); created: there was none. */
export async function putWebhook(
  deps: ManageWebhookDeps,
  tenant: string,
  url: string,
): Promise<{ readonly webhook: WebhookRecord; readonly created: boolean }> {
  const problem = webhookUrlProblem(url, deps.allowHttpLoopback);
  if (problem !== undefined) {
    throw new InvalidArgumentError(`url must be ${problem}`, {
      errors: [{ path: "url", message: problem }],
    });
  }
  const webhook: WebhookRecord = {
    tenant,
    url,
    secret: newWebhookSecret(deps.random),
    createdAt: new Date(deps.clock.nowMs()).toISOString(),
  };
  const created = await deps.webhooks.putWebhook(webhook);
  return { webhook, created };
}

/** The tenant's webhook without its secret; a NotFoundError when it has none. */
export async function getWebhook(
  deps: Pick<ManageWebhookDeps, "webhooks">,
  tenant: string,
): Promise<{ readonly url: string; readonly createdAt: string }> {
  const webhook = await deps.webhooks.getWebhook(tenant);
  if (webhook === undefined)
    throw new NotFoundError('no webhook is set: PUT /v1/webhook with {"url"} to set one');
  return { url: webhook.url, createdAt: webhook.createdAt };
}

/** Removes the tenant's webhook; events not yet delivered are dropped. Idempotent. */
export async function deleteWebhook(
  deps: Pick<ManageWebhookDeps, "webhooks">,
  tenant: string,
): Promise<void> {
  await deps.webhooks.deleteWebhook(tenant);
}
