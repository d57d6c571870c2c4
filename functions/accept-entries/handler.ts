/** POST /v1/entries: wiring only. */
import { Logger } from "@aws-lambda-powertools/logger";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { systemClock, systemRandom } from "../../shared/adapters/system/system-clock.ts";
import { acceptEntries } from "../../shared/app/accept-entries.ts";
import { LedgerRegistry } from "../../shared/app/ledger-registry.ts";
import { loadConfig } from "../../shared/config.ts";
import { tenantOf } from "../../shared/domain/ledger/tenant.ts";
import { ApiKeyGuard, idempotencyScope, requireLedger, sha256Hex } from "../../shared/http/auth.ts";
import { dispatch } from "../../shared/http/dispatch.ts";
import { errorMiddleware } from "../../shared/http/error-middleware.ts";
import { HttpError } from "../../shared/http/http-error.ts";
import { jsonResponse } from "../../shared/http/problem.ts";
import { header, jsonBody } from "../../shared/http/request.ts";
import { webhookRoutes } from "../../shared/http/webhook-routes.ts";
import { startTracing } from "../../shared/observability/tracing.ts";
import { entriesRequestSchema } from "../../shared/schemas/entries-request.ts";
import { createStore } from "../../shared/wiring.ts";
import { createContentRetention } from "../../shared/wiring-content.ts";
import { createWebhookStore } from "../../shared/wiring-webhooks.ts";

const config = loadConfig(process.env);
const logger = new Logger({ serviceName: "stele" });
const tracing = await startTracing(process.env);
const clients = tracing.clients;
const store = createStore(config, clients);
const guard = new ApiKeyGuard(store, systemClock.nowMs);
const ledgers = new LedgerRegistry(store);
// Encrypted retention ("retain": true), when a content key is configured.
const contents = createContentRetention(config, clients);
const deps = {
  entries: store,
  clock: systemClock,
  random: systemRandom,
  ...(contents === undefined ? {} : { contents }),
};
const webhookDeps = {
  webhooks: createWebhookStore(config, clients),
  clock: systemClock,
  random: systemRandom,
  allowHttpLoopback: config.STELE_WEBHOOK_ALLOW_HTTP_LOOPBACK === "true",
};

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

async function postEntries(event: APIGatewayProxyEventV2) {
  const caller = await guard.require(event, "write");
  const { value, bytes } = jsonBody(event);
  const request = entriesRequestSchema.parse(value);
  const key = header(event, "idempotency-key");
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new HttpError(400, "Idempotency-Key must be 1 to 255 visible ASCII characters", {
      errors: [{ path: "Idempotency-Key", message: "1 to 255 visible ASCII characters" }],
    });
  }
  requireLedger(caller, request.ledger);
  await ledgers.ensure(request.ledger);
  const idempotency =
    key === undefined
      ? {}
      : {
          idempotency: {
            scope: idempotencyScope(caller),
            key,
            requestHash: sha256Hex(bytes.toString("utf8")),
          },
        };
  const entries = await acceptEntries(deps, request, { tenant: tenantOf(caller), ...idempotency });
  return jsonResponse(202, { entries });
}

export const handler = middy(
  dispatch({ "POST /v1/entries": postEntries, ...webhookRoutes(guard, webhookDeps) }),
)
  .use(tracing.middleware)
  .use(errorMiddleware(logger));
