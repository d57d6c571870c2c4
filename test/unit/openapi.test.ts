// The OpenAPI document and its reference page, as API users and client generators read them:
// a valid OpenAPI 3.1 document that describes exactly the routes the API serves.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import * as z from "zod";
import type { oas31 } from "zod-openapi";
import { escapeHtml } from "../../shared/http/html.ts";
import {
  buildOpenApiDocument,
  openApiPath,
  RouteDocumentationError,
} from "../../shared/http/openapi/build-document.ts";
import { openApiDocument } from "../../shared/http/openapi/document.ts";
import { OPERATIONS, type OperationDoc } from "../../shared/http/openapi/operations.ts";
import { referencePageHtml } from "../../shared/http/openapi/reference-page.ts";
import { ROUTES, type Route, routeKey } from "../../shared/http/routes.ts";
import * as responses from "../../shared/schemas/api-responses.ts";
import { entriesRequestSchema } from "../../shared/schemas/entries-request.ts";

const document = openApiDocument();
const packageVersion = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

const info = { title: "t", version: "0", description: "d" };
const route = (path: string): Route => ({ method: "GET", path, fn: "read-api", scope: null });
const health = OPERATIONS["GET /v1/health"] as OperationDoc;

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

function documentedOperations(doc: oas31.OpenAPIObject) {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      return operation === undefined ? [] : [{ key: `${method.toUpperCase()} ${path}`, operation }];
    }),
  );
}

function operationOf(route: Route): oas31.OperationObject {
  const operation =
    document.paths?.[openApiPath(route.path)]?.[
      route.method.toLowerCase() as "get" | "post" | "put" | "delete"
    ];
  assert.ok(operation, `${routeKey(route)} is not documented`);
  return operation;
}

function parametersOf(operation: oas31.OperationObject): oas31.ParameterObject[] {
  return (operation.parameters ?? []).map((parameter) => {
    assert.ok(!("$ref" in parameter), "parameters are inline");
    return parameter;
  });
}

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(
      structuredClone(document) as unknown as Record<string, unknown>,
    );
    assert.deepEqual(result.errors, undefined);
    assert.equal(result.valid, true);
    assert.equal(validator.version, "3.1");
  });

  it("carries the package's version and relative servers", () => {
    assert.equal(document.info.version, packageVersion);
    assert.deepEqual(document.servers, [{ url: "/" }]);
  });

  it("documents every route of ROUTES with its method, path and path parameters", () => {
    for (const route of ROUTES) {
      const operation = operationOf(route);
      const inPath = [...route.path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => match[1]);
      const declared = parametersOf(operation).filter((parameter) => parameter.in === "path");
      assert.deepEqual(
        declared.map((parameter) => parameter.name).sort(),
        [...inPath].sort(),
        `${routeKey(route)}: path parameters`,
      );
      for (const parameter of declared) assert.equal(parameter.required, true);
    }
  });

  it("documents nothing that is not a route", () => {
    const routeKeys = new Set(ROUTES.map((route) => `${route.method} ${openApiPath(route.path)}`));
    const documented = documentedOperations(document).map(({ key }) => key);
    assert.deepEqual(
      documented.filter((key) => !routeKeys.has(key)),
      [],
    );
    assert.equal(documented.length, ROUTES.length);
  });

  it("secures exactly the routes that need a scope, naming it, with 401 and 403", () => {
    assert.deepEqual(document.components?.securitySchemes?.apiKey, {
      type: "http",
      scheme: "bearer",
      description: document.components?.securitySchemes?.apiKey?.description,
    });
    for (const route of ROUTES) {
      const operation = operationOf(route);
      if (route.scope === null) {
        assert.equal(operation.security, undefined, `${routeKey(route)} is public`);
        assert.equal(operation.responses?.["401"], undefined);
      } else {
        assert.deepEqual(operation.security, [{ apiKey: [route.scope] }], routeKey(route));
        assert.ok(operation.responses?.["401"], `${routeKey(route)} documents 401`);
        assert.ok(operation.responses?.["403"], `${routeKey(route)} documents 403`);
      }
    }
  });

  it("documents the query parameters and the Idempotency-Key header", () => {
    const names = (key: string, where: string) => {
      const route = ROUTES.find((candidate) => routeKey(candidate) === key);
      assert.ok(route, key);
      return parametersOf(operationOf(route))
        .filter((parameter) => parameter.in === where)
        .map((parameter) => `${parameter.name}${parameter.required === true ? "!" : "?"}`);
    };
    assert.deepEqual(names("GET /v1/entries/{id}/proof", "query"), ["anchored?"]);
    assert.deepEqual(names("GET /v1/ledgers/{ledger}/checkpoint", "query"), ["anchored?"]);
    assert.deepEqual(names("GET /v1/proofs", "query"), ["contentHash!", "ledger?"]);
    assert.deepEqual(names("GET /v1/ledgers/{ledger}/consistency", "query"), ["from!", "to!"]);
    assert.deepEqual(names("POST /v1/entries", "header"), ["Idempotency-Key?"]);
  });

  it("documents the request body of POST /v1/entries as the request schema", () => {
    const body = document.paths?.["/v1/entries"]?.post?.requestBody;
    assert.ok(body && !("$ref" in body));
    assert.equal(body.required, true);
    assert.deepEqual(body.content["application/json"]?.schema, {
      $ref: "#/components/schemas/EntriesRequest",
    });
    // The documented example is a request the API accepts.
    entriesRequestSchema.parse(body.content["application/json"]?.example);
    const schema = document.components?.schemas?.EntriesRequest;
    assert.ok(schema && !("$ref" in schema));
    assert.deepEqual(schema.required, ["entries"]);
    assert.equal(schema.additionalProperties, false);
  });

  it("answers errors as problem+json, 425 with Retry-After", () => {
    for (const { key, operation } of documentedOperations(document)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        assert.ok(!("$ref" in response));
        if (Number(status) < 400) continue;
        assert.deepEqual(
          Object.keys(response.content ?? {}),
          ["application/problem+json"],
          `${key} ${status}`,
        );
        if (status === "425") assert.ok(response.headers?.["Retry-After"], `${key} 425`);
      }
    }
    const statuses = (key: string) =>
      Object.keys(
        documentedOperations(document).find((op) => op.key === key)?.operation.responses ?? {},
      ).sort();
    assert.deepEqual(statuses("POST /v1/entries"), [
      "202",
      "400",
      "401",
      "403",
      "409",
      "413",
      "415",
    ]);
    assert.deepEqual(statuses("GET /v1/entries/{id}/proof"), [
      "200",
      "400",
      "401",
      "403",
      "404",
      "425",
    ]);
    assert.deepEqual(statuses("GET /v1/entries/{id}/certificate"), [
      "200",
      "401",
      "403",
      "404",
      "425",
    ]);
  });

  it("serves the certificate and the reference page as text/html", () => {
    for (const path of ["/v1/entries/{id}/certificate", "/v1/docs"]) {
      const ok = document.paths?.[path]?.get?.responses?.["200"];
      assert.ok(ok && !("$ref" in ok));
      assert.deepEqual(Object.keys(ok.content ?? {}), ["text/html"], path);
    }
  });

  it("carries examples that the response schemas accept", () => {
    const schemas: z.ZodType[] = Object.values(responses);
    let checked = 0;
    for (const schema of schemas) {
      const examples = schema.meta()?.examples;
      for (const example of Array.isArray(examples) ? examples : []) {
        assert.doesNotThrow(() => schema.parse(example), String(schema.meta()?.id));
        checked++;
      }
    }
    assert.ok(checked >= 8, `only ${checked} examples`);
  });
});

describe("building the document from ROUTES", () => {
  it("refuses a route without a description", () => {
    assert.throws(
      () => buildOpenApiDocument([...ROUTES, route("/v1/new")], OPERATIONS, info),
      (error) => error instanceof RouteDocumentationError && error.routeKey === "GET /v1/new",
    );
  });

  it("refuses a description without a route", () => {
    assert.throws(
      () => buildOpenApiDocument([route("/v1/health")], OPERATIONS, info),
      (error) => error instanceof RouteDocumentationError && error.routeKey === "POST /v1/entries",
    );
  });

  it("refuses path parameters that differ from the route's", () => {
    const operations: Record<string, OperationDoc> = {
      "GET /v1/things/{thing}": { ...health, pathParams: z.object({ id: z.string() }) },
    };
    assert.throws(
      () => buildOpenApiDocument([route("/v1/things/{thing}")], operations, info),
      (error) =>
        error instanceof RouteDocumentationError && /\{thing\}.*\[id\]/.test(error.message),
    );
  });
});

describe("the reference page", () => {
  const page = referencePageHtml(document);

  it("shows every operation with its method, path, summary and auth", () => {
    for (const route of ROUTES) {
      const operation = operationOf(route);
      assert.ok(page.includes(`${route.method} ${openApiPath(route.path)}`), routeKey(route));
      assert.ok(page.includes(`id="${operation.operationId}"`), routeKey(route));
      assert.ok(page.includes(escapeHtml(operation.summary ?? "")), routeKey(route));
    }
    assert.ok(page.includes("with scope <code>write</code>"));
    assert.ok(page.includes("Public: no API key needed."));
  });

  it("shows the schemas and their examples", () => {
    for (const name of Object.keys(document.components?.schemas ?? {})) {
      assert.ok(page.includes(`id="schema-${name}"`), name);
    }
    assert.ok(page.includes(escapeHtml('"format": "stele.proof.v1"')));
  });

  it("loads nothing and runs nothing: it works offline", () => {
    assert.doesNotMatch(page, /<script|<link|<img|<iframe|src=|@import|url\(/i);
    assert.match(page, /Content-Security-Policy" content="default-src 'none'/);
  });

  it("escapes what the document says", () => {
    const hostile = "<script>alert(1)</script>";
    const doc = buildOpenApiDocument(
      [route("/v1/health")],
      { "GET /v1/health": { ...health, summary: hostile, description: `a & b ${hostile}` } },
      { ...info, title: `"${hostile}` },
    );
    const html = referencePageHtml(doc);
    assert.doesNotMatch(html, /<script/);
    assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert.ok(html.includes("a &amp; b"));
  });
});

describe("escapeHtml", () => {
  it("escapes the five characters that end text or an attribute", () => {
    assert.equal(
      escapeHtml(`<script>alert("x" + 'y')</script> & more`),
      "&lt;script&gt;alert(&quot;x&quot; + &#39;y&#39;)&lt;/script&gt; &amp; more",
    );
  });

  it("leaves other text as it is", () => {
    assert.equal(
      escapeHtml("Hof Zoë — 12.5 kg € /v1/entries/{id}"),
      "Hof Zoë — 12.5 kg € /v1/entries/{id}",
    );
    assert.equal(escapeHtml(""), "");
  });

  it("escapes an ampersand once, so an escaped text reads back as typed", () => {
    assert.equal(escapeHtml("&lt;"), "&amp;lt;");
  });
});
