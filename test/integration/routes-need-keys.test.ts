// Every route of the routes table (shared/http/routes.ts) that has a scope answers 401 without
// credentials, whatever the rest of the request: a route added later is covered here without
// anyone listing it. The public routes are listed by hand: making a route public is a decision
// this test makes someone write down.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type LocalStack, startLocalStack } from "../../local/stack.ts";
import { ROUTES, type Route, routeKey } from "../../shared/http/routes.ts";

/** The routes anyone may call: the log's public reads and the API's description. */
const PUBLIC = [
  "GET /v1/health",
  "GET /v1/ledgers/{ledger}/checkpoint",
  "GET /v1/ledgers/{ledger}/consistency",
  "GET /v1/ledgers/{ledger}/checkpoints",
  "GET /v1/ledgers/{ledger}/tile/{tile+}",
  "GET /v1/tlog/{ledger}/checkpoint",
  "GET /v1/tlog/{ledger}/tile/{tile+}",
  "GET /v1/log",
  "GET /v1/openapi.json",
  "GET /v1/docs",
];

/** A value for each kind of path parameter, so the request reaches the route's function. */
const PARAMS: Readonly<Record<string, string>> = {
  id: "01JDX7R4M8Q2V3N5P6K7H8J900",
  subject: "lot-a",
  ledger: "default",
  tile: "0/000",
};

function pathOf(route: Route): string {
  return route.path.replace(/\{(\w+)\+?\}/g, (_, name: string) => {
    const value = PARAMS[name];
    if (value === undefined) throw new Error(`no test value for {${name}} in ${routeKey(route)}`);
    return value;
  });
}

let dataDir: string;
let stack: LocalStack;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-routes-keys-"));
  stack = await startLocalStack({
    dataDir,
    port: 0,
    integrateIntervalMs: 3_600_000,
    originPrefix: "stele.test",
    log: () => {},
    page: false,
  });
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("credentials on every route of the routes table", () => {
  it("lists the public routes explicitly: any other route needs a key", () => {
    const open = ROUTES.filter((route) => route.scope === null).map(routeKey);
    assert.deepEqual([...open].sort(), [...PUBLIC].sort());
    assert.ok(ROUTES.length - open.length >= 10, "keyed routes");
  });

  for (const route of ROUTES.filter((candidate) => candidate.scope !== null)) {
    it(`${routeKey(route)} answers 401 without credentials, or with ones it does not know`, async () => {
      for (const authorization of [
        undefined,
        "",
        "Bearer",
        `Bearer stele_${"0".repeat(32)}`,
        `Basic ${Buffer.from(`dev:${stack.apiKey}`).toString("base64")}`,
        stack.apiKey,
      ]) {
        const writes = route.method === "POST" || route.method === "PUT";
        const response = await fetch(`${stack.url}${pathOf(route)}`, {
          method: route.method,
          headers: {
            ...(authorization === undefined ? {} : { authorization }),
            ...(writes ? { "content-type": "application/json" } : {}),
          },
          ...(writes ? { body: "{}" } : {}),
        });
        const text = await response.text();
        const where = `${routeKey(route)} with ${JSON.stringify(authorization?.slice(0, 12))}`;
        assert.equal(response.status, 401, `${where}: ${text}`);
        assert.equal(response.headers.get("content-type"), "application/problem+json", where);
        assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="stele"', where);
        assert.ok(!text.includes(stack.apiKey), `${where}: the answer quotes the key`);
      }
    });
  }

  it("answers the public routes without a key (never 401 or 403)", async () => {
    for (const route of ROUTES.filter((candidate) => candidate.scope === null)) {
      const response = await fetch(`${stack.url}${pathOf(route)}`, { method: route.method });
      await response.arrayBuffer();
      assert.ok(![401, 403].includes(response.status), `${routeKey(route)}: ${response.status}`);
    }
  });
});
