/**
 * PUT, GET and DELETE /v1/webhook: the caller's tenant's webhook (scope manage-webhooks, and a
 * key of the whole tenant: not one kept to some ledgers).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import {
  deleteWebhook,
  getWebhook,
  type ManageWebhookDeps,
  putWebhook,
} from "../app/webhooks/manage-webhook.ts";
import { tenantOf } from "../domain/ledger/tenant.ts";
import type { ApiKeyRecord } from "../ports/api-key-store.ts";
import { webhookRequestSchema } from "../schemas/webhook-request.ts";
import type { ApiKeyGuard } from "./auth.ts";
import type { RouteHandler } from "./dispatch.ts";
import { HttpError } from "./http-error.ts";
import { jsonResponse } from "./problem.ts";
import { jsonBody } from "./request.ts";

/** The scope a key needs for the webhook routes. */
export const WEBHOOK_SCOPE = "manage-webhooks";

/** The webhook's answers name its URL (and the PUT its secret): no cache may keep them. */
const NO_STORE = { "cache-control": "no-store" };

/**
 * A 403 for a key kept to some ledgers: the tenant's one webhook hears of every ledger's
 * entries, which such a key may not read.
 */
function requireWholeTenant(caller: ApiKeyRecord): void {
  if (caller.ledgers === undefined) return;
  throw new HttpError(
    403,
    "this API key is kept to some ledgers; a tenant's webhook reports every ledger: " +
      "use a key of the whole tenant",
  );
}

/** The route handlers, by routeKey, to spread into a function's dispatch table. */
export function webhookRoutes(
  guard: ApiKeyGuard,
  deps: ManageWebhookDeps,
): Record<string, RouteHandler> {
  const requireCaller = async (event: APIGatewayProxyEventV2): Promise<ApiKeyRecord> => {
    const caller = await guard.require(event, WEBHOOK_SCOPE);
    requireWholeTenant(caller);
    return caller;
  };
  return {
    "PUT /v1/webhook": async (event) => {
      const caller = await requireCaller(event);
      const request = webhookRequestSchema.parse(jsonBody(event).value);
      const { webhook, created } = await putWebhook(deps, tenantOf(caller), request.url);
      return jsonResponse(
        created ? 201 : 200,
        { url: webhook.url, secret: webhook.secret, createdAt: webhook.createdAt },
        NO_STORE,
      );
    },
    "GET /v1/webhook": async (event) => {
      const caller = await requireCaller(event);
      return jsonResponse(200, await getWebhook(deps, tenantOf(caller)), NO_STORE);
    },
    "DELETE /v1/webhook": async (event): Promise<APIGatewayProxyStructuredResultV2> => {
      const caller = await requireCaller(event);
      await deleteWebhook(deps, tenantOf(caller));
      return { statusCode: 204, headers: {}, body: "" };
    },
  };
}
