// Subjects on the local stack: a lot's events listed in order with their links, paged, kept per
// tenant; the links' bundles verify, and their chain shows a dropped or reordered event.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { LocalStack } from "../../local/stack.ts";
import { verifyBundle } from "../../shared/app/verify-bundle.ts";
import { loadConfig } from "../../shared/config.ts";
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import {
  checkSubjectChain,
  type HeldLink,
  linkContentHash,
  type SubjectLinkPayload,
} from "../../shared/domain/subjects/subject-link.ts";
import { sha256Hex } from "../../shared/http/auth.ts";
import { createStore } from "../../shared/wiring.ts";
import { runStele } from "../support/cli/run-stele.ts";
import { startQuietStack } from "../support/local/quiet-stack.ts";

const OTHER_TENANT_KEY = `stele_shop_${randomBytes(16).toString("hex")}`;
const LOT = `lot-${randomBytes(4).toString("hex")}`;

interface SubjectEntry {
  sequence: number;
  id: string;
  kind: string;
  contentHash: string;
  eventType?: string;
  leafIndex: number;
  status: string;
  proof: string;
  link: {
    id: string;
    contentHash: string;
    leafIndex: number;
    payload: SubjectLinkPayload;
    proof: string;
  };
}
interface SubjectPage {
  subject: string;
  ledger: string;
  entries: SubjectEntry[];
  next: string | null;
}

let dataDir: string;
let stack: LocalStack;
const accepted: { id: string; eventType: string }[] = [];

async function api(path: string, init: { key?: string; method?: string; body?: unknown } = {}) {
  const response = await fetch(`${stack.url}${path}`, {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${init.key ?? stack.apiKey}`,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: <T>() => JSON.parse(text) as T };
}

async function submit(entries: unknown[], key?: string): Promise<{ id: string }[]> {
  const answer = await api("/v1/entries", {
    method: "POST",
    body: { entries },
    ...(key ? { key } : {}),
  });
  assert.equal(answer.status, 202, answer.text);
  return answer.json<{ entries: { id: string }[] }>().entries;
}

async function listAll(path: string, key?: string): Promise<SubjectPage> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await api(path, key === undefined ? {} : { key });
    if (answer.status === 200) return answer.json<SubjectPage>();
    if (Date.now() > deadline) throw new Error(`${path}: ${answer.status} ${answer.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function waitForSequence(count: number): Promise<SubjectPage> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const page = await listAll(`/v1/subjects/${LOT}/entries`);
    if (page.entries.length >= count) return page;
    if (Date.now() > deadline)
      throw new Error(`${LOT} has ${page.entries.length} events, want ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-subjects-"));
  stack = await startQuietStack(dataDir);
  await createStore(loadConfig(process.env)).putApiKey({
    keyHash: sha256Hex(OTHER_TENANT_KEY),
    keyId: "shop",
    scopes: ["read", "write"],
    label: "subjects test",
    tenant: "shop",
  });
  // Three requests, one after the other: harvested, then (with another lot between) shipped,
  // then received. Each waits for the one before to be sequenced, so the order is the log's.
  const harvested = await submit([
    { kind: "transaction", payload: { lot: LOT, kg: 120 }, subject: LOT, eventType: "harvested" },
  ]);
  accepted.push({ id: harvested[0]?.id ?? "", eventType: "harvested" });
  await waitForSequence(1);
  const shipped = await submit([
    { kind: "document", contentHash: randomBytes(32).toString("hex"), subject: "lot-other" },
    {
      kind: "document",
      contentHash: randomBytes(32).toString("hex"),
      subject: LOT,
      eventType: "shipped",
    },
  ]);
  accepted.push({ id: shipped[1]?.id ?? "", eventType: "shipped" });
  await waitForSequence(2);
  const received = await submit([
    {
      kind: "document",
      contentHash: randomBytes(32).toString("hex"),
      subject: LOT,
      eventType: "received",
    },
  ]);
  accepted.push({ id: received[0]?.id ?? "", eventType: "received" });
  // The same subject name in another tenant is another subject.
  await submit(
    [{ kind: "document", contentHash: randomBytes(32).toString("hex"), subject: LOT }],
    OTHER_TENANT_KEY,
  );
  await waitForSequence(3);
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("GET /v1/subjects/{subject}/entries", () => {
  it("lists the subject's events in order, each with its status, proof and link", async () => {
    const page = await listAll(`/v1/subjects/${LOT}/entries`);
    assert.equal(page.subject, LOT);
    assert.equal(page.ledger, "default");
    assert.equal(page.next, null);
    assert.deepEqual(
      page.entries.map(({ sequence, id, eventType }) => ({ sequence, id, eventType })),
      accepted.map(({ id, eventType }, i) => ({ sequence: i + 1, id, eventType })),
    );
    let previous: string | null = null;
    for (const entry of page.entries) {
      assert.equal(entry.status, "sequenced");
      assert.equal(entry.proof, `/v1/entries/${entry.id}/proof`);
      assert.deepEqual(entry.link.payload.entry, {
        id: entry.id,
        contentHash: entry.contentHash,
        leafIndex: entry.leafIndex,
      });
      assert.equal(entry.link.payload.previous, previous);
      assert.equal(linkContentHash(entry.link.payload), entry.link.contentHash);
      assert.ok(entry.link.leafIndex > entry.leafIndex);
      previous = entry.link.contentHash;
    }
    // The entry itself says which subject it belongs to; its link says which entry it links.
    const event = await api(`/v1/entries/${accepted[1]?.id}`);
    assert.equal(event.json<{ subject: string }>().subject, LOT);
    assert.equal(event.json<{ eventType: string }>().eventType, "shipped");
    const link = await api(`/v1/entries/${page.entries[1]?.link.id}`);
    assert.equal(link.json<{ linkFor: string }>().linkFor, accepted[1]?.id);
    assert.equal(link.json<{ kind: string }>().kind, "transaction");
  });

  it("pages with an opaque cursor", async () => {
    const first = await listAll(`/v1/subjects/${LOT}/entries?limit=2`);
    assert.deepEqual(
      first.entries.map((entry) => entry.sequence),
      [1, 2],
    );
    assert.ok(first.next);
    const second = await listAll(`/v1/subjects/${LOT}/entries?limit=2&cursor=${first.next}`);
    assert.deepEqual(
      second.entries.map((entry) => entry.sequence),
      [3],
    );
    assert.equal(second.next, null);
  });

  it("keeps subjects per tenant, and answers bad input clearly", async () => {
    const shop = await listAll(`/v1/subjects/${LOT}/entries`, OTHER_TENANT_KEY);
    assert.equal(shop.entries.length, 1);
    assert.equal(shop.entries[0]?.link.payload.tenant, "shop");
    assert.equal(shop.entries[0]?.link.payload.previous, null);
    for (const [path, status, detail] of [
      [`/v1/subjects/no-such-lot/entries`, 404, "no subject no-such-lot in ledger default"],
      [`/v1/subjects/${LOT}/entries?ledger=other`, 404, `no subject ${LOT} in ledger other`],
      [`/v1/subjects/a%23b/entries`, 404, "subjects are 1 to 128 of"],
      [`/v1/subjects/${LOT}/entries?limit=0`, 400, "limit must be 1 to 1000"],
      [`/v1/subjects/${LOT}/entries?cursor=nonsense`, 400, "cursor is not one this API gave"],
      [`/v1/subjects/${LOT}/entries?ledger=Bad!`, 400, "ledger must be a ledger name"],
    ] as const) {
      const answer = await api(path);
      assert.equal(answer.status, status, `${path}: ${answer.text}`);
      assert.match(
        answer.json<{ detail: string }>().detail,
        new RegExp(detail.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
        path,
      );
    }
    const unauthenticated = await fetch(`${stack.url}/v1/subjects/${LOT}/entries`);
    assert.equal(unauthenticated.status, 401);
    const bad = await api("/v1/entries", {
      method: "POST",
      body: {
        entries: [
          { kind: "document", contentHash: "ab".repeat(32), eventType: "shipped" },
          { kind: "document", contentHash: "ab".repeat(32), subject: "lot/1" },
          { kind: "document", contentHash: "ab".repeat(32), subject: "x".repeat(129) },
          { kind: "document", contentHash: "ab".repeat(32), subject: "lot", eventType: "Shipped" },
        ],
      },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.json<{ errors: { path: string }[] }>().errors.map((error) => error.path),
      ["entries.0.subject", "entries.1.subject", "entries.2.subject", "entries.3.eventType"],
    );
  });
});

describe("certificates of a subject's event", () => {
  it("show the subject's history with this event marked", async () => {
    const answer = await api(`/v1/entries/${accepted[1]?.id}/certificate`);
    assert.equal(answer.status, 200, answer.text);
    const html = answer.text;
    assert.match(html, new RegExp(`<h2>History of ${LOT}</h2>`));
    const rows = [...html.matchAll(/<tr( class="current")?><td>(\d+)<\/td><td>([^<]*)<\/td>/g)].map(
      (match) => [match[2], match[3], match[1] !== undefined],
    );
    assert.deepEqual(rows, [
      ["1", "harvested", false],
      ["2", "shipped", true],
      ["3", "received", false],
    ]);
    assert.match(html, new RegExp(`<code>${LOT}</code>, shipped`));
  });
});

describe("the subject's links in the log", () => {
  it("verify as bundles, and their chain shows a dropped or reordered event", async () => {
    const page = await listAll(`/v1/subjects/${LOT}/entries`);
    const signer = (await (await fetch(`${stack.url}/v1/log`)).json()) as {
      checkpointSigner: string;
    };
    const held: HeldLink[] = [];
    for (const entry of page.entries) {
      const bundle = (await api(entry.link.proof)).json<ProofBundle>();
      const verdict = await verifyBundle(bundle, {
        content: { kind: "transaction", payload: entry.link.payload },
        trustedSigner: signer.checkpointSigner,
      });
      assert.ok(verdict.valid, JSON.stringify(verdict.failure));
      held.push({ payload: entry.link.payload, leafIndex: bundle.leafIndex });
    }
    assert.deepEqual(checkSubjectChain(held, { sequence: 3 }), []);

    const [one, two, three] = held as [HeldLink, HeldLink, HeldLink];
    assert.match(
      checkSubjectChain([one, three])
        .map((p) => p.problem)
        .join("; "),
      /events 2–2 are missing/,
    );
    // Without the head, a history cut at its end looks whole; the head's sequence shows it.
    assert.deepEqual(checkSubjectChain([one, two]), []);
    assert.match(
      checkSubjectChain([one, two], { sequence: 3 })
        .map((p) => p.problem)
        .join("; "),
      /events 3–3 are missing at the end/,
    );
    assert.match(
      checkSubjectChain([one, three, two])
        .map((p) => p.problem)
        .join("; "),
      /reordered or repeated/,
    );
  });
});

describe("stele history <subject>", () => {
  it("lists the events and checks every bundle and the chain, saving them with --out", async () => {
    const out = join(dataDir, "history");
    const run = await runStele(["history", LOT, "--out", out], { cwd: dataDir, api: stack });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const lines = run.stdout.trim().split("\n");
    assert.deepEqual(
      lines.slice(0, 3).map((line) =>
        line
          .split(/\s+/)
          .slice(0, 1)
          .concat(line.split(/\s+/)[2] ?? ""),
      ),
      [
        ["#1", "harvested"],
        ["#2", "shipped"],
        ["#3", "received"],
      ],
    );
    assert.match(lines[3] ?? "", new RegExp(`^VALID: 3 event\\(s\\) of ${LOT} in default`));
    assert.equal((await readdir(out)).length, 9);
  });

  it("says INVALID, exit 1, when the checkpoints are not signed by the signer given", async () => {
    const run = await runStele(["history", LOT, "--signer", `0x${"12".repeat(20)}`], {
      cwd: dataDir,
      api: stack,
    });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /INVALID: the history of .* fails step 4/s);
  });

  it("follows `stele submit --subject --event-type`: one file, two events of a lot", async () => {
    const lot = `lot-cli-${randomBytes(3).toString("hex")}`;
    await writeFile(join(dataDir, "analysis.pdf"), randomBytes(2000));
    const submit = (eventType: string) =>
      runStele(["submit", "analysis.pdf", "--subject", lot, "--event-type", eventType], {
        cwd: dataDir,
        api: stack,
      });
    assert.equal((await submit("tested")).code, 0);
    // The same file as another event of the lot is another entry; as the same event, it is not.
    const again = await submit("released");
    assert.match(again.stdout, /submitted 1 entry/);
    assert.match((await submit("released")).stdout, /nothing new to submit/);
    const index = JSON.parse(await readFile(join(dataDir, "stele-index.json"), "utf8")) as {
      entries: { subject?: string; eventType?: string }[];
    };
    assert.deepEqual(
      index.entries.map((entry) => [entry.subject, entry.eventType]),
      [
        [lot, "tested"],
        [lot, "released"],
      ],
    );
    await listAll(`/v1/subjects/${lot}/entries`);
    const deadline = Date.now() + 30_000;
    let run = await runStele(["history", lot], { cwd: dataDir, api: stack });
    while (!run.stdout.includes("VALID: 2 event(s)") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      run = await runStele(["history", lot], { cwd: dataDir, api: stack });
    }
    assert.match(run.stdout, /#1 .* tested .*\n#2 .* released /);
    assert.equal(run.code, 0, run.stdout + run.stderr);

    const usage = await runStele(["submit", "analysis.pdf", "--event-type", "tested"], {
      cwd: dataDir,
      api: stack,
    });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--event-type needs --subject/);
  });

  it("exits 2 for a subject with no events", async () => {
    const run = await runStele(["history", "no-such-lot"], { cwd: dataDir, api: stack });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /no subject no-such-lot in ledger default/);
  });
});
