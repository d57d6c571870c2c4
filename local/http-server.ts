/**
 * The local API: a Node HTTP server that routes like API Gateway (same route table) and invokes
 * the very same function handlers with payload v2 events. `POST /_local/queue` stands in for
 * SQS SendMessage into the ingest queue, `GET /_local/queue` shows its depth and dead letters
 * (local only; not part of the API). Any other GET outside `/v1/` and `/_local/` is a file of
 * the verify page when it names one (`/` is index.html), from memory, so no path reaches the disk.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { problemResponse } from "../shared/http/problem.ts";
import { MAX_BODY_BYTES } from "../shared/http/request.ts";
import { type FunctionName, matchRoute, routeKey } from "../shared/http/routes.ts";
import { apiGatewayEvent, lambdaContext } from "./apigw-event.ts";
import { isPreflight, preflightHeaders, responseCorsHeaders } from "./cors.ts";
import type { LocalQueue } from "./local-queue.ts";
import { clientId, type RateLimit, RateLimiter, tooManyRequests } from "./rate-limit.ts";

export type HttpFunction = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const FUNCTION_TIMEOUT_MS = 30_000;

/** Reads the body, stopping one byte past the limit (the function then answers 413). */
async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    chunks.push(buffer);
    length += buffer.length;
    if (length > MAX_BODY_BYTES) break;
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers = { ...result.headers };
  response.writeHead(result.statusCode ?? 200, headers as Record<string, string>);
  // Binary answers (tiles) come base64-encoded, which API Gateway decodes before sending.
  const body = result.body ?? "";
  response.end(result.isBase64Encoded === true ? Buffer.from(body, "base64") : body);
}

/** One file of a static site: its bytes, by path relative to the site root (`index.html`). */
export interface StaticFile {
  readonly path: string;
  readonly contents: Uint8Array;
}

export interface LocalHttpOptions {
  readonly functions: Readonly<Record<FunctionName, HttpFunction>>;
  readonly queue: LocalQueue;
  readonly onError: (error: unknown) => void;
  /** The verify page's files; read at each request, so they may arrive after the server starts. */
  readonly page?: () => readonly StaticFile[];
  /** API Gateway's throttling, per client (local/rate-limit.ts); none without it. */
  readonly rateLimit?: RateLimit;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  json: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  txt: "text/plain; charset=utf-8",
};

/**
 * The page file a GET of `pathname` asks for, if any. Files are looked up by exact name among
 * those built, never joined to a directory: `..`, encoded or not, can only miss.
 */
function pageFile(pathname: string, files: readonly StaticFile[]): StaticFile | undefined {
  if (pathname.startsWith("/v1/") || pathname.startsWith("/_local/")) return undefined;
  const path = pathname === "/" ? "index.html" : pathname.slice(1);
  return files.find((file) => file.path === path);
}

function sendFile(response: ServerResponse, file: StaticFile, method: string): void {
  const extension = /\.([a-z0-9]+)$/.exec(file.path)?.[1] ?? "";
  response.writeHead(200, {
    "content-type": CONTENT_TYPES[extension] ?? "application/octet-stream",
    "content-length": String(file.contents.length),
    // Rebuilt at every start: never let the browser keep an old page.
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  });
  response.end(method === "HEAD" ? undefined : file.contents);
}

export function createLocalHttpServer(options: LocalHttpOptions): Server {
  const limiter = options.rateLimit === undefined ? undefined : new RateLimiter(options.rateLimit);
  return createServer((request, response) => {
    handle(request, response, options, limiter).catch((error: unknown) => {
      options.onError(error);
      if (!response.headersSent) send(response, problemResponse(500, undefined));
      else response.destroy();
    });
  });
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: LocalHttpOptions,
  limiter?: RateLimiter,
): Promise<void> {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  const method = request.method ?? "GET";
  // Read before the body: stopping at the size limit destroys the request and its socket.
  const sourceIp = request.socket.remoteAddress ?? "127.0.0.1";
  // Throttled before the body is read, as API Gateway does; the page and /_local/ are not the API,
  // and a CORS preflight is answered apart (API Gateway answers it itself; a throttled preflight
  // would leave the browser a CORS failure instead of a readable 429).
  if (
    limiter !== undefined &&
    !url.pathname.startsWith("/_local/") &&
    !isPreflight(method, request.headers) &&
    ((method !== "GET" && method !== "HEAD") ||
      pageFile(url.pathname, options.page?.() ?? []) === undefined)
  ) {
    const decision = limiter.take(clientId(request.headers, sourceIp));
    if (!decision.allowed) {
      const refusal = tooManyRequests(limiter.limit, decision.retryAfterSeconds);
      send(response, {
        ...refusal,
        headers: { ...refusal.headers, ...responseCorsHeaders(request.headers) },
      });
      return;
    }
  }
  const body = await readBody(request);
  if (method === "GET" && url.pathname === "/_local/queue") {
    const { depth, deadLetters } = options.queue;
    send(response, {
      statusCode: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ depth, deadLetters }),
    });
    return;
  }
  if (method === "POST" && url.pathname === "/_local/queue") {
    const messageId = options.queue.send(body.toString("utf8"));
    send(response, {
      statusCode: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messageId }),
    });
    return;
  }
  const file =
    (method === "GET" || method === "HEAD") && options.page !== undefined
      ? pageFile(url.pathname, options.page())
      : undefined;
  if (file !== undefined) {
    sendFile(response, file, method);
    return;
  }
  if (isPreflight(method, request.headers)) {
    response.writeHead(204, preflightHeaders());
    response.end();
    return;
  }
  const match = matchRoute(method, url.pathname);
  // Unmatched requests go to the $default route, served by the read API, which answers 404/405.
  const fn: FunctionName = match.kind === "route" ? match.route.fn : "read-api";
  const key = match.kind === "route" ? routeKey(match.route) : "$default";
  const params =
    match.kind === "route" && Object.keys(match.params).length > 0 ? match.params : undefined;
  const event = apiGatewayEvent(
    {
      method,
      url,
      headers: request.headers,
      body,
      sourceIp,
    },
    key,
    params,
    Date.now(),
  );
  const result = await options.functions[fn](
    event,
    lambdaContext(`stele-${fn}`, FUNCTION_TIMEOUT_MS),
  );
  send(response, {
    ...result,
    headers: { ...result.headers, ...responseCorsHeaders(request.headers) },
  });
}
