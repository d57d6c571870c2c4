/** Reading API Gateway v2 requests: JSON bodies within the contract's limits, and query values. */
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { HttpError } from "./http-error.ts";

/** Lambda's synchronous payload limit, which the contract adopts for request bodies. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/** The raw body bytes (API Gateway may hand them over base64-encoded). */
export function bodyBytes(event: APIGatewayProxyEventV2): Buffer {
  const body = event.body ?? "";
  return event.isBase64Encoded ? Buffer.from(body, "base64") : Buffer.from(body, "utf8");
}

/** The parsed JSON body, after the media type (415) and size (413) checks; 400 if not JSON. */
export function jsonBody(event: APIGatewayProxyEventV2): { value: unknown; bytes: Buffer } {
  const contentType = event.headers["content-type"] ?? "";
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") {
    throw new HttpError(
      415,
      `send the body as application/json (got ${contentType ? JSON.stringify(contentType) : "no content-type"})`,
    );
  }
  const bytes = bodyBytes(event);
  if (bytes.length > MAX_BODY_BYTES) {
    throw new HttpError(
      413,
      `the body is ${bytes.length} bytes; at most ${MAX_BODY_BYTES} are accepted: send fewer entries per request`,
    );
  }
  try {
    return { value: JSON.parse(bytes.toString("utf8")), bytes };
  } catch (error) {
    throw new HttpError(400, `the body is not JSON: ${(error as Error).message}`, {
      errors: [{ path: "(body)", message: "not JSON" }],
    });
  }
}

/** A header value by case-insensitive name (API Gateway v2 lowercases them already). */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.headers[name.toLowerCase()];
}

/**
 * The API's base URL as the client reached it (`https://abc.execute-api…`), for links the API
 * hands out: API Gateway sets the host as the domain name and adds x-forwarded-proto.
 */
export function requestBaseUrl(event: APIGatewayProxyEventV2): string {
  const proto = header(event, "x-forwarded-proto") ?? "https";
  return `${proto}://${event.requestContext.domainName}`;
}
