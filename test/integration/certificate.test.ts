// GET /v1/entries/{id}/certificate on the local stack: a printable page that states the entry,
// its anchor (with the block's time) and the five checks, carries the bundle, and whose QR code —
// read back from the rendered page by a QR decoder — opens the verify page on that entry.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { launchChromium } from "../support/browser/chromium.ts";
import { ApiClient } from "../support/local/api-client.ts";
import { type StackProcess, startStackProcess } from "../support/local/stack-process.ts";

const ARTIFACTS = new URL("../artifacts/", import.meta.url).pathname;
const JSQR = createRequire(import.meta.url).resolve("jsqr/dist/jsQR.js");

/** In the page: the QR code's SVG rendered to 400×400 pixels and read by jsQR. */
const READ_QR_CODE = `(async () => {
  const svg = document.querySelector(".qr svg");
  if (svg === null) return "no QR code";
  const image = new Image();
  image.src = "data:image/svg+xml;base64," + btoa(new XMLSerializer().serializeToString(svg));
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = 400;
  canvas.height = 400;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0, 400, 400);
  const read = jsQR(context.getImageData(0, 0, 400, 400).data, 400, 400);
  return read === null ? "unreadable" : read.data;
})()`;

let stack: StackProcess;
let api: ApiClient;
let browser: Browser;

before(async () => {
  stack = await startStackProcess({
    STELE_INTEGRATE_INTERVAL_MS: "100",
    STELE_ANCHOR_INTERVAL_MS: "300",
    STELE_CONFIRMATIONS: "2",
  });
  api = new ApiClient(stack.url, stack.apiKey);
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

async function getCertificate(id: string, apiKey = stack.apiKey) {
  const response = await fetch(`${stack.url}/v1/entries/${id}/certificate`, {
    headers: apiKey === "" ? {} : { authorization: `Bearer ${apiKey}` },
  });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    text: await response.text(),
  };
}

async function waitForFinal(id: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const entry = await api.request<{ status: string }>("GET", `/v1/entries/${id}`);
    if (entry.body.status === "final") return;
    if (Date.now() > deadline) throw new Error(`entry ${id} is ${entry.body.status}, not final`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test("a final entry's certificate states its anchor and checks, carries the bundle, and its QR code opens the verify page", async () => {
  const contentHash = randomBytes(32).toString("hex");
  const submitted = await api.request<{ entries: { id: string }[] }>("POST", "/v1/entries", {
    body: { entries: [{ kind: "document", contentHash }] },
  });
  const id = submitted.body.entries[0]?.id ?? "";
  await waitForFinal(id);
  const bundle = await api.waitForProof<{
    leafHash: string;
    checkpoint: { rootHash: string; signature: { signer: string } };
    anchors: { txHash: string; blockNumber: number; blockTime: string; status: string }[];
  }>(id);
  const [anchor] = bundle.anchors;
  assert.ok(anchor !== undefined, "the final entry's bundle has an anchor");

  const certificate = await getCertificate(id);
  assert.equal(certificate.status, 200);
  assert.equal(certificate.type, "text/html; charset=utf-8");
  const html = certificate.text;
  for (const value of [
    contentHash,
    id,
    bundle.leafHash,
    bundle.checkpoint.rootHash,
    bundle.checkpoint.signature.signer,
    anchor.txHash,
    `${anchor.blockNumber}, ${anchor.blockTime.slice(0, 19).replace("T", " ")} UTC`,
    "Hardhat local chain (chain id 31337)",
    "final (confirmed)",
  ]) {
    assert.ok(html.includes(value), `the certificate shows ${value}`);
  }
  // The bundle rides along as a download, identical to what the proof route serves.
  const carried = /href="data:application\/json;base64,([^"]+)"/.exec(html)?.[1] ?? "";
  assert.deepEqual(JSON.parse(Buffer.from(carried, "base64").toString("utf8")), bundle);

  const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
  await page.setContent(html);
  await page.screenshot({ path: `${ARTIFACTS}certificate.png`, fullPage: true });
  // Read the QR code as a phone would: render the SVG to pixels and decode them.
  await page.addScriptTag({ path: JSQR });
  const decoded = await page.evaluate<string>(READ_QR_CODE);
  const api64 = encodeURIComponent(stack.url);
  assert.equal(decoded, `${stack.url}/#entry=${id}&api=${api64}`);
  assert.ok(html.includes(`href="${stack.url}/#entry=${id}&amp;api=${api64}"`));

  const pdf = await page.pdf({ format: "A4" });
  assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
  await page.close();
});

test("the certificate needs a read key, and names an unknown entry", async () => {
  const anonymous = await getCertificate("01JDX7R4M8Q2V3N5P6K7H8J900", "");
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.type, "application/problem+json");

  const unknown = await getCertificate("01JDX7R4M8Q2V3N5P6K7H8J900");
  assert.equal(unknown.status, 404);
  assert.match(JSON.parse(unknown.text).detail, /no entry 01JDX7R4M8Q2V3N5P6K7H8J900/);
});
