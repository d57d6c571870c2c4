// What a careless or hostile client meets: every request below is refused with its exact 4xx and
// an RFC 9457 problem+json body that says what to fix; none gets a 5xx or a stack trace.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type LocalStack, startLocalStack } from "../../local/stack.ts";
import { loadConfig } from "../../shared/config.ts";
import { sha256Hex } from "../../shared/http/auth.ts";
import { matchRoute } from "../../shared/http/routes.ts";
import { createStore } from "../../shared/wiring.ts";

/** Whose key a request carries, or the literal Authorization header it sends. */
type Auth = "key" | "read-only" | "none" | { readonly authorization: string };

interface HostileRequest {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  /** Defaults to the full-scope key. */
  readonly auth?: Auth;
  /** A JSON value (sent as application/json), or raw text/bytes sent with `headers` as given. */
  readonly json?: unknown;
  readonly raw?: string | Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  readonly status: number;
  /** Paths the problem's `errors` must name (validation errors). */
  readonly errors?: readonly string[];
  /** Response headers the answer must carry. */
  readonly answerHeaders?: Readonly<Record<string, string>>;
}

interface ProblemBody {
  readonly type?: unknown;
  readonly title?: unknown;
  readonly status?: unknown;
  readonly detail?: unknown;
  readonly errors?: unknown;
}

const READ_ONLY_KEY = `stele_ro_${randomBytes(16).toString("hex")}`;
/** A key of another tenant, and one of the dev key's tenant kept to the ledger "shelf". */
const OTHER_TENANT_KEY = `stele_ot_${randomBytes(16).toString("hex")}`;
const SHELF_ONLY_KEY = `stele_so_${randomBytes(16).toString("hex")}`;
const HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const ENTRY = { kind: "document", contentHash: HASH } as const;
/** A well-formed entry id (a ULID ending in a position) that no batch has. */
const UNKNOWN_ID = "01JA2B3C4D5E6F7G8H9JKMNP01";
const CHALLENGE = 'Bearer realm="stele"';

let dataDir: string;
let stack: LocalStack;
const logLines: string[] = [];
/** Tree size of the default ledger's checkpoint once the setup entries are integrated. */
let treeSize = 0;
/** The first setup entry, submitted with the dev key (the default tenant). */
let setupEntryId = "";

function nested(depth: number, leaf: string): string {
  return `${'{"a":'.repeat(depth)}${leaf}${"}".repeat(depth)}`;
}

function authorizationOf(auth: Auth): string | undefined {
  if (auth === "none") return undefined;
  if (auth === "key") return `Bearer ${stack.apiKey}`;
  if (auth === "read-only") return `Bearer ${READ_ONLY_KEY}`;
  return auth.authorization;
}

async function send(request: HostileRequest, auth: Auth) {
  const headers: Record<string, string> = { ...request.headers };
  const authorization = authorizationOf(auth);
  if (authorization !== undefined) headers.authorization = authorization;
  let body: string | Uint8Array | undefined = request.raw;
  if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${stack.url}${request.path}`, {
    method: request.method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  return { response, text: await response.text() };
}

/** The problem+json every refusal must be, with the status, field paths and headers asked for. */
function assertProblem(
  label: string,
  response: Response,
  text: string,
  want: Pick<HostileRequest, "status" | "errors" | "answerHeaders">,
): void {
  const where = `${label}: HTTP ${response.status} ${text.slice(0, 300)}`;
  assert.equal(response.status, want.status, where);
  assert.ok(!text.includes("    at "), `${where}: leaks a stack trace`);
  assert.equal(response.headers.get("content-type"), "application/problem+json", where);
  const problem = JSON.parse(text) as ProblemBody;
  assert.equal(typeof problem.type, "string", where);
  assert.equal(typeof problem.title, "string", where);
  assert.equal(problem.status, want.status, where);
  assert.ok(typeof problem.detail === "string" && problem.detail.length > 0, where);
  if (want.errors !== undefined) {
    assert.ok(Array.isArray(problem.errors), `${where}: no errors array`);
    const paths = (problem.errors as { path?: unknown }[]).map((error) => error.path);
    for (const path of want.errors)
      assert.ok(paths.includes(path), `${where}: no error at ${path}`);
  }
  for (const [name, value] of Object.entries(want.answerHeaders ?? {})) {
    assert.equal(response.headers.get(name), value, `${where}: header ${name}`);
  }
}

/** True when `method path` is a route that needs a key (its 4xx without one must be 401). */
function needsKey(method: string, path: string): boolean {
  const match = matchRoute(method, new URL(path, "http://x").pathname);
  return match.kind === "route" && match.route.scope !== null;
}

const post = (
  name: string,
  json: unknown,
  status: number,
  errors?: readonly string[],
): HostileRequest => ({
  name,
  method: "POST",
  path: "/v1/entries",
  json,
  status,
  ...(errors === undefined ? {} : { errors }),
});

const HOSTILE: readonly HostileRequest[] = [
  // Auth.
  {
    name: "no Authorization",
    method: "POST",
    path: "/v1/entries",
    auth: "none",
    json: { entries: [ENTRY] },
    status: 401,
    answerHeaders: { "www-authenticate": CHALLENGE },
  },
  {
    name: "an unknown key",
    method: "POST",
    path: "/v1/entries",
    auth: { authorization: `Bearer stele_${"0".repeat(32)}` },
    json: { entries: [ENTRY] },
    status: 401,
    answerHeaders: { "www-authenticate": CHALLENGE },
  },
  {
    name: "Basic credentials",
    method: "POST",
    path: "/v1/entries",
    auth: { authorization: `Basic ${Buffer.from("dev:secret").toString("base64")}` },
    json: { entries: [ENTRY] },
    status: 401,
    answerHeaders: { "www-authenticate": CHALLENGE },
  },
  {
    name: '"Bearer" alone',
    method: "POST",
    path: "/v1/entries",
    auth: { authorization: "Bearer" },
    json: { entries: [ENTRY] },
    status: 401,
    answerHeaders: { "www-authenticate": CHALLENGE },
  },
  {
    name: "two tokens after Bearer",
    method: "GET",
    path: `/v1/entries/${UNKNOWN_ID}`,
    auth: { authorization: "Bearer one two" },
    status: 401,
    answerHeaders: { "www-authenticate": CHALLENGE },
  },
  {
    name: "a key without the write scope",
    method: "POST",
    path: "/v1/entries",
    auth: "read-only",
    json: { entries: [ENTRY] },
    status: 403,
  },
  // Body: media type, JSON, shape.
  {
    name: "invalid JSON",
    method: "POST",
    path: "/v1/entries",
    raw: '{"entries": [',
    headers: { "content-type": "application/json" },
    status: 400,
    errors: ["(body)"],
  },
  post("a JSON array", [], 400, ["(body)"]),
  post("a JSON string", "entries", 400, ["(body)"]),
  post("JSON null", null, 400, ["(body)"]),
  post("a JSON number", 42, 400, ["(body)"]),
  {
    name: "text/plain",
    method: "POST",
    path: "/v1/entries",
    raw: JSON.stringify({ entries: [ENTRY] }),
    headers: { "content-type": "text/plain" },
    status: 415,
  },
  {
    name: "no content type",
    method: "POST",
    path: "/v1/entries",
    raw: new TextEncoder().encode(JSON.stringify({ entries: [ENTRY] })),
    status: 415,
  },
  {
    name: "a form",
    method: "POST",
    path: "/v1/entries",
    raw: "entries=1",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    status: 415,
  },
  post("0 entries", { entries: [] }, 400, ["entries"]),
  post("1001 entries", { entries: Array.from({ length: 1001 }, () => ENTRY) }, 400, ["entries"]),
  post("no entries field", { ledger: "default" }, 400, ["entries"]),
  post("an unknown top-level field", { entries: [ENTRY], ledgr: "x" }, 400, ["ledgr"]),
  post("an unknown entry field", { entries: [{ ...ENTRY, contnet: "aGk=" }] }, 400, [
    "entries.0.contnet",
  ]),
  post("an unknown entry kind", { entries: [{ kind: "photo", contentHash: HASH }] }, 400, [
    "entries.0.kind",
  ]),
  post("an entry that is not an object", { entries: [ENTRY, "x"] }, 400, ["entries.1"]),
  post(
    "a document with both contentHash and content",
    { entries: [{ kind: "document", contentHash: HASH, content: "aGk=" }] },
    400,
    ["entries.0"],
  ),
  post("a document with neither", { entries: [{ kind: "document" }] }, 400, ["entries.0"]),
  post(
    "a 63-character hash",
    { entries: [{ kind: "document", contentHash: HASH.slice(1) }] },
    400,
    ["entries.0.contentHash"],
  ),
  post(
    "a non-hex hash",
    { entries: [{ kind: "document", contentHash: `${"z".repeat(63)}0` }] },
    400,
    ["entries.0.contentHash"],
  ),
  post("a 0x-prefixed hash", { entries: [{ kind: "document", contentHash: `0x${HASH}` }] }, 400, [
    "entries.0.contentHash",
  ]),
  post("bad base64", { entries: [{ kind: "document", content: "not base64!!" }] }, 400, [
    "entries.0.content",
  ]),
  post("unpadded base64", { entries: [{ kind: "document", content: "aGk" }] }, 400, [
    "entries.0.content",
  ]),
  post(
    "content over 256 KiB decoded",
    { entries: [{ kind: "document", content: Buffer.alloc(256 * 1024 + 1).toString("base64") }] },
    400,
    ["entries.0.content"],
  ),
  post(
    "a payload over 64 KiB of canonical JSON",
    { entries: [{ kind: "transaction", payload: { blob: "x".repeat(64 * 1024) } }] },
    400,
    ["entries.0.payload"],
  ),
  post("a payload that is an array", { entries: [{ kind: "transaction", payload: [1] }] }, 400, [
    "entries.0.payload",
  ]),
  {
    name: "a payload nested 10,000 deep",
    method: "POST",
    path: "/v1/entries",
    raw: `{"entries":[{"kind":"transaction","payload":${nested(10_000, "1")}}]}`,
    headers: { "content-type": "application/json" },
    status: 400,
    errors: ["entries.0.payload"],
  },
  {
    name: "a body nested 10,000 deep",
    method: "POST",
    path: "/v1/entries",
    raw: `${"[".repeat(10_000)}${"]".repeat(10_000)}`,
    headers: { "content-type": "application/json" },
    status: 400,
    errors: ["(body)"],
  },
  {
    name: "a body over 6 MiB",
    method: "POST",
    path: "/v1/entries",
    raw: `{"entries":[],"pad":"${"x".repeat(6 * 1024 * 1024)}"}`,
    headers: { "content-type": "application/json" },
    status: 413,
  },
  post("an uppercase ledger", { ledger: "Default", entries: [ENTRY] }, 400, ["ledger"]),
  post("a 64-character ledger", { ledger: "a".repeat(64), entries: [ENTRY] }, 400, ["ledger"]),
  post("a ledger with a leading dash", { ledger: "-ledger", entries: [ENTRY] }, 400, ["ledger"]),
  post("an empty ledger", { ledger: "", entries: [ENTRY] }, 400, ["ledger"]),
  post("a ledger that is a number", { ledger: 7, entries: [ENTRY] }, 400, ["ledger"]),
  post(
    "a clientRef of 129 characters",
    { entries: [{ ...ENTRY, clientRef: "r".repeat(129) }] },
    400,
    ["entries.0.clientRef"],
  ),
  {
    name: "an Idempotency-Key of 300 characters",
    method: "POST",
    path: "/v1/entries",
    json: { entries: [ENTRY] },
    headers: { "idempotency-key": "k".repeat(300) },
    status: 400,
    errors: ["Idempotency-Key"],
  },
  {
    name: "an Idempotency-Key with spaces",
    method: "POST",
    path: "/v1/entries",
    json: { entries: [ENTRY] },
    headers: { "idempotency-key": "order 7731" },
    status: 400,
    errors: ["Idempotency-Key"],
  },
  {
    name: "an Idempotency-Key that is not ASCII",
    method: "POST",
    path: "/v1/entries",
    json: { entries: [ENTRY] },
    headers: { "idempotency-key": "clé" },
    status: 400,
    errors: ["Idempotency-Key"],
  },
  // Routing.
  { name: "an unknown path", method: "GET", path: "/v1/nothing", status: 404 },
  { name: "the root", method: "GET", path: "/", status: 404 },
  { name: "another version", method: "GET", path: "/v2/health", status: 404 },
  { name: "a trailing slash", method: "GET", path: "/v1/health/", status: 404 },
  { name: "an empty entry id", method: "GET", path: "/v1/entries/", status: 404 },
  { name: "a malformed escape", method: "GET", path: "/v1/entries/%ZZ", status: 404 },
  { name: "a malformed escape, unknown path", method: "GET", path: "/v1/%E0%A4%A", status: 404 },
  {
    name: "GET on the POST route",
    method: "GET",
    path: "/v1/entries",
    status: 405,
    answerHeaders: { allow: "POST" },
  },
  {
    name: "DELETE on the POST route",
    method: "DELETE",
    path: "/v1/entries",
    status: 405,
    answerHeaders: { allow: "POST" },
  },
  {
    name: "POST on health",
    method: "POST",
    path: "/v1/health",
    json: {},
    status: 405,
    answerHeaders: { allow: "GET" },
  },
  {
    name: "PUT on an entry",
    method: "PUT",
    path: `/v1/entries/${UNKNOWN_ID}`,
    json: { entries: [ENTRY] },
    status: 405,
    answerHeaders: { allow: "GET" },
  },
  {
    name: "PATCH on a checkpoint",
    method: "PATCH",
    path: "/v1/ledgers/default/checkpoint",
    status: 405,
    answerHeaders: { allow: "GET" },
  },
  // Entry reads.
  { name: "an entry id that is no id", method: "GET", path: "/v1/entries/not-an-id", status: 404 },
  {
    name: "a lowercase entry id",
    method: "GET",
    path: `/v1/entries/${UNKNOWN_ID.toLowerCase()}`,
    status: 404,
  },
  { name: "an unknown entry", method: "GET", path: `/v1/entries/${UNKNOWN_ID}`, status: 404 },
  {
    name: "the proof of an unknown entry",
    method: "GET",
    path: `/v1/entries/${UNKNOWN_ID}/proof`,
    status: 404,
  },
  {
    name: "the proof of an id that is no id",
    method: "GET",
    path: "/v1/entries/x/proof",
    status: 404,
  },
  {
    name: "anchored=maybe on a proof",
    method: "GET",
    path: `/v1/entries/${UNKNOWN_ID}/proof?anchored=maybe`,
    status: 400,
    errors: ["anchored"],
  },
  {
    name: "checkpoints after a size that is no number",
    method: "GET",
    path: "/v1/ledgers/default/checkpoints?after=-1",
    status: 400,
    errors: ["after"],
    auth: "none",
  },
  {
    name: "checkpoints with a limit past 1000",
    method: "GET",
    path: "/v1/ledgers/default/checkpoints?limit=1001",
    status: 400,
    errors: ["limit"],
    auth: "none",
  },
  {
    name: "checkpoints of a ledger that has none",
    method: "GET",
    path: "/v1/ledgers/no-such-ledger/checkpoints",
    status: 404,
    auth: "none",
  },
  {
    name: "a subject with a slash in it",
    method: "GET",
    path: "/v1/subjects/lot%2F1/entries",
    status: 404,
  },
  {
    name: "a subject's entries with a limit that is no number",
    method: "GET",
    path: "/v1/subjects/lot-hostile/entries?limit=ten",
    status: 400,
    errors: ["limit"],
  },
  {
    name: "a subject's entries with a cursor this API never gave",
    method: "GET",
    path: "/v1/subjects/lot-hostile/entries?cursor=eyJ2IjoxLCJhZnRlciI6LTF9",
    status: 400,
    errors: ["cursor"],
  },
  // Retained content (encrypted retention).
  post(
    "retain on a document given by its hash: nothing to keep",
    { entries: [{ ...ENTRY, retain: true }] },
    400,
    ["entries.0.retain"],
  ),
  post(
    "retain that is no boolean",
    { entries: [{ kind: "transaction", payload: { n: 1 }, retain: "yes" }] },
    400,
    ["entries.0.retain"],
  ),
  {
    name: "the content of an unknown entry",
    method: "GET",
    path: `/v1/entries/${UNKNOWN_ID}/content`,
    status: 404,
  },
  {
    name: "the content of a string that is no entry id",
    method: "GET",
    path: "/v1/entries/not-an-id/content",
    status: 404,
  },
  {
    name: "erasing the content of an unknown entry",
    method: "DELETE",
    path: `/v1/entries/${UNKNOWN_ID}/content`,
    status: 404,
  },
  {
    name: "content with a key without the read-content scope",
    method: "GET",
    path: `/v1/entries/${UNKNOWN_ID}/content`,
    auth: "read-only",
    status: 403,
  },
  {
    name: "erasing with a key without the erase-content scope",
    method: "DELETE",
    path: `/v1/entries/${UNKNOWN_ID}/content`,
    auth: "read-only",
    status: 403,
  },
  {
    name: "an eventType without a subject",
    method: "POST",
    path: "/v1/entries",
    json: { entries: [{ ...ENTRY, eventType: "shipped" }] },
    status: 400,
    errors: ["entries.0.subject"],
  },
  {
    name: "proofs without contentHash",
    method: "GET",
    path: "/v1/proofs",
    status: 400,
    errors: ["contentHash"],
  },
  {
    name: "proofs with a short contentHash",
    method: "GET",
    path: `/v1/proofs?contentHash=${HASH.slice(1)}`,
    status: 400,
    errors: ["contentHash"],
  },
  {
    name: "proofs with a non-hex contentHash",
    method: "GET",
    path: `/v1/proofs?contentHash=${"g".repeat(64)}`,
    status: 400,
    errors: ["contentHash"],
  },
  {
    name: "proofs with contentHash twice",
    method: "GET",
    path: `/v1/proofs?contentHash=${HASH}&contentHash=${HASH}`,
    status: 400,
    errors: ["contentHash"],
  },
  {
    name: "proofs with a bad ledger",
    method: "GET",
    path: `/v1/proofs?contentHash=${HASH}&ledger=Nope`,
    status: 400,
    errors: ["ledger"],
  },
  // The public log reads.
  {
    name: "consistency from=0",
    method: "GET",
    path: "/v1/ledgers/default/consistency?from=0&to=1",
    status: 400,
    errors: ["from"],
  },
  {
    name: "consistency from > to",
    method: "GET",
    path: "/v1/ledgers/default/consistency?from=2&to=1",
    status: 400,
    errors: ["from"],
  },
  {
    name: "consistency from=abc",
    method: "GET",
    path: "/v1/ledgers/default/consistency?from=abc&to=1",
    status: 400,
    errors: ["from"],
  },
  {
    name: "consistency from=-1",
    method: "GET",
    path: "/v1/ledgers/default/consistency?from=-1&to=1",
    status: 400,
    errors: ["from"],
  },
  {
    name: "consistency from=1e3",
    method: "GET",
    path: "/v1/ledgers/default/consistency?from=1e3&to=1",
    status: 400,
    errors: ["from"],
  },
  {
    name: "consistency without to",
    method: "GET",
    path: "/v1/ledgers/default/consistency?from=1",
    status: 400,
    errors: ["to"],
  },
  {
    name: "consistency past 2^53",
    method: "GET",
    path: "/v1/ledgers/default/consistency?from=1&to=9999999999999999",
    status: 400,
  },
  {
    name: "consistency of an unknown ledger",
    method: "GET",
    path: "/v1/ledgers/nope/consistency?from=1&to=1",
    status: 404,
  },
  {
    name: "the checkpoint of an unknown ledger",
    method: "GET",
    path: "/v1/ledgers/nope/checkpoint",
    status: 404,
  },
  {
    name: "the checkpoint of a ledger that cannot exist",
    method: "GET",
    path: "/v1/ledgers/NOPE/checkpoint",
    status: 404,
  },
  {
    name: "the checkpoint of an escaped slash",
    method: "GET",
    path: "/v1/ledgers/a%2Fb/checkpoint",
    status: 404,
  },
  {
    name: "anchored=maybe on a checkpoint",
    method: "GET",
    path: "/v1/ledgers/default/checkpoint?anchored=maybe",
    status: 400,
    errors: ["anchored"],
  },
  // The tenant's webhook reports every ledger: a key kept to some ledgers may not set or see it.
  ...(["PUT", "GET", "DELETE"] as const).map(
    (method): HostileRequest => ({
      name: "a key kept to some ledgers, on the tenant's webhook",
      method,
      path: "/v1/webhook",
      auth: { authorization: `Bearer ${SHELF_ONLY_KEY}` },
      ...(method === "PUT" ? { json: { url: "https://example.com/stele-events" } } : {}),
      status: 403,
    }),
  ),
];

async function waitForCheckpoint(minSize: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(`${stack.url}/v1/ledgers/default/checkpoint`);
    const body = (await response.json()) as { treeSize?: number };
    if (response.status === 200 && typeof body.treeSize === "number" && body.treeSize >= minSize)
      return body.treeSize;
    if (Date.now() > deadline) throw new Error(`no checkpoint of ${minSize} entries in 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-hostile-"));
  stack = await startLocalStack({
    dataDir,
    port: 0,
    integrateIntervalMs: 100,
    originPrefix: "stele.test",
    log: (line) => logLines.push(line),
    // As API Gateway: `/` is an unknown route here, not the verify page.
    page: false,
  });
  // The stack has set process.env as the functions read it: the same table, the same hashing.
  await createStore(loadConfig(process.env)).putApiKey({
    keyHash: sha256Hex(READ_ONLY_KEY),
    keyId: "read-only",
    scopes: ["read"],
    label: "hostile test: read only",
  });
  await createStore(loadConfig(process.env)).putApiKey({
    keyHash: sha256Hex(OTHER_TENANT_KEY),
    keyId: "other-tenant",
    scopes: ["read", "write", "read-content", "erase-content"],
    label: "hostile test: another tenant",
    tenant: "other",
  });
  await createStore(loadConfig(process.env)).putApiKey({
    keyHash: sha256Hex(SHELF_ONLY_KEY),
    keyId: "shelf-only",
    scopes: ["read", "write", "manage-webhooks", "read-content", "erase-content"],
    label: "hostile test: kept to the shelf ledger",
    ledgers: ["shelf"],
  });
  const accepted = await fetch(`${stack.url}/v1/entries`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({
      entries: [
        { ...ENTRY, subject: "lot-hostile" },
        { kind: "transaction", payload: { n: 1 } },
      ],
    }),
  });
  const acceptedText = await accepted.text();
  assert.equal(accepted.status, 202, acceptedText);
  setupEntryId = (JSON.parse(acceptedText) as { entries: { id: string }[] }).entries[0]?.id ?? "";
  // The two entries, and the link of the first (an event of subject lot-hostile).
  treeSize = await waitForCheckpoint(3);
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("hostile requests to the local stack", () => {
  for (const request of HOSTILE) {
    it(`${request.method} ${request.path.slice(0, 60)}: ${request.name} → ${request.status}`, async () => {
      const { response, text } = await send(request, request.auth ?? "key");
      assertProblem(request.name, response, text, request);
    });
  }

  it("refuses a consistency proof to a size past the tree (to > size) with 400", async () => {
    const request: HostileRequest = {
      name: "consistency to beyond the size",
      method: "GET",
      path: `/v1/ledgers/default/consistency?from=1&to=${treeSize + 1}`,
      status: 400,
    };
    const { response, text } = await send(request, "none");
    assertProblem(request.name, response, text, request);
    const problem = JSON.parse(text) as ProblemBody;
    assert.ok(Array.isArray(problem.errors) && problem.errors.length > 0, text);
  });

  it("asks for a key before anything else on the routes that need one: 401, never a hint", async () => {
    const keyed = HOSTILE.filter(
      (request) => request.auth === undefined && needsKey(request.method, request.path),
    );
    assert.ok(keyed.length > 30, `only ${keyed.length} keyed requests in the table`);
    for (const request of keyed) {
      const { response, text } = await send(request, "none");
      assertProblem(`${request.name}, without a key`, response, text, {
        status: 401,
        answerHeaders: { "www-authenticate": CHALLENGE },
      });
    }
  });

  it("answers routing the same with or without a key: 404 and 405 come before auth", async () => {
    const unrouted = HOSTILE.filter(
      (request) => request.auth === undefined && (request.status === 404 || request.status === 405),
    ).filter((request) => !needsKey(request.method, request.path));
    assert.ok(unrouted.length >= 10, `only ${unrouted.length} unrouted requests in the table`);
    for (const request of unrouted) {
      const { response, text } = await send(request, "none");
      assertProblem(`${request.name}, without a key`, response, text, request);
    }
  });

  it("answers other tenants' and other ledgers' keys as if the entry did not exist", async () => {
    for (const [who, authorization] of [
      ["another tenant", `Bearer ${OTHER_TENANT_KEY}`],
      ["a key kept to another ledger", `Bearer ${SHELF_ONLY_KEY}`],
    ] as const) {
      for (const suffix of ["", "/proof", "/proof?anchored=true", "/certificate", "/content"]) {
        const request: HostileRequest = {
          name: `${who}: GET the entry${suffix}`,
          method: "GET",
          path: `/v1/entries/${setupEntryId}${suffix}`,
          status: 404,
        };
        const { response, text } = await send(request, { authorization });
        assertProblem(request.name, response, text, request);
        assert.equal((JSON.parse(text) as ProblemBody).detail, `no entry ${setupEntryId}`);
      }
      const subject: HostileRequest = {
        name: `${who}: GET the entry's subject`,
        method: "GET",
        path: "/v1/subjects/lot-hostile/entries",
        status: 404,
      };
      const answer = await send(subject, { authorization });
      assertProblem(subject.name, answer.response, answer.text, subject);
      assert.equal(
        (JSON.parse(answer.text) as ProblemBody).detail,
        "no subject lot-hostile in ledger default",
      );
    }
    const elsewhere: HostileRequest = {
      name: "a key kept to another ledger writes to default",
      method: "POST",
      path: "/v1/entries",
      json: { entries: [ENTRY] },
      status: 403,
    };
    const { response, text } = await send(elsewhere, { authorization: `Bearer ${SHELF_ONLY_KEY}` });
    assertProblem(elsewhere.name, response, text, elsewhere);
  });

  it("gives the read-only key its reads and nothing more", async () => {
    const read = await fetch(`${stack.url}/v1/proofs?contentHash=${HASH}`, {
      headers: { authorization: `Bearer ${READ_ONLY_KEY}` },
    });
    assert.equal(read.status, 200, await read.text());
  });

  it("answers a browser page of another origin as API Gateway's CORS configuration does", async () => {
    const preflight = await fetch(`${stack.url}/v1/entries/01JDX7R4M8Q2V3N5P6K7H8J900/proof`, {
      method: "OPTIONS",
      headers: {
        origin: "https://verify.example",
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
    assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /authorization/);
    const problem = await fetch(`${stack.url}/v1/entries/01JDX7R4M8Q2V3N5P6K7H8J900/proof`, {
      headers: { origin: "https://verify.example" },
    });
    assert.equal(problem.status, 401);
    assert.equal(problem.headers.get("access-control-allow-origin"), "*");
    assert.match(problem.headers.get("access-control-expose-headers") ?? "", /retry-after/);
    const sameOrigin = await fetch(`${stack.url}/v1/health`);
    assert.equal(sameOrigin.headers.get("access-control-allow-origin"), null);
  });

  it("logged no failure while it was refusing all of the above", () => {
    assert.deepEqual(
      logLines.filter((line) => line.startsWith("error")),
      [],
    );
  });
});
