/**
 * The routes of spec/http-api-v1.md: one table that the functions dispatch on, the local
 * server routes by, and the CDK app (later) creates API Gateway routes from.
 */
import type { ApiScope } from "../ports/api-key-store.ts";

export type FunctionName = "accept-entries" | "read-api" | "entry-content";

export interface Route {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** API Gateway route syntax: `{name}` is one path segment, a last `{name+}` the rest of the path. */
  readonly path: string;
  readonly fn: FunctionName;
  /** The scope a key needs; null for public routes. */
  readonly scope: ApiScope | null;
}

export const ROUTES: readonly Route[] = [
  { method: "GET", path: "/v1/health", fn: "read-api", scope: null },
  { method: "POST", path: "/v1/entries", fn: "accept-entries", scope: "write" },
  { method: "GET", path: "/v1/entries/{id}", fn: "read-api", scope: "read" },
  { method: "GET", path: "/v1/entries/{id}/proof", fn: "read-api", scope: "read" },
  { method: "GET", path: "/v1/entries/{id}/certificate", fn: "read-api", scope: "read" },
  // Retained content: its own function, the only one that may decrypt (kms:Decrypt).
  { method: "GET", path: "/v1/entries/{id}/content", fn: "entry-content", scope: "read-content" },
  {
    method: "DELETE",
    path: "/v1/entries/{id}/content",
    fn: "entry-content",
    scope: "erase-content",
  },
  { method: "GET", path: "/v1/proofs", fn: "read-api", scope: "read" },
  { method: "GET", path: "/v1/subjects/{subject}/entries", fn: "read-api", scope: "read" },
  { method: "GET", path: "/v1/ledgers/{ledger}/checkpoint", fn: "read-api", scope: null },
  { method: "GET", path: "/v1/ledgers/{ledger}/consistency", fn: "read-api", scope: null },
  // Every published checkpoint with its anchors, oldest first: what an export needs.
  { method: "GET", path: "/v1/ledgers/{ledger}/checkpoints", fn: "read-api", scope: null },
  // C2SP tlog-tiles hash tiles: `{tile+}` is the rest of the path (`0/x001/234.p/5`).
  { method: "GET", path: "/v1/ledgers/{ledger}/tile/{tile+}", fn: "read-api", scope: null },
  // The same tiles under a prefix whose `checkpoint` is the signed note, as tlog tools expect
  // (`/v1/ledgers/{ledger}/checkpoint` is JSON by this API's contract).
  { method: "GET", path: "/v1/tlog/{ledger}/checkpoint", fn: "read-api", scope: null },
  { method: "GET", path: "/v1/tlog/{ledger}/tile/{tile+}", fn: "read-api", scope: null },
  { method: "GET", path: "/v1/log", fn: "read-api", scope: null },
  // The tenant's webhook (shared/http/webhook-routes.ts), served with the other writes.
  { method: "PUT", path: "/v1/webhook", fn: "accept-entries", scope: "manage-webhooks" },
  { method: "GET", path: "/v1/webhook", fn: "accept-entries", scope: "manage-webhooks" },
  { method: "DELETE", path: "/v1/webhook", fn: "accept-entries", scope: "manage-webhooks" },
  { method: "GET", path: "/v1/openapi.json", fn: "read-api", scope: null },
  { method: "GET", path: "/v1/docs", fn: "read-api", scope: null },
];

/** API Gateway's routeKey for a route: "GET /v1/entries/{id}". */
export function routeKey(route: Route): string {
  return `${route.method} ${route.path}`;
}

/** A path segment percent-decoded; one with a malformed escape (`%ZZ`) is kept as sent. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split("/");
  const got = path.split("/");
  const greedy = /^\{(.+)\+\}$/.exec(want.at(-1) ?? "")?.[1];
  if (greedy === undefined ? want.length !== got.length : got.length < want.length) {
    return undefined;
  }
  const params: Record<string, string> = {};
  if (greedy !== undefined) {
    const rest = got.slice(want.length - 1);
    if (rest.some((segment) => segment === "")) return undefined;
    params[greedy] = rest.map(decodeSegment).join("/");
  }
  for (let i = 0; i < want.length - (greedy === undefined ? 0 : 1); i++) {
    const segment = want[i] ?? "";
    const actual = got[i] ?? "";
    if (segment.startsWith("{") && segment.endsWith("}")) {
      if (actual === "") return undefined;
      params[segment.slice(1, -1)] = decodeSegment(actual);
    } else if (segment !== actual) {
      return undefined;
    }
  }
  return params;
}

export type RouteMatch =
  | { readonly kind: "route"; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: "method-not-allowed"; readonly allowed: readonly string[] }
  | { readonly kind: "not-found" };

/** What API Gateway would do with `method path`: a route, a 405 for a known path, or a 404. */
export function matchRoute(method: string, path: string): RouteMatch {
  const onPath = ROUTES.flatMap((route) => {
    const params = matchPath(route.path, path);
    return params === undefined ? [] : [{ route, params }];
  });
  const exact = onPath.find(({ route }) => route.method === method);
  if (exact !== undefined) return { kind: "route", ...exact };
  if (onPath.length > 0)
    return { kind: "method-not-allowed", allowed: onPath.map(({ route }) => route.method) };
  return { kind: "not-found" };
}
