/**
 * CORS as API Gateway answers it for an HTTP API with shared/http/cors.ts as its configuration:
 * preflights answered before any route, and the allow/expose headers added to every answer to a
 * request that names an Origin. The page of another origin (a file:// copy, a dev server) then
 * behaves locally as it will against AWS.
 */
import type { IncomingHttpHeaders } from "node:http";
import { CORS } from "../shared/http/cors.ts";

/** Is this request a CORS preflight (OPTIONS with Access-Control-Request-Method)? */
export function isPreflight(method: string, headers: IncomingHttpHeaders): boolean {
  return method === "OPTIONS" && headers["access-control-request-method"] !== undefined;
}

/** The headers of a preflight's 204 answer. */
export function preflightHeaders(): Record<string, string> {
  return {
    "access-control-allow-origin": CORS.allowOrigins.join(","),
    "access-control-allow-methods": CORS.allowMethods.join(","),
    "access-control-allow-headers": CORS.allowHeaders.join(","),
    "access-control-max-age": String(CORS.maxAgeSeconds),
  };
}

/** Headers added to an answer: none unless the request came with an Origin. */
export function responseCorsHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  if (headers.origin === undefined) return {};
  return {
    "access-control-allow-origin": CORS.allowOrigins.join(","),
    "access-control-expose-headers": CORS.exposeHeaders.join(","),
  };
}
