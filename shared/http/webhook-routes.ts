/** PUT, GET and DELETE /v1/webhook: the caller's tenant's webhook (scope manage-webhooks). */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import {
  deleteWebhook,
  getWebhook,
  type ManageWebhookDeps,
  putWebhook,
} from "../app/webhooks/manage-webhook.ts";
import { tenantOf } from "../domain/ledger/tenant.ts";
import { webhookRequestSchema } from "../schemas/webhook-request.ts";
import type { ApiKeyGuard } from "./auth.ts";
import type { RouteHandler } from "./dispatch.ts";
import { jsonResponse } from "./problem.ts";
import { jsonBody } from "./request.ts";

/** The scope a key needs for the webhook routes. */
export const WEBHOOK_SCOPE = "manage-webhooks";

/** The route handlers, by routeKey, to spread into a function's dispatch table. */
export function webhookRoutes(
  guard: ApiKeyGuard,
  deps: ManageWebhookDeps,
): Record<string, RouteHandler> {
  return {
    "PUT /v1/webhook": async (event) => {
      const caller = await guard.require(event, WEBHOOK_SCOPE);
      const request = webhookRequestSchema.parse(jsonBody(event).value);
      const { webhook, created } = await putWebhook(deps, tenantOf(caller), request.url);
      return jsonResponse(created ? 201 : 200, {
        url: webhook.url,
        secret: webhook.secret,
        createdAt: webhook.createdAt,
      });
    },
    "GET /v1/webhook": async (event) => {
      const caller = await guard.require(event, WEBHOOK_SCOPE);
      return jsonResponse(200, await getWebhook(deps, tenantOf(caller)));
    },
    "DELETE /v1/webhook": async (event): Promise<APIGatewayProxyStructuredResultV2> => {
      const caller = await guard.require(event, WEBHOOK_SCOPE);
      await deleteWebhook(deps, tenantOf(caller));
      return { statusCode: 204, headers: {}, body: "" };
    },
  };
}
