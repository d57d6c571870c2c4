/**
 * The HTTP client of the CLI: global fetch with a timeout per attempt, bearer auth, retries
 * with backoff on network errors, 5xx and 429, and problem+json errors as {@link ApiError}.
 * Only idempotent requests are retried (GETs, and POSTs that carry an Idempotency-Key).
 */
import { CliError, EXIT_USAGE } from "../usage-error.ts";
import { ApiError, parseProblem, retryAfterSeconds } from "./api-error.ts";

export interface ApiClientOptions {
  readonly baseUrl: string;
  readonly apiKey?: string;
  /** Attempts after the first one (default 4: about 7.5 s of backoff in all). */
  readonly retries?: number;
  /** Per attempt (default 30 s). */
  readonly timeoutMs?: number;
  /** Told before each retry, e.g. to print a warning line. */
  readonly onRetry?: (reason: string, delayMs: number) => void;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Send the API key (default true when the client has one). */
  readonly auth?: boolean;
  /** Retry on network errors and 5xx (default: GET, or a POST with an Idempotency-Key). */
  readonly retry?: boolean;
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
const MAX_RETRY_AFTER_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Why fetch failed, in the words of the OS (ECONNREFUSED, ENOTFOUND…) where it gives them. */
function networkReason(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return "no answer in time";
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

export class ApiClient {
  readonly baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly #retries: number;
  readonly #timeoutMs: number;
  readonly #onRetry: ApiClientOptions["onRetry"];

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#apiKey = options.apiKey;
    this.#retries = options.retries ?? 4;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#onRetry = options.onRetry;
  }

  /** The answer to `method path`, whatever its status, after retries of transient failures. */
  async raw(
    method: "GET" | "POST",
    path: string,
    options: RequestOptions = {},
  ): Promise<RawAnswer> {
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (options.auth !== false && this.#apiKey !== undefined)
      headers.authorization = `Bearer ${this.#apiKey}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    }
    const retry =
      options.retry ??
      (method === "GET" ||
        Object.keys(headers).some((name) => name.toLowerCase() === "idempotency-key"));
    const url = `${this.baseUrl}${path}`;
    for (let attempt = 0; ; attempt++) {
      const canRetry = retry && attempt < this.#retries;
      const backoffMs = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers,
          ...(body === undefined ? {} : { body }),
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
      } catch (error) {
        const reason = networkReason(error);
        if (canRetry) {
          this.#onRetry?.(`${method} ${path}: ${reason}`, backoffMs);
          await sleep(backoffMs);
          continue;
        }
        throw new CliError(
          `cannot reach the API at ${this.baseUrl}: ${reason}; is it running? check --api-url or STELE_API_URL`,
          EXIT_USAGE,
          { cause: error },
        );
      }
      const answer = {
        status: response.status,
        headers: response.headers,
        body: new Uint8Array(await response.arrayBuffer()),
      };
      if (canRetry && (answer.status === 429 || answer.status >= 500)) {
        const after = retryAfterSeconds(answer.headers.get("retry-after"), Date.now());
        const delayMs =
          after === undefined ? backoffMs : Math.min(MAX_RETRY_AFTER_MS, after * 1000);
        this.#onRetry?.(`${method} ${path}: HTTP ${answer.status}`, delayMs);
        await sleep(delayMs);
        continue;
      }
      return answer;
    }
  }

  /** The JSON body of a 2xx answer; anything else is thrown as an {@link ApiError}. */
  async json(method: "GET" | "POST", path: string, options: RequestOptions = {}): Promise<unknown> {
    const answer = await this.raw(method, path, options);
    const text = new TextDecoder().decode(answer.body);
    if (answer.status >= 400) throw errorOf(answer, text);
    try {
      return JSON.parse(text);
    } catch {
      throw new CliError(
        `the API at ${this.baseUrl} answered ${method} ${path} with something that is not JSON (HTTP ${answer.status}); is --api-url the Stele API?`,
      );
    }
  }
}

/** The ApiError for a failed answer. */
export function errorOf(answer: RawAnswer, text = new TextDecoder().decode(answer.body)): ApiError {
  return new ApiError(
    answer.status,
    parseProblem(text),
    retryAfterSeconds(answer.headers.get("retry-after"), Date.now()),
  );
}
