// The verify page as a person meets it: served by `npm start`, in a real Chromium, given a
// document and its bundle (or an entry id), checking the anchors through the stack's chain.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { knownChain } from "../../shared/domain/chains/known-chains.ts";
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { verifyPageLink } from "../../shared/domain/proof/verify-link.ts";
import { launchChromium } from "../support/browser/chromium.ts";
import { ApiClient } from "../support/local/api-client.ts";
import { type StackProcess, startStackProcess } from "../support/local/stack-process.ts";

const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));
/** How the page names the stack's chain (chain id 31337). */
const LOCAL_CHAIN = `${knownChain(31337).name} (31337)`;

let dataDir: string;
let stack: StackProcess;
let api: ApiClient;
let browser: Browser;
let chainUrl: string;
/** The document, its entry id and its final bundle (anchored, 2 confirmations). */
let document: Buffer;
let entryId: string;
let bundle: ProofBundle;
/** A transaction entry's payload and its final bundle. */
const payload = { lot: "A-42", farm: "Hof Zoë", weightKg: 12.5, tags: ["bio", "€"] };
let payloadBundle: ProofBundle;

/** GET the anchored proof until every anchor of it is final. */
async function waitForFinalProof(id: string, timeoutMs = 40_000): Promise<ProofBundle> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await api.request<ProofBundle>("GET", `/v1/entries/${id}/proof?anchored=true`);
    const { body } = response;
    if (
      response.status === 200 &&
      body.anchors.length > 0 &&
      body.anchors.every((a) => a.status === "final")
    ) {
      return body;
    }
    if ((response.status !== 200 && response.status !== 425) || Date.now() > deadline) {
      throw new Error(`no final proof of ${id}: HTTP ${response.status} ${JSON.stringify(body)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A raw GET, path sent exactly as given (fetch would resolve `..` before sending). */
function rawGet(path: string): Promise<{ status: number; type: string; body: string }> {
  const { hostname, port } = new URL(stack.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"] ?? "", body }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

const asFile = (name: string, mimeType: string, buffer: Buffer) => ({ name, mimeType, buffer });
const bundleFile = (b: ProofBundle) =>
  asFile("proof.json", "application/json", Buffer.from(JSON.stringify(b, null, 2)));

/** Statuses of the five steps as the page shows them. */
async function stepStatuses(page: Page): Promise<string[]> {
  return page
    .locator("#steps li")
    .evaluateAll((items) => items.map((item) => item.getAttribute("data-status") ?? ""));
}

/** Uncaught errors of each page's scripts: a test ends by asserting there were none. */
const pageErrors = new WeakMap<Page, string[]>();

async function openPage(path = "/"): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${stack.url}${path}`);
  return page;
}

async function closePage(page: Page): Promise<void> {
  await page.context().close();
  assert.deepEqual(pageErrors.get(page), [], "the page's scripts threw");
}

/** Points the page's RPC field for chain 31337 at the stack's chain. */
async function useStackChain(page: Page): Promise<void> {
  const field = page.getByLabel(`JSON-RPC URL for ${LOCAL_CHAIN}`);
  await field.fill(chainUrl);
  await field.dispatchEvent("change");
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-verify-page-"));
  const launching = launchChromium();
  stack = await startStackProcess({
    STELE_DATA_DIR: dataDir,
    STELE_INTEGRATE_INTERVAL_MS: "200",
    STELE_ANCHOR_INTERVAL_MS: "500",
  });
  browser = await launching;
  api = new ApiClient(stack.url, stack.apiKey);
  const chain = /chain\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stack.output())?.[1];
  assert.ok(chain, stack.output());
  chainUrl = chain;

  document = randomBytes(5000);
  const submitted = await api.request<{ entries: { id: string }[] }>("POST", "/v1/entries", {
    body: {
      // A few more leaves, so that the document's inclusion path is more than one hash.
      entries: [
        // An event of a subject, so the page shows the subject's history when fetching it.
        {
          kind: "document",
          content: document.toString("base64"),
          subject: "lot-page",
          eventType: "packed",
        },
        { kind: "transaction", payload },
        {
          kind: "document",
          contentHash: randomBytes(32).toString("hex"),
          subject: "lot-page",
          eventType: "shipped",
        },
        ...Array.from({ length: 4 }, () => ({
          kind: "document",
          contentHash: randomBytes(32).toString("hex"),
        })),
      ],
    },
  });
  assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
  entryId = submitted.body.entries[0]?.id ?? "";
  [bundle, payloadBundle] = await Promise.all([
    waitForFinalProof(entryId),
    waitForFinalProof(submitted.body.entries[1]?.id ?? ""),
  ]);
  assert.ok(bundle.inclusionPath.length > 0);
  await mkdir(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("the verify page", () => {
  it("ticks all five steps for a document and its final bundle, anchors read from the chain", async () => {
    const page = await openPage();
    // As written before anchors carried blockTime: the page then reads the time from the chain.
    const older = structuredClone(bundle);
    for (const anchor of older.anchors) delete anchor.blockTime;
    await page
      .locator("#files")
      .setInputFiles([
        asFile("contract.bin", "application/octet-stream", document),
        bundleFile(older),
      ]);
    await useStackChain(page);
    await page.locator('#result[data-state="valid"]').waitFor({ timeout: 20_000 });
    assert.deepEqual(await stepStatuses(page), ["passed", "passed", "passed", "passed", "passed"]);
    const verdict = await page.locator("#verdict").innerText();
    assert.match(verdict, /^Verified\. The document [0-9a-f]{8}…[0-9a-f]{4} is leaf 0 of /);
    assert.ok(
      verdict.endsWith(`signed by the log's published signer and anchored on ${LOCAL_CHAIN}.`),
      verdict,
    );
    // The signer and the confirmations came from the stack's /v1/log.
    assert.equal(
      (await page.getByLabel("Log's published checkpoint signer").inputValue()).toLowerCase(),
      bundle.checkpoint.signature.signer.toLowerCase(),
    );
    assert.equal(await page.getByLabel("Confirmations required").inputValue(), "2");
    assert.match(await page.locator('#steps li[data-step="5"]').innerText(), /confirmations/);

    const figure = page.locator("#path-figure svg");
    assert.match(
      (await figure.locator("title").textContent()) ?? "",
      new RegExp(`Inclusion path of leaf 0 in the tree of ${bundle.checkpoint.treeSize} leaves`),
    );
    assert.equal(
      await figure.locator("text", { hasText: "path[" }).count(),
      bundle.inclusionPath.length,
    );
    assert.equal(await figure.locator("text", { hasText: "= checkpoint rootHash" }).count(), 1);

    const [anchor] = bundle.anchors;
    assert.ok(anchor);
    const row = page.locator("#anchors-table tbody tr").first();
    await row.locator("td", { hasText: "(read from the chain)" }).waitFor();
    const cells = await row.locator("td").allInnerTexts();
    assert.equal(cells[0], LOCAL_CHAIN);
    assert.equal(cells[1], String(anchor.blockNumber));
    assert.equal(cells[2], `${anchor.blockTime} (read from the chain)`);
    assert.equal(cells[3], anchor.txHash);
    // No explorer for the local chain.
    assert.equal(await row.locator("a").count(), 0);
    await page.screenshot({ path: join(ARTIFACTS, "verify-page.png"), fullPage: true });
    await closePage(page);
  });

  it("names step 1 when one byte of the document changed, and step 3 when the path did", async () => {
    const page = await openPage();
    const tampered = Buffer.from(document);
    tampered[1234] = (tampered[1234] ?? 0) ^ 0x01;
    await page
      .locator("#files")
      .setInputFiles([
        asFile("contract.bin", "application/octet-stream", tampered),
        bundleFile(bundle),
      ]);
    await page.locator('#steps li[data-step="1"][data-status="failed"]').waitFor();
    assert.deepEqual(await stepStatuses(page), [
      "failed",
      "not-run",
      "not-run",
      "not-run",
      "not-run",
    ]);
    assert.match(
      await page.locator("#verdict").innerText(),
      /^Not valid: step 1 \(content hash\) failed\. The document given does not hash to the entry's contentHash/,
    );
    const step1 = await page.locator('#steps li[data-step="1"]').innerText();
    assert.match(step1, new RegExp(`expected\\s+${bundle.entry.contentHash}`));
    assert.match(step1, /found\s+[0-9a-f]{64}/);
    assert.doesNotMatch(step1, new RegExp(`found\\s+${bundle.entry.contentHash}`));
    await page.screenshot({ path: join(ARTIFACTS, "verify-page-tampered.png"), fullPage: true });

    const badPath = structuredClone(bundle);
    const first = badPath.inclusionPath[0] ?? "";
    badPath.inclusionPath[0] = `${first[0] === "0" ? "1" : "0"}${first.slice(1)}`;
    await page
      .locator("#files")
      .setInputFiles([
        asFile("contract.bin", "application/octet-stream", document),
        bundleFile(badPath),
      ]);
    await page.locator('#steps li[data-step="3"][data-status="failed"]').waitFor();
    assert.deepEqual(await stepStatuses(page), [
      "passed",
      "passed",
      "failed",
      "not-run",
      "not-run",
    ]);
    assert.match(
      await page.locator("#verdict").innerText(),
      /^Not valid: step 3 \(inclusion\) failed\. The inclusion path does not lead to the checkpoint's root/,
    );
    assert.match(
      await page.locator('#steps li[data-step="3"]').innerText(),
      new RegExp(`expected\\s+rootHash ${bundle.checkpoint.rootHash}`),
    );
    // The picture shows the computed root differing from the checkpoint's.
    assert.equal(await page.locator("#path-figure svg text", { hasText: "≠ rootHash" }).count(), 1);
    await closePage(page);
  });

  it("takes a JSON file that is not a bundle as the payload of a transaction entry", async () => {
    const page = await openPage();
    // The same payload written otherwise: its canonical JSON (RFC 8785) is what was hashed.
    const reordered = { tags: ["bio", "€"], weightKg: 12.5, farm: "Hof Zoë", lot: "A-42" };
    await page
      .locator("#files")
      .setInputFiles([
        bundleFile(payloadBundle),
        asFile(
          "shipment.json",
          "application/json",
          Buffer.from(JSON.stringify(reordered, null, 4)),
        ),
      ]);
    await useStackChain(page);
    await page.locator('#result[data-state="valid"]').waitFor({ timeout: 20_000 });
    assert.deepEqual(await stepStatuses(page), ["passed", "passed", "passed", "passed", "passed"]);
    assert.match(await page.locator("#chosen").innerText(), /Payload: shipment\.json/);
    assert.match(
      await page.locator('#steps li[data-step="1"]').innerText(),
      new RegExp(`the transaction given hashes to contentHash ${payloadBundle.entry.contentHash}`),
    );
    assert.match(await page.locator("#verdict").innerText(), /^Verified\. The transaction /);
    await closePage(page);
  });

  it("fetches the bundle of an entry id from a verify link, asking for the API key", async () => {
    const link = verifyPageLink(`${stack.url}/`, { entry: entryId, api: stack.url, rpc: chainUrl });
    const page = await openPage(new URL(link).pathname + new URL(link).hash);
    await page
      .getByText("This API needs an API key to read entries: type it and fetch again.")
      .waitFor();
    await page.getByLabel("API key").fill(stack.apiKey);
    await page.getByRole("button", { name: "Fetch proof" }).click();
    await page.getByText(`Fetched the proof of ${entryId}`).waitFor();
    // The entry is an event of a subject: its history, this event marked, links chained.
    await page.locator('#subject-section [data-chain="ok"]').waitFor();
    assert.equal(await page.locator("#subject-title").innerText(), "History of lot-page");
    assert.deepEqual(
      await page
        .locator("#subject-table tr")
        .evaluateAll((rows) => rows.map((row) => [row.children[1]?.textContent, row.className])),
      [
        ["Event", ""],
        ["packed", "current"],
        ["shipped", ""],
      ],
    );
    await page
      .locator("#files")
      .setInputFiles([asFile("contract.bin", "application/octet-stream", document)]);
    await page.locator('#result[data-state="valid"]').waitFor({ timeout: 20_000 });
    assert.deepEqual(await stepStatuses(page), ["passed", "passed", "passed", "passed", "passed"]);
    assert.equal(await page.getByLabel(`JSON-RPC URL for ${LOCAL_CHAIN}`).inputValue(), chainUrl);
    const [anchor] = bundle.anchors;
    assert.ok(anchor?.blockTime, "the API's bundles carry the anchor's blockTime");
    // With a JSON-RPC URL, the time is the chain's, and it matches the bundle's.
    const time = page.locator("#anchors-table tbody tr").first().locator("td").nth(2);
    await time.filter({ hasText: "(read from the chain)" }).waitFor();
    assert.equal(await time.innerText(), `${anchor.blockTime} (read from the chain)`);
    // The link's rpc is used, never remembered; one typed in the field is.
    const remembered = 'localStorage.getItem("stele.verify.rpc.31337")';
    assert.equal(await page.evaluate(remembered), null);
    await useStackChain(page);
    await page.waitForFunction(`${remembered} === ${JSON.stringify(chainUrl)}`);
    await closePage(page);
  });

  it("keeps the API key per API origin: a link to another API never carries it", async () => {
    const other = "http://stele-other-api.test";
    const authorizations: (string | undefined)[] = [];
    const page = await openPage();
    await page.route(`${other}/**`, async (route) => {
      authorizations.push(route.request().headers().authorization);
      await route.fulfill({
        status: 401,
        headers: { "access-control-allow-origin": "*" },
        body: "",
      });
    });
    const followLink = (apiUrl: string) => {
      const hash = new URL(verifyPageLink(`${stack.url}/`, { entry: entryId, api: apiUrl })).hash;
      return page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    };
    await followLink(stack.url);
    await page
      .getByText("This API needs an API key to read entries: type it and fetch again.")
      .waitFor();
    await page.getByLabel("API key").fill(stack.apiKey);
    await page.getByRole("button", { name: "Fetch proof" }).click();
    await page.getByText(`Fetched the proof of ${entryId}`).waitFor();

    await followLink(other);
    await page
      .getByText("This API needs an API key to read entries: type it and fetch again.")
      .waitFor();
    assert.equal(await page.getByLabel("API key").inputValue(), "");
    assert.ok(authorizations.length > 0, "the page asked the other API");
    assert.deepEqual(
      authorizations.filter((value) => value !== undefined),
      [],
    );

    // Back to the first API: its key is there again.
    await followLink(stack.url);
    await page.getByText(`Fetched the proof of ${entryId}`).waitFor();
    assert.equal(await page.getByLabel("API key").inputValue(), stack.apiKey);
    await closePage(page);
  });

  it("is served at / with its files' types, and nothing outside them", async () => {
    const index = await rawGet("/");
    assert.equal(index.status, 200);
    assert.equal(index.type, "text/html; charset=utf-8");
    assert.match(index.body, /<script src="app\.js"><\/script>/);
    assert.equal((await rawGet("/app.js")).type, "text/javascript; charset=utf-8");
    assert.equal((await rawGet("/styles.css")).type, "text/css; charset=utf-8");
    assert.equal((await rawGet("/v1/health")).body, JSON.stringify({ status: "ok" }));
    for (const path of [
      "/../package.json",
      "/%2e%2e/package.json",
      "/..%2fpackage.json",
      "/../../../../etc/passwd",
      "/web/index.html",
      "/src/main.ts",
      "/.stele",
      "/nothing-here.html",
    ]) {
      const response = await rawGet(path);
      assert.equal(response.status, 404, path);
      assert.doesNotMatch(response.body, /"name": "stele"|root:/, path);
    }
  });
});
