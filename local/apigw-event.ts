/** Node HTTP requests as the API Gateway HTTP API (payload v2) events the functions receive. */
import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";

function joinHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      joined[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  return joined;
}

/** Like API Gateway: repeated query parameters are joined with commas. */
function queryParameters(search: URLSearchParams): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [name, value] of search)
    params[name] = name in params ? `${params[name]},${value}` : value;
  return Object.keys(params).length > 0 ? params : undefined;
}

/** Text bodies are passed as text, anything else base64-encoded, as API Gateway does. */
function isTextual(contentType: string | undefined): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "" || type.startsWith("text/") || type.endsWith("json") || type.endsWith("xml");
}

export interface LocalRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly sourceIp: string;
}

export function apiGatewayEvent(
  request: LocalRequest,
  routeKey: string,
  pathParameters: Record<string, string> | undefined,
  nowMs: number,
): APIGatewayProxyEventV2 {
  // API Gateway adds x-forwarded-proto; links the API builds to itself read it.
  const headers: Record<string, string> = {
    "x-forwarded-proto": "http",
    ...joinHeaders(request.headers),
  };
  const textual = isTextual(headers["content-type"]);
  const requestId = randomUUID();
  const queryStringParameters = queryParameters(request.url.searchParams);
  return {
    version: "2.0",
    routeKey,
    rawPath: request.url.pathname,
    rawQueryString: request.url.search.slice(1),
    headers,
    ...(queryStringParameters === undefined ? {} : { queryStringParameters }),
    ...(pathParameters === undefined ? {} : { pathParameters }),
    ...(request.body.length === 0
      ? { isBase64Encoded: false }
      : { body: request.body.toString(textual ? "utf8" : "base64"), isBase64Encoded: !textual }),
    requestContext: {
      accountId: "local",
      apiId: "local",
      domainName: headers.host ?? "127.0.0.1",
      domainPrefix: "local",
      http: {
        method: request.method,
        path: request.url.pathname,
        protocol: "HTTP/1.1",
        sourceIp: request.sourceIp,
        userAgent: headers["user-agent"] ?? "",
      },
      requestId,
      routeKey,
      stage: "$default",
      time: new Date(nowMs).toUTCString(),
      timeEpoch: nowMs,
    },
  };
}

/** A Lambda context for a local invocation with `timeoutMs` to run. */
export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
