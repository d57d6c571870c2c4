/** The error answers of the OpenAPI document: problem+json bodies, with their headers. */
import * as z from "zod";
import type { ZodOpenApiResponseObject } from "zod-openapi";
import { problemSchema } from "../../schemas/api-responses.ts";

export const PROBLEM_MEDIA_TYPE = "application/problem+json";

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 425;

const retryAfter = z.object({
  "Retry-After": z.int().min(0).meta({ description: "Seconds to wait before asking again." }),
});

const wwwAuthenticate = z.object({
  "WWW-Authenticate": z.string().meta({ examples: ['Bearer realm="stele"'] }),
});

/** A problem+json answer with `status`, saying when it happens. */
export function problemResponse(
  status: ProblemStatus,
  description: string,
): ZodOpenApiResponseObject {
  return {
    description,
    content: { [PROBLEM_MEDIA_TYPE]: { schema: problemSchema } },
    ...(status === 425 ? { headers: retryAfter } : {}),
    ...(status === 401 ? { headers: wwwAuthenticate } : {}),
  };
}
