/**
 * GET and DELETE /v1/entries/{id}/content: the retained content of the caller's tenant's
 * entries, decrypted (scope read-content) or erased (scope erase-content). Its own function, so
 * that only it may use kms:Decrypt and read-api stays read-only: wiring only.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { systemClock } from "../../shared/adapters/system/system-clock.ts";
import { eraseContent, readContent } from "../../shared/app/retained-content.ts";
import { loadConfig } from "../../shared/config.ts";
import { ApiKeyGuard, readerOf } from "../../shared/http/auth.ts";
import { dispatch } from "../../shared/http/dispatch.ts";
import { errorMiddleware } from "../../shared/http/error-middleware.ts";
import { HttpError } from "../../shared/http/http-error.ts";
import { binaryResponse } from "../../shared/http/problem.ts";
import { startTracing } from "../../shared/observability/tracing.ts";
import { createStore } from "../../shared/wiring.ts";
import { createContentCipher, createContentStore } from "../../shared/wiring-content.ts";

const config = loadConfig(process.env);
const logger = new Logger({ serviceName: "stele" });
const tracing = await startTracing(process.env);
const clients = tracing.clients;
const store = createStore(config, clients);
const guard = new ApiKeyGuard(store, systemClock.nowMs);
const cipher = createContentCipher(config, clients);
const deps = {
  entries: store,
  contents: createContentStore(config, clients),
  clock: systemClock,
  ...(cipher === undefined ? {} : { cipher }),
};

function entryIdParam(event: APIGatewayProxyEventV2): string {
  const id = event.pathParameters?.id;
  if (id === undefined) throw new Error(`route ${event.routeKey} has no {id}`);
  return id;
}

export const handler = middy(
  dispatch({
    "GET /v1/entries/{id}/content": async (event) => {
      const reader = readerOf(await guard.require(event, "read-content"));
      const id = entryIdParam(event);
      const content = await readContent(deps, id, reader);
      if (content.state === "erased") {
        throw new HttpError(
          410,
          `the content of entry ${id} was erased at ${content.erasedAt}; its proof stays valid`,
        );
      }
      // Content is the tenant's data: no shared cache may keep it.
      const headers = { "cache-control": "private, no-store" };
      return content.kind === "document"
        ? binaryResponse(200, content.bytes, headers)
        : binaryResponse(200, content.bytes, { ...headers, "content-type": "application/json" });
    },
    "DELETE /v1/entries/{id}/content": async (event) => {
      const reader = readerOf(await guard.require(event, "erase-content"));
      await eraseContent(deps, entryIdParam(event), reader);
      return { statusCode: 204, headers: {}, body: "" };
    },
  }),
)
  .use(tracing.middleware)
  .use(errorMiddleware(logger));
