/**
 * Builds the OpenAPI 3.1 document from the route table and a description per route, so the two
 * cannot drift: a route without a description, a description without a route, or a path
 * parameter declared differently from the route's `{name}`s is an error, not a silent gap.
 */
import {
  type CreateDocumentOptions,
  createDocument,
  type oas31,
  type ZodOpenApiOperationObject,
} from "zod-openapi";
import {
  anchorSchema,
  checkpointSchema,
  entrySchema,
  signatureSchema,
} from "../../domain/proof/bundle-schema.ts";
import { type Route, routeKey } from "../routes.ts";
import type { OperationDoc } from "./operations.ts";
import { problemResponse } from "./problem-responses.ts";

/** The route table and its descriptions disagree: a bug, caught when the document is built. */
export class RouteDocumentationError extends Error {
  readonly routeKey: string;

  constructor(routeKey: string, message: string) {
    super(`${routeKey}: ${message}`);
    this.name = "RouteDocumentationError";
    this.routeKey = routeKey;
  }
}

export const SECURITY_SCHEME = "apiKey";

export interface DocumentInfo {
  readonly title: string;
  readonly version: string;
  readonly description: string;
}

const METHODS = { GET: "get", POST: "post", PUT: "put", DELETE: "delete" } as const;

function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => match[1] ?? "");
}

/** OpenAPI's template of a route path: API Gateway's greedy `{name+}` becomes `{name}`. */
export function openApiPath(path: string): string {
  return path.replace(/\{([^}+]+)\+\}/g, "{$1}");
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
}

function operationOf(route: Route, doc: OperationDoc): ZodOpenApiOperationObject {
  const key = routeKey(route);
  const declared = Object.keys(doc.pathParams?.shape ?? {});
  const inPath = pathParamNames(route.path);
  if (!sameNames(declared, inPath)) {
    throw new RouteDocumentationError(
      key,
      `the path has {${inPath.join("}, {")}} but the description declares path parameters ` +
        `[${declared.join(", ")}]: make pathParams match the route's path`,
    );
  }
  const requestParams = {
    ...(doc.pathParams === undefined ? {} : { path: doc.pathParams }),
    ...(doc.queryParams === undefined ? {} : { query: doc.queryParams }),
    ...(doc.headerParams === undefined ? {} : { header: doc.headerParams }),
  };
  const operation: ZodOpenApiOperationObject = {
    operationId: doc.operationId,
    summary: doc.summary,
    description: doc.description,
    tags: [...doc.tags],
    ...(Object.keys(requestParams).length === 0 ? {} : { requestParams }),
    ...(doc.requestBody === undefined ? {} : { requestBody: doc.requestBody }),
    responses: { ...doc.responses },
  };
  if (route.scope === null) return operation;
  return {
    ...operation,
    security: [{ [SECURITY_SCHEME]: [route.scope] }],
    responses: {
      ...operation.responses,
      401: problemResponse(401, "No Authorization: Bearer header, or an unknown API key."),
      403: problemResponse(403, `The API key lacks the "${route.scope}" scope.`),
    },
  };
}

/**
 * The OpenAPI 3.1 document of `routes`, each described by `operations[routeKey(route)]`.
 * Throws RouteDocumentationError where the two disagree.
 */
export function buildOpenApiDocument(
  routes: readonly Route[],
  operations: Readonly<Record<string, OperationDoc>>,
  info: DocumentInfo,
  options: CreateDocumentOptions = {},
): oas31.OpenAPIObject {
  const keys = new Set(routes.map(routeKey));
  for (const key of Object.keys(operations)) {
    if (!keys.has(key)) {
      throw new RouteDocumentationError(key, "described but not in ROUTES: remove or route it");
    }
  }
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const route of routes) {
    const key = routeKey(route);
    const doc = operations[key];
    if (doc === undefined) {
      throw new RouteDocumentationError(
        key,
        "in ROUTES but not described: add it to OPERATIONS in shared/http/openapi/operations.ts",
      );
    }
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [METHODS[route.method]]: operationOf(route, doc) };
  }
  return createDocument(
    {
      openapi: "3.1.0",
      info: { title: info.title, version: info.version, description: info.description },
      servers: [{ url: "/" }],
      paths,
      components: {
        securitySchemes: {
          [SECURITY_SCHEME]: {
            type: "http",
            scheme: "bearer",
            description:
              "An API key: `Authorization: Bearer <api key>`. The OpenAPI security requirement " +
              "names the scope the key needs (read or write).",
          },
        },
        // Parts of the proof bundle, named once and referenced wherever they appear.
        schemas: {
          BundleEntry: entrySchema,
          SignedCheckpoint: checkpointSchema,
          Signature: signatureSchema,
          Anchor: anchorSchema,
        },
      },
    },
    options,
  );
}
