// Documented = served: the local stack, started as a user starts it, answers each route with a
// status the OpenAPI document lists for that operation, in the media type it names, with a body
// that the schema it references accepts.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type * as z from "zod";
import type { oas31 } from "zod-openapi";
import { openApiPath } from "../../shared/http/openapi/build-document.ts";
import { openApiDocument } from "../../shared/http/openapi/document.ts";
import { ROUTES, routeKey } from "../../shared/http/routes.ts";
import {
  checkpointPageSchema,
  checkpointWithAnchorsSchema,
  consistencyProofSchema,
  entriesAcceptedSchema,
  entryViewSchema,
  healthSchema,
  htmlPageSchema,
  logIdentitySchema,
  openApiDocumentSchema,
  problemSchema,
  proofBundleResponseSchema,
  proofsLookupSchema,
  subjectPageSchema,
} from "../../shared/schemas/api-responses.ts";
import { webhookCreatedSchema, webhookViewSchema } from "../../shared/schemas/webhook-request.ts";
import { type StackProcess, startStackProcess } from "../support/local/stack-process.ts";

interface Served {
  readonly status: number;
  readonly mediaType: string;
  readonly headers: Headers;
  readonly text: string;
}

const document = openApiDocument();
let dataDir: string;
let stack: StackProcess;
/** Each routeKey answered with a documented status by this test, with the statuses. */
const exercised = new Map<string, Set<number>>();

async function call(
  method: string,
  path: string,
  options: {
    body?: string;
    contentType?: string;
    auth?: boolean;
    headers?: Record<string, string>;
  } = {},
): Promise<Served> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth !== false) headers.authorization = `Bearer ${stack.apiKey}`;
  if (options.body !== undefined)
    headers["content-type"] = options.contentType ?? "application/json";
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const mediaType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
  return {
    status: response.status,
    mediaType,
    headers: response.headers,
    text: await response.text(),
  };
}

function record(key: string, status: number): void {
  exercised.set(key, (exercised.get(key) ?? new Set<number>()).add(status));
}

/** The documented response of `key` for `status`: it must exist. */
function documentedResponse(key: string, status: number): oas31.ResponseObject {
  const [method = "", path = ""] = key.split(" ");
  const operation = document.paths?.[openApiPath(path)]?.[method.toLowerCase() as "get" | "post"];
  assert.ok(operation, `${key} is not documented`);
  const response = operation.responses?.[String(status)];
  assert.ok(response, `${key} answered ${status}, which the document does not list`);
  assert.ok(!("$ref" in response));
  return response;
}

/**
 * Asserts that `served` is a documented answer of `key`: the status is listed, the media type is
 * the one listed for it, the listed schema is `schema`'s component, and `schema` accepts the body.
 */
function conforms<T extends z.ZodType>(key: string, served: Served, schema: T): z.output<T> {
  const response = documentedResponse(key, served.status);
  const media = response.content?.[served.mediaType];
  assert.ok(
    media,
    `${key} ${served.status} is served as ${served.mediaType}, documented as ` +
      Object.keys(response.content ?? {}).join(", "),
  );
  const id = schema.meta()?.id;
  assert.ok(id, "the schema has a component id");
  assert.deepEqual(media.schema, { $ref: `#/components/schemas/${id}` }, `${key} ${served.status}`);
  for (const name of Object.keys(response.headers ?? {})) {
    assert.ok(served.headers.get(name) !== null, `${key} ${served.status} sends ${name}`);
  }
  const body = served.mediaType.endsWith("json") ? JSON.parse(served.text) : served.text;
  const parsed = schema.safeParse(body);
  assert.ok(parsed.success, `${key} ${served.status}: ${parsed.error?.message}\n${served.text}`);
  record(key, served.status);
  return parsed.data;
}

const problem = (key: string, served: Served, status: number) => {
  assert.equal(served.status, status, served.text);
  return conforms(key, served, problemSchema);
};

function entriesBody(count: number): string {
  return JSON.stringify({
    entries: Array.from({ length: count }, () => ({
      kind: "document",
      contentHash: randomBytes(32).toString("hex"),
    })),
  });
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-openapi-"));
  stack = await startStackProcess({ STELE_DATA_DIR: dataDir });
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("the local stack serves what the OpenAPI document says", () => {
  let entryId = "";
  let contentHash = "";

  it("GET /v1/health, /v1/log, /v1/openapi.json and /v1/docs, without an API key", async () => {
    assert.deepEqual(
      conforms("GET /v1/health", await call("GET", "/v1/health", { auth: false }), healthSchema),
      { status: "ok" },
    );
    const log = conforms(
      "GET /v1/log",
      await call("GET", "/v1/log", { auth: false }),
      logIdentitySchema,
    );
    assert.ok(log.chains.length > 0, "the local stack anchors on its embedded chain");
    const served = conforms(
      "GET /v1/openapi.json",
      await call("GET", "/v1/openapi.json", { auth: false }),
      openApiDocumentSchema,
    );
    assert.deepEqual(served, JSON.parse(JSON.stringify(document)));
    const page = conforms(
      "GET /v1/docs",
      await call("GET", "/v1/docs", { auth: false }),
      htmlPageSchema,
    );
    for (const route of ROUTES) {
      const shown = `${route.method} ${openApiPath(route.path)}`;
      assert.ok(page.includes(shown), shown);
    }
  });

  it("POST /v1/entries: 202, an idempotent retry, and each documented refusal", async () => {
    const key = "POST /v1/entries";
    const body = entriesBody(2);
    const idempotency = { "idempotency-key": `conformance-${randomBytes(8).toString("hex")}` };
    const first = await call("POST", "/v1/entries", { body, headers: idempotency });
    assert.equal(first.status, 202, first.text);
    const accepted = conforms(key, first, entriesAcceptedSchema);
    assert.equal(accepted.entries.length, 2);
    const retry = await call("POST", "/v1/entries", { body, headers: idempotency });
    assert.deepEqual(conforms(key, retry, entriesAcceptedSchema), accepted);
    problem(
      key,
      await call("POST", "/v1/entries", { body: entriesBody(1), headers: idempotency }),
      409,
    );

    const invalid = problem(
      key,
      await call("POST", "/v1/entries", {
        body: JSON.stringify({ entries: [{ kind: "document", contentHash: "abc" }] }),
      }),
      400,
    );
    assert.deepEqual(
      invalid.errors?.map((error) => error.path),
      ["entries.0.contentHash"],
    );
    problem(key, await call("POST", "/v1/entries", { body, contentType: "text/plain" }), 415);
    problem(key, await call("POST", "/v1/entries", { body: "x".repeat(6 * 1024 * 1024 + 1) }), 413);
    const anonymous = await call("POST", "/v1/entries", { body, auth: false });
    problem(key, anonymous, 401);
  });

  it("GET /v1/entries/{id} and /proof: 425 with Retry-After until a checkpoint covers it, then 200", async () => {
    // The stack signs a checkpoint every second: an entry asked for at once is almost always
    // not covered yet; a few tries make it certain.
    let early: Served | undefined;
    for (let attempt = 0; attempt < 5 && early === undefined; attempt++) {
      const posted = await call("POST", "/v1/entries", { body: entriesBody(1) });
      const [entry] = conforms("POST /v1/entries", posted, entriesAcceptedSchema).entries;
      assert.ok(entry);
      ({ id: entryId, contentHash } = entry);
      const proof = await call("GET", `/v1/entries/${entryId}/proof`);
      if (proof.status === 425) early = proof;
    }
    assert.ok(early, "no 425 in 5 tries");
    problem("GET /v1/entries/{id}/proof", early, 425);
    assert.match(early.headers.get("retry-after") ?? "", /^[0-9]+$/);

    const view = conforms(
      "GET /v1/entries/{id}",
      await call("GET", `/v1/entries/${entryId}`),
      entryViewSchema,
    );
    assert.equal(view.id, entryId);

    const deadline = Date.now() + 30_000;
    let proof = await call("GET", `/v1/entries/${entryId}/proof`);
    while (proof.status === 425 && Date.now() < deadline) {
      problem("GET /v1/entries/{id}/proof", proof, 425);
      await new Promise((resolve) => setTimeout(resolve, 100));
      proof = await call("GET", `/v1/entries/${entryId}/proof`);
    }
    assert.equal(proof.status, 200, proof.text);
    const bundle = conforms("GET /v1/entries/{id}/proof", proof, proofBundleResponseSchema);
    assert.equal(bundle.entry.id, entryId);
  });

  it("GET /v1/entries/{id}, /proof and /certificate: 404 for an unknown id, 400 for a bad query", async () => {
    const unknown = "01JDX7R4M8Q2V3N5P6K7H8J9AB";
    problem("GET /v1/entries/{id}", await call("GET", `/v1/entries/${unknown}`), 404);
    problem("GET /v1/entries/{id}/proof", await call("GET", `/v1/entries/${unknown}/proof`), 404);
    problem(
      "GET /v1/entries/{id}/proof",
      await call("GET", `/v1/entries/${entryId}/proof?anchored=maybe`),
      400,
    );
    problem(
      "GET /v1/entries/{id}",
      await call("GET", `/v1/entries/${entryId}`, { auth: false }),
      401,
    );
    const certificate = await call("GET", `/v1/entries/${unknown}/certificate`);
    problem("GET /v1/entries/{id}/certificate", certificate, 404);
  });

  it("GET /v1/entries/{id}/certificate answers a documented status in its documented type", async () => {
    const key = "GET /v1/entries/{id}/certificate";
    const served = await call("GET", `/v1/entries/${entryId}/certificate`);
    const response = documentedResponse(key, served.status);
    assert.ok(response.content?.[served.mediaType], `${served.status} as ${served.mediaType}`);
    record(key, served.status);
  });

  it("GET /v1/proofs: the entries with a content hash, 400 for a malformed one", async () => {
    const key = "GET /v1/proofs";
    const found = conforms(
      key,
      await call("GET", `/v1/proofs?contentHash=${contentHash.toUpperCase()}`),
      proofsLookupSchema,
    );
    assert.deepEqual(
      found.entries.map((entry) => entry.id),
      [entryId],
    );
    const bad = problem(key, await call("GET", "/v1/proofs?contentHash=xyz"), 400);
    assert.deepEqual(
      bad.errors?.map((error) => error.path),
      ["contentHash"],
    );
  });

  it("GET /v1/subjects/{subject}/entries: a subject's events, 404 and 400", async () => {
    const key = "GET /v1/subjects/{subject}/entries";
    const subjectEntry = await call("POST", "/v1/entries", {
      body: JSON.stringify({
        entries: [{ kind: "document", contentHash, subject: "lot-1", eventType: "packed" }],
      }),
    });
    assert.equal(subjectEntry.status, 202);
    const deadline = Date.now() + 30_000;
    let listed = await call("GET", "/v1/subjects/lot-1/entries");
    while (listed.status === 404 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      listed = await call("GET", "/v1/subjects/lot-1/entries");
    }
    const page = conforms(key, listed, subjectPageSchema);
    assert.equal(page.entries[0]?.eventType, "packed");
    problem(key, await call("GET", "/v1/subjects/lot-2/entries"), 404);
    problem(key, await call("GET", "/v1/subjects/lot-1/entries?limit=x"), 400);
  });

  it("GET /v1/ledgers/{ledger}/checkpoint and /consistency, without an API key", async () => {
    const checkpoint = conforms(
      "GET /v1/ledgers/{ledger}/checkpoint",
      await call("GET", "/v1/ledgers/default/checkpoint", { auth: false }),
      checkpointWithAnchorsSchema,
    );
    problem(
      "GET /v1/ledgers/{ledger}/checkpoint",
      await call("GET", "/v1/ledgers/no-such-ledger/checkpoint", { auth: false }),
      404,
    );
    problem(
      "GET /v1/ledgers/{ledger}/checkpoint",
      await call("GET", "/v1/ledgers/default/checkpoint?anchored=yes", { auth: false }),
      400,
    );
    const key = "GET /v1/ledgers/{ledger}/consistency";
    const consistency = conforms(
      key,
      await call("GET", `/v1/ledgers/default/consistency?from=1&to=${checkpoint.treeSize}`, {
        auth: false,
      }),
      consistencyProofSchema,
    );
    assert.equal(consistency.to, checkpoint.treeSize);
    problem(key, await call("GET", "/v1/ledgers/default/consistency?from=0&to=1"), 400);
    problem(key, await call("GET", "/v1/ledgers/no-such-ledger/consistency?from=1&to=1"), 404);
    // Every checkpoint, oldest first, a page at a time; the last page ends at the latest one.
    const listKey = "GET /v1/ledgers/{ledger}/checkpoints";
    const first = conforms(
      listKey,
      await call("GET", "/v1/ledgers/default/checkpoints?limit=1", { auth: false }),
      checkpointPageSchema,
    );
    assert.equal(first.checkpoints.length, 1);
    const rest = conforms(
      listKey,
      await call("GET", `/v1/ledgers/default/checkpoints?after=${first.next ?? 0}&limit=1000`),
      checkpointPageSchema,
    );
    assert.ok((rest.checkpoints.at(-1)?.treeSize ?? 0) >= checkpoint.treeSize);
    const badLimit = problem(
      listKey,
      await call("GET", "/v1/ledgers/default/checkpoints?limit=0"),
      400,
    );
    assert.deepEqual(
      badLimit.errors?.map((error) => error.path),
      ["limit"],
    );
    problem(listKey, await call("GET", "/v1/ledgers/default/checkpoints?after=x"), 400);
    problem(listKey, await call("GET", "/v1/ledgers/no-such-ledger/checkpoints"), 404);

    // A hash tile: bytes, documented as such (a partial tile of width 1 exists once size ≥ 1).
    const tileKey = "GET /v1/ledgers/{ledger}/tile/{tile+}";
    const tile = await fetch(`${stack.url}/v1/ledgers/default/tile/0/000.p/1`);
    assert.equal(tile.status, 200);
    const tileType = tile.headers.get("content-type") ?? "";
    assert.ok(documentedResponse(tileKey, 200).content?.[tileType], tileType);
    assert.equal((await tile.arrayBuffer()).byteLength, 32);
    record(tileKey, 200);
    problem(tileKey, await call("GET", "/v1/ledgers/default/tile/0/0", { auth: false }), 404);
    // The same tiles under the tlog prefix, an entry bundle among them, and its signed note.
    const tlogTileKey = "GET /v1/tlog/{ledger}/tile/{tile+}";
    const bundle = await fetch(`${stack.url}/v1/tlog/default/tile/entries/000.p/1`);
    assert.equal(bundle.status, 200);
    assert.ok(
      documentedResponse(tlogTileKey, 200).content?.[bundle.headers.get("content-type") ?? ""],
    );
    assert.equal((await bundle.arrayBuffer()).byteLength, 34);
    record(tlogTileKey, 200);
    problem(tlogTileKey, await call("GET", "/v1/tlog/default/tile/9/000", { auth: false }), 404);
    const noteKey = "GET /v1/tlog/{ledger}/checkpoint";
    const note = await fetch(`${stack.url}/v1/tlog/default/checkpoint`);
    assert.equal(note.status, 200);
    const noteType = (note.headers.get("content-type") ?? "").split(";")[0] ?? "";
    assert.ok(documentedResponse(noteKey, 200).content?.[noteType], noteType);
    assert.match(await note.text(), /\n\n\u2014 \S+ \S+\n$/);
    record(noteKey, 200);
    problem(noteKey, await call("GET", "/v1/tlog/no-such-ledger/checkpoint", { auth: false }), 404);
  });

  it("PUT, GET and DELETE /v1/webhook: the webhook, its secret once, and each refusal", async () => {
    const put = "PUT /v1/webhook";
    const url = "https://example.com/stele-events";
    const created = conforms(
      put,
      await call("PUT", "/v1/webhook", { body: JSON.stringify({ url }) }),
      webhookCreatedSchema,
    );
    assert.match(created.secret, /^whsec_/);
    const replaced = conforms(
      put,
      await call("PUT", "/v1/webhook", { body: JSON.stringify({ url }) }),
      webhookCreatedSchema,
    );
    problem(
      put,
      await call("PUT", "/v1/webhook", { body: JSON.stringify({ url: "ftp://x" }) }),
      400,
    );
    problem(put, await call("PUT", "/v1/webhook", { body: url, contentType: "text/plain" }), 415);
    problem(put, await call("PUT", "/v1/webhook", { body: "{}", auth: false }), 401);
    const get = "GET /v1/webhook";
    assert.deepEqual(conforms(get, await call("GET", "/v1/webhook"), webhookViewSchema), {
      url,
      createdAt: replaced.createdAt,
    });
    const del = "DELETE /v1/webhook";
    const removed = await call("DELETE", "/v1/webhook");
    assert.equal(removed.status, 204);
    assert.equal(removed.text, "");
    documentedResponse(del, 204);
    record(del, 204);
    problem(get, await call("GET", "/v1/webhook"), 404);
  });

  it("GET and DELETE /v1/entries/{id}/content: retained content, its erasure, each refusal", async () => {
    const document = Buffer.from("conformance: a retained document");
    const posted = conforms(
      "POST /v1/entries",
      await call("POST", "/v1/entries", {
        body: JSON.stringify({
          entries: [
            { kind: "document", content: document.toString("base64"), retain: true },
            { kind: "transaction", payload: { lot: "A-42" }, retain: true },
            { kind: "document", contentHash: randomBytes(32).toString("hex") },
          ],
        }),
      }),
      entriesAcceptedSchema,
    );
    const [documentId, transactionId, hashOnlyId] = posted.entries.map((entry) => entry.id);
    const get = "GET /v1/entries/{id}/content";
    for (const [id, type, body] of [
      [documentId, "application/octet-stream", document.toString("utf8")],
      [transactionId, "application/json", '{"lot":"A-42"}'],
    ] as const) {
      const served = await call("GET", `/v1/entries/${id}/content`);
      assert.equal(served.status, 200, served.text);
      assert.ok(documentedResponse(get, 200).content?.[served.mediaType], served.mediaType);
      assert.equal(served.mediaType, type);
      assert.equal(served.text, body);
      record(get, 200);
    }
    problem(get, await call("GET", `/v1/entries/${hashOnlyId}/content`), 404);
    problem(get, await call("GET", `/v1/entries/${documentId}/content`, { auth: false }), 401);
    const del = "DELETE /v1/entries/{id}/content";
    const erased = await call("DELETE", `/v1/entries/${documentId}/content`);
    assert.equal(erased.status, 204, erased.text);
    documentedResponse(del, 204);
    record(del, 204);
    problem(get, await call("GET", `/v1/entries/${documentId}/content`), 410);
    problem(del, await call("DELETE", `/v1/entries/${hashOnlyId}/content`), 404);
    problem(del, await call("DELETE", `/v1/entries/${documentId}/content`, { auth: false }), 401);
  });

  it("answers an unknown path 404 and another method 405, as problem+json", async () => {
    for (const [method, path, status] of [
      ["GET", "/v1/nothing", 404],
      ["DELETE", "/v1/health", 405],
    ] as const) {
      const served = await call(method, path);
      assert.equal(served.status, status);
      assert.equal(served.mediaType, "application/problem+json");
      assert.equal(problemSchema.parse(JSON.parse(served.text)).status, status);
    }
    assert.match(document.info.description ?? "", /404.*405/s);
  });

  it("called every documented operation", () => {
    assert.deepEqual(
      ROUTES.map(routeKey).filter((key) => !exercised.has(key)),
      [],
    );
  });
});
