/**
 * An HTTP proxy in front of a local AWS JSON-protocol service (DynamoDB Local, dynalite, moto's
 * KMS) that answers chosen requests as the real service does when it throttles or fails. The SDK
 * under test sees exactly what AWS sends: the status, a JSON body whose `__type` names the error
 * (DynamoDB: `com.amazonaws.dynamodb.v20120810#…`; KMS: the bare name), and a request id.
 *
 * A rule matches requests by operation (the `X-Amz-Target` suffix: `PutItem`, `Sign`, …) and
 * fires on every `every`-th match, at most `times` times. What it does:
 * - `answer`: the error, without the request reaching the service (throttled before any work);
 * - `answerAfter`: the request is served, then its answer replaced by the error: a 500 whose
 *   write took effect, which AWS documents as possible ("the operation may have succeeded");
 * - `unprocess`: BatchWriteItem served in part, the rest handed back in `UnprocessedItems`
 *   (how DynamoDB throttles a batch call: HTTP 200); a table of one request is handed back whole;
 * - `hold`: the request waits until the given promise settles, then passes through (so a test
 *   can act while a call is in flight, e.g. between a batch write and its retry).
 * A rule counts as fired only when its action was applied (`unprocess` on a call with nothing to
 * hand back, or `answerAfter` on a call the service refused, is not), so `times` counts faults.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One error answer as the service sends it. */
export interface AwsErrorAnswer {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

const DDB = "com.amazonaws.dynamodb.v20120810";

/** What DynamoDB answers when throttled or failing (the messages are DynamoDB's own). */
export const DYNAMODB_ERRORS = {
  provisionedThroughputExceeded: {
    status: 400,
    type: `${DDB}#ProvisionedThroughputExceededException`,
    message:
      "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.",
  },
  throttling: {
    status: 400,
    type: "com.amazon.coral.availability#ThrottlingException",
    message: "Rate of requests exceeds the allowed throughput.",
  },
  internalServerError: {
    status: 500,
    type: `${DDB}#InternalServerError`,
    message: "Internal server error",
  },
} as const satisfies Record<string, AwsErrorAnswer>;

/** What KMS answers when throttled or failing. */
export const KMS_ERRORS = {
  throttling: { status: 400, type: "ThrottlingException", message: "Rate exceeded" },
  internal: {
    status: 500,
    type: "KMSInternalException",
    message: "The request was rejected because an internal exception occurred. Try again.",
  },
} as const satisfies Record<string, AwsErrorAnswer>;

export type FaultAction =
  | { readonly answer: AwsErrorAnswer }
  | { readonly answerAfter: AwsErrorAnswer }
  /**
   * Half of each table's requests (at least one) handed back: the last half (true, "tail") or
   * the first ("head").
   */
  | { readonly unprocess: true | "head" | "tail" }
  /** The request held until this settles (either way), then passed through. */
  | { readonly hold: Promise<unknown> };

export type FaultRule = FaultAction & {
  /** Operations it applies to (X-Amz-Target suffixes); all when absent. */
  readonly operations?: readonly string[];
  /** Fires on every n-th matching request (default 1: each one). */
  readonly every?: number;
  /** Fires at most this many times (default: until cleared). */
  readonly times?: number;
};

interface ActiveRule {
  readonly rule: FaultRule;
  seen: number;
  fired: number;
}

export class AwsFaultProxy {
  readonly endpoint: string;
  /** Faults injected so far, by operation and action. */
  readonly injected = new Map<string, number>();
  /** Requests proxied so far, by operation. */
  readonly requests = new Map<string, number>();
  readonly #server: Server;
  readonly #target: URL;
  #rules: ActiveRule[] = [];

  private constructor(server: Server, target: URL, endpoint: string) {
    this.#server = server;
    this.#target = target;
    this.endpoint = endpoint;
  }

  /** Starts the proxy on a free loopback port in front of `target` (an http:// endpoint). */
  static async start(target: string): Promise<AwsFaultProxy> {
    let proxy: AwsFaultProxy | undefined;
    const server = createServer((request, response) => {
      proxy?.handle(request, response).catch((error: unknown) => {
        response.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
    // SDK clients keep connections alive: do not let a stopped proxy wait for them.
    server.keepAliveTimeout = 1_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const { port } = server.address() as AddressInfo;
    proxy = new AwsFaultProxy(server, new URL(target), `http://127.0.0.1:${port}`);
    return proxy;
  }

  /** Adds a rule; rules are tried in the order added, the first that fires wins. */
  inject(rule: FaultRule): void {
    this.#rules.push({ rule, seen: 0, fired: 0 });
  }

  /** Removes every rule: requests pass through untouched. */
  clear(): void {
    this.#rules = [];
  }

  /** Faults injected so far, all operations together. */
  get injectedCount(): number {
    return [...this.injected.values()].reduce((a, b) => a + b, 0);
  }

  async stop(): Promise<void> {
    this.#rules = [];
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /**
   * The first rule that fires on this request, counted as fired (`refund` takes that back when
   * the action turns out not to apply), and for `unprocess` the split body. A rule whose action
   * cannot apply to the request (unprocess on anything but a BatchWriteItem with requests) does
   * not see it.
   */
  #firing(
    operation: string,
    body: Buffer,
  ): { action: FaultAction; split?: SplitBatch; refund: () => void } | undefined {
    for (const active of this.#rules) {
      const { rule } = active;
      if (rule.operations !== undefined && !rule.operations.includes(operation)) continue;
      if (rule.times !== undefined && active.fired >= rule.times) continue;
      let split: SplitBatch | undefined;
      if ("unprocess" in rule) {
        if (operation !== "BatchWriteItem") continue;
        split = splitBatchWrite(body, rule.unprocess === "head" ? "head" : "tail");
        if (split === undefined) continue;
      }
      active.seen += 1;
      if (active.seen % (rule.every ?? 1) !== 0) continue;
      active.fired += 1;
      const refund = () => {
        active.fired -= 1;
      };
      return split === undefined ? { action: rule, refund } : { action: rule, split, refund };
    }
    return undefined;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: Buffer = Buffer.concat(chunks);
    const target = String(request.headers["x-amz-target"] ?? "");
    const operation = target.slice(target.lastIndexOf(".") + 1);
    this.requests.set(operation, (this.requests.get(operation) ?? 0) + 1);
    const fired = this.#firing(operation, body);
    const action = fired?.action;
    const count = (kind: string) => {
      const key = `${operation}:${kind}`;
      this.injected.set(key, (this.injected.get(key) ?? 0) + 1);
    };
    if (action !== undefined && "answer" in action) {
      count(action.answer.type.slice(action.answer.type.indexOf("#") + 1));
      return sendError(response, action.answer, contentTypeOf(request));
    }
    if (action !== undefined && "hold" in action) {
      count("held");
      await action.hold.catch(() => undefined);
    }
    const split = fired?.split;
    if (split !== undefined) {
      // Every request handed back: nothing for the service to do (it rejects an empty batch).
      if (split.forwarded === undefined) {
        count("UnprocessedItems");
        return sendJson(response, { UnprocessedItems: split.unprocessed }, contentTypeOf(request));
      }
      body = split.forwarded;
    }
    const unprocessed = split?.unprocessed;
    const upstream = await fetch(new URL(request.url ?? "/", this.#target), {
      method: request.method ?? "POST",
      headers: forwardedHeaders(request, body.length),
      ...(request.method === "GET" || request.method === "HEAD" ? {} : { body }),
    });
    const answer = Buffer.from(await upstream.arrayBuffer());
    if (action !== undefined && "answerAfter" in action) {
      if (upstream.ok) {
        count(`${action.answerAfter.type.slice(action.answerAfter.type.indexOf("#") + 1)}-after`);
        return sendError(response, action.answerAfter, contentTypeOf(request));
      }
      fired?.refund();
    }
    // A refused part-batch hands nothing back: the caller sees the service's error, no fault.
    if (unprocessed !== undefined && !upstream.ok) fired?.refund();
    if (unprocessed !== undefined && upstream.ok) {
      count("UnprocessedItems");
      const parsed = JSON.parse(answer.toString("utf8")) as { UnprocessedItems?: object };
      const merged = {
        ...parsed,
        UnprocessedItems: { ...parsed.UnprocessedItems, ...unprocessed },
      };
      return sendJson(
        response,
        merged,
        upstream.headers.get("content-type") ?? "application/x-amz-json-1.0",
      );
    }
    const headers: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      // fetch has already decoded the body: its length and encoding are ours to state.
      if (!["content-length", "content-encoding", "transfer-encoding", "connection"].includes(name))
        headers[name] = value;
    });
    headers["content-length"] = String(answer.length);
    // The CRC32 header (DynamoDB) would still match: the body is forwarded byte for byte.
    response.writeHead(upstream.status, headers);
    response.end(answer);
  }
}

function contentTypeOf(request: IncomingMessage): string {
  return String(request.headers["content-type"] ?? "application/x-amz-json-1.0");
}

function sendError(response: ServerResponse, error: AwsErrorAnswer, contentType: string): void {
  const body = Buffer.from(JSON.stringify({ __type: error.type, message: error.message }));
  response.writeHead(error.status, {
    "content-type": contentType,
    "content-length": String(body.length),
    "x-amzn-requestid": randomUUID(),
  });
  response.end(body);
}

/** A 200 answer of the service, built here (no CRC32 header: the SDK checks it only if sent). */
function sendJson(response: ServerResponse, value: unknown, contentType: string): void {
  const body = Buffer.from(JSON.stringify(value));
  response.writeHead(200, {
    "content-type": contentType,
    "content-length": String(body.length),
    "x-amzn-requestid": randomUUID(),
  });
  response.end(body);
}

function forwardedHeaders(request: IncomingMessage, length: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || ["host", "content-length", "connection"].includes(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  headers["content-length"] = String(length);
  return headers;
}

interface SplitBatch {
  /** What goes to the service; undefined when every request is handed back. */
  readonly forwarded: Buffer | undefined;
  readonly unprocessed: Record<string, unknown[]>;
}

/**
 * A BatchWriteItem body split in two: half of each table's requests (rounded down, but at least
 * one, from its head or its tail) comes back unprocessed, the rest goes to the service.
 * DynamoDB can hand back any subset, a table's only request included.
 * The signature no longer matches the body; the local backends do not check signatures.
 */
function splitBatchWrite(body: Buffer, handBack: "head" | "tail"): SplitBatch | undefined {
  const parsed = JSON.parse(body.toString("utf8")) as {
    RequestItems: Record<string, unknown[]>;
  } & Record<string, unknown>;
  const kept: Record<string, unknown[]> = {};
  const unprocessed: Record<string, unknown[]> = {};
  for (const [table, requests] of Object.entries(parsed.RequestItems)) {
    if (requests.length === 0) continue;
    const back = Math.max(1, Math.floor(requests.length / 2));
    const cut = handBack === "head" ? back : requests.length - back;
    const [first, rest] = [requests.slice(0, cut), requests.slice(cut)];
    const keep = handBack === "head" ? rest : first;
    if (keep.length > 0) kept[table] = keep;
    unprocessed[table] = handBack === "head" ? first : rest;
  }
  if (Object.keys(unprocessed).length === 0) return undefined;
  return {
    forwarded:
      Object.keys(kept).length === 0
        ? undefined
        : Buffer.from(JSON.stringify({ ...parsed, RequestItems: kept })),
    unprocessed,
  };
}
