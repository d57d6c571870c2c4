/** RFC 9457 problem details: the body of every error answer. */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { FieldError } from "./http-error.ts";

const TITLES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  425: "Too Early",
  429: "Too Many Requests",
  500: "Internal Server Error",
};

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
}

/** A problem+json response. `type` is about:blank: the status and title say what kind it is. */
export function problemResponse(
  status: number,
  detail: string | undefined,
  options: { errors?: readonly FieldError[]; headers?: Record<string, string> } = {},
): APIGatewayProxyStructuredResultV2 {
  const problem: Problem = {
    type: "about:blank",
    title: TITLES[status] ?? "Error",
    status,
    ...(detail === undefined ? {} : { detail }),
    ...(options.errors === undefined || options.errors.length === 0
      ? {}
      : { errors: options.errors }),
  };
  return {
    statusCode: status,
    headers: { "content-type": "application/problem+json", ...options.headers },
    body: JSON.stringify(problem),
  };
}

/** A JSON response. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

/** An HTML page (the certificate, the API reference). */
export function htmlResponse(status: number, html: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { "content-type": "text/html; charset=utf-8" },
    body: html,
  };
}

/** Plain UTF-8 text (a signed note). */
export function textResponse(
  status: number,
  text: string,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { "content-type": "text/plain; charset=utf-8", ...headers },
    body: text,
  };
}

/** Bytes, base64 in the body as API Gateway wants binary answers. */
export function binaryResponse(
  status: number,
  bytes: Uint8Array,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { "content-type": "application/octet-stream", ...headers },
    body: Buffer.from(bytes).toString("base64"),
    isBase64Encoded: true,
  };
}
