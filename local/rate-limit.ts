/**
 * The local stack's stand-in for API Gateway's stage throttling: a token bucket per client
 * (the API key's SHA-256 when a bearer token is sent, else the remote address) that refuses
 * with 429, `Retry-After` and a problem+json body. In AWS the throttle is the stage's (all
 * clients together) and its 429 is API Gateway's own `{"message":"Too Many Requests"}`; here
 * the clients are usually one developer, and the answer is the API's style so tools and tests
 * see one shape of refusal.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { sha256Hex } from "../shared/http/auth.ts";
import { problemResponse } from "../shared/http/problem.ts";

export interface RateLimit {
  /** Tokens added per second (requests per second sustained); 0 turns the limit off. */
  readonly perSecond: number;
  /** The bucket's size: requests a client may send at once after being idle. */
  readonly burst: number;
  /**
   * The buckets' clock (Date.now when absent): a test through the HTTP server moves its own, so
   * refill never depends on how fast the machine answers.
   */
  readonly nowMs?: () => number;
}

/** Buckets kept before full ones (idle clients, the same as no bucket) are swept. */
const MAX_CLIENTS = 10_000;

interface Bucket {
  tokens: number;
  atMs: number;
}

export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Token buckets by client id; `nowMs` is the clock (tests pass their own), the limit's first. */
export class RateLimiter {
  readonly #limit: RateLimit;
  readonly #nowMs: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limit: RateLimit, nowMs: () => number = Date.now) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) {
      throw new Error(
        `a rate limit needs perSecond > 0 and burst >= 1 (got ${JSON.stringify(limit)})`,
      );
    }
    this.#limit = limit;
    this.#nowMs = limit.nowMs ?? nowMs;
  }

  get limit(): RateLimit {
    return this.#limit;
  }

  /** How many clients have a bucket now (for tests: the memory stays bounded). */
  get clients(): number {
    return this.#buckets.size;
  }

  /** Takes one token from `client`'s bucket, or says how long until one is there. */
  take(client: string): RateDecision {
    const now = this.#nowMs();
    const { perSecond, burst } = this.#limit;
    const bucket = this.#buckets.get(client) ?? { tokens: burst, atMs: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.atMs) / 1000) * perSecond);
    bucket.atMs = now;
    if (this.#buckets.has(client)) {
      // Re-inserted: the map's order is the order of last use, which #sweep evicts by.
      this.#buckets.delete(client);
    } else {
      this.#sweep(now);
    }
    this.#buckets.set(client, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)),
    };
  }

  /**
   * Past MAX_CLIENTS: drops buckets that have refilled (as good as absent), then the least
   * recently used, down to nine tenths, so that a flood of new clients pays for a sweep once in
   * a thousand.
   */
  #sweep(now: number): void {
    if (this.#buckets.size < MAX_CLIENTS) return;
    const { perSecond, burst } = this.#limit;
    for (const [client, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.atMs) / 1000) * perSecond >= burst)
        this.#buckets.delete(client);
    }
    for (const client of this.#buckets.keys()) {
      if (this.#buckets.size < MAX_CLIENTS * 0.9) break;
      this.#buckets.delete(client);
    }
  }
}

/**
 * Who is asking: the bearer token's SHA-256 (never the token itself), else the address. A
 * client that invents a token per request gets a bucket per request, but only 401s with them.
 */
export function clientId(headers: IncomingHttpHeaders, remoteAddress: string): string {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? "")?.[1];
  return token === undefined ? `address:${remoteAddress}` : `key:${sha256Hex(token)}`;
}

/** The 429 a throttled request gets. */
export function tooManyRequests(
  limit: RateLimit,
  retryAfterSeconds: number,
): APIGatewayProxyStructuredResultV2 {
  return problemResponse(
    429,
    `too many requests: at most ${limit.perSecond} per second per client, in bursts of up to ${limit.burst}; retry after ${retryAfterSeconds} s`,
    { headers: { "retry-after": String(retryAfterSeconds) } },
  );
}
