/**
 * The one place errors become HTTP answers. A client's mistake is a 4xx problem+json that says
 * what to fix; anything else is a bare 500, logged with its cause and never shown to the client.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { ZodError } from "zod";
import { SteleError } from "../domain/errors.ts";
import { type FieldError, HttpError } from "./http-error.ts";
import { problemResponse } from "./problem.ts";

const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  invalid_argument: 400,
  invalid_bundle: 400,
  invalid_proof: 400,
  not_found: 404,
  conflict: 409,
  not_yet: 425,
  too_large: 413,
};

/** Field errors from a zod error, with paths like `entries.3.contentHash`. */
export function fieldErrors(error: ZodError): FieldError[] {
  const pathOf = (path: readonly PropertyKey[]) => path.map(String).join(".") || "(body)";
  // An unknown field is named by its own path (`entries.0.contnet`), not its parent's.
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: "unknown field" }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
}

function asFieldErrors(value: unknown): FieldError[] {
  return Array.isArray(value) ? (value as FieldError[]) : [];
}

/** What was thrown, as text for the log: anything can be thrown, even what String() refuses. */
function describeThrown(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

export function toProblem(error: unknown, logger: Logger): APIGatewayProxyStructuredResultV2 {
  if (error instanceof HttpError) {
    return problemResponse(error.status, error.message, {
      errors: error.errors,
      headers: error.headers,
    });
  }
  if (error instanceof ZodError) {
    return problemResponse(400, "the request is not valid: see errors", {
      errors: fieldErrors(error),
    });
  }
  if (error instanceof SteleError) {
    const status = STATUS_OF_CODE[error.code];
    if (status !== undefined) {
      const retryAfter = error.context.retryAfterSeconds;
      const headers: Record<string, string> =
        typeof retryAfter === "number" ? { "retry-after": String(retryAfter) } : {};
      return problemResponse(status, error.message, {
        errors: asFieldErrors(error.context.errors),
        headers,
      });
    }
  }
  logger.error("request failed", { error: error instanceof Error ? error : describeThrown(error) });
  return problemResponse(500, undefined);
}

export function errorMiddleware(
  logger: Logger,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      request.response = toProblem(request.error, logger);
    },
  };
}
