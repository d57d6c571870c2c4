/** The OpenAPI 3.1 document of the HTTP API, generated from ROUTES and the zod schemas. */
import type { oas31 } from "zod-openapi";
import packageJson from "../../../package.json" with { type: "json" };
import { entryRequestSchema } from "../../schemas/entries-request.ts";
import { ROUTES } from "../routes.ts";
import { buildOpenApiDocument } from "./build-document.ts";
import { OPERATIONS } from "./operations.ts";

const DESCRIPTION =
  "Stele anchors documents and transaction payloads: each ledger is an append-only RFC 9162 " +
  "Merkle log whose checkpoints are signed and anchored on an EVM chain, and every entry gets " +
  "a proof bundle (spec/proof-v1.md) anyone can verify without trusting Stele.\n\n" +
  "Errors are RFC 9457 application/problem+json bodies (type, title, status, detail, and " +
  "errors naming each invalid field); a client's mistake is never a 5xx. An unknown path " +
  "answers 404 and a known path with another method 405 (with an Allow header), both as " +
  "problem+json. Request bodies are application/json (415 otherwise).";

// zod's JSON Schema cannot say "exactly one of contentHash and content" (a refine): add it.
const documentEntry = entryRequestSchema.options[0];

/** The OpenAPI 3.1 document of every route in ROUTES. */
export function openApiDocument(): oas31.OpenAPIObject {
  return buildOpenApiDocument(
    ROUTES,
    OPERATIONS,
    { title: "Stele API", version: packageJson.version, description: DESCRIPTION },
    {
      override: ({ zodSchema, jsonSchema, io }) => {
        if (io === "input" && zodSchema === documentEntry) {
          jsonSchema.oneOf = [{ required: ["contentHash"] }, { required: ["content"] }];
        }
      },
    },
  );
}
