/** An HTTP API answer that is not a success, as the user should read it. */
import { CliError, EXIT_NOT_YET, EXIT_USAGE } from "../usage-error.ts";

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** RFC 9457 problem details as the API sends them (every field optional for robustness). */
export interface Problem {
  readonly title?: string;
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
}

/** What a status means to a CLI user, when the API's detail alone does not say what to do. */
function hintFor(status: number): string | undefined {
  if (status === 401)
    return "check the API key (--api-key, STELE_API_KEY or apiKey in the config file)";
  if (status === 403) return "use a key that has this scope";
  if (status === 413) return "send fewer or smaller entries per request";
  if (status === 429) return "the API is throttling: try again later";
  return undefined;
}

/** The API answered `status` (≥ 400) with a problem, or with a body that is not one. */
export class ApiError extends CliError {
  readonly status: number;
  readonly problem: Problem | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, problem: Problem | undefined, retryAfterSeconds?: number) {
    const detail = problem?.detail ?? problem?.title ?? `HTTP ${status}`;
    const fields = (problem?.errors ?? []).map((error) => `${error.path}: ${error.message}`);
    const hint = hintFor(status);
    const message = [`${detail} (HTTP ${status})`, ...fields, ...(hint ? [hint] : [])].join("; ");
    super(message, status === 425 ? EXIT_NOT_YET : EXIT_USAGE);
    this.status = status;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The problem in a response body, if it is one. */
export function parseProblem(text: string): Problem | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return undefined;
    const { title, detail, errors } = value as Record<string, unknown>;
    return {
      ...(typeof title === "string" ? { title } : {}),
      ...(typeof detail === "string" ? { detail } : {}),
      ...(Array.isArray(errors)
        ? {
            errors: errors.filter(
              (error): error is FieldError =>
                typeof error?.path === "string" && typeof error?.message === "string",
            ),
          }
        : {}),
    };
  } catch {
    return undefined;
  }
}

/** Seconds in a Retry-After header (delta-seconds or an HTTP date), if it has a usable one. */
export function retryAfterSeconds(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}
