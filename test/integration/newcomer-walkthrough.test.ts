// The README's walk-through, as a new user follows it: `npm start`, stamp a folder with
// `stele submit`, `stele watch` until final, `stele certificate --pdf`, then scan the
// certificate's QR code and verify on the page it opens, in a real browser, with the chain's
// RPC URL typed in. Each step is the real binary or the real page.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { knownChain } from "../../shared/domain/chains/known-chains.ts";
import { launchChromium } from "../support/browser/chromium.ts";
import { runStele, type SteleRun } from "../support/cli/run-stele.ts";
import { type StackProcess, startStackProcess } from "../support/local/stack-process.ts";

const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));
const JSQR = createRequire(import.meta.url).resolve("jsqr/dist/jsQR.js");

/** In a page showing an image or SVG QR code: its pixels read by jsQR, as a phone would. */
const READ_QR_CODE = `(async () => {
  const svg = document.querySelector(".qr svg");
  const image = new Image();
  image.src = "data:image/svg+xml;base64," + btoa(new XMLSerializer().serializeToString(svg));
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 400;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0, 400, 400);
  const read = jsQR(context.getImageData(0, 0, 400, 400).data, 400, 400);
  return read === null ? "unreadable" : read.data;
})()`;

let stack: StackProcess;
let browser: Browser;
let work: string;
let chainUrl: string;

/** `npx stele …` in the user's folder, with the two variables `npm start` told them to export. */
function run(...args: string[]): Promise<SteleRun> {
  return runStele(args, { cwd: work, api: stack, timeoutMs: 120_000 });
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), "stele-newcomer-"));
  const launching = launchChromium();
  stack = await startStackProcess({
    STELE_DATA_DIR: join(work, ".stele"),
    STELE_INTEGRATE_INTERVAL_MS: "200",
    STELE_ANCHOR_INTERVAL_MS: "500",
  });
  browser = await launching;
  chainUrl = /chain\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stack.output())?.[1] ?? "";
  assert.ok(chainUrl !== "", stack.output());
  await mkdir(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  await rm(work, { recursive: true, force: true });
});

test("stamp a folder, watch it reach final, print a certificate, verify it from its QR code", async () => {
  // npm start told the user what to export.
  assert.match(stack.output(), new RegExp(`export STELE_API_URL=${stack.url} STELE_API_KEY=`));

  const folder = join(work, "shipment");
  await mkdir(join(folder, "lots"), { recursive: true });
  const invoice = randomBytes(20_000);
  await writeFile(join(folder, "invoice.pdf"), invoice);
  for (let i = 0; i < 6; i++) await writeFile(join(folder, "lots", `lot-${i}.txt`), `lot ${i}\n`);

  const submitted = await run("submit", "shipment");
  assert.equal(submitted.code, 0, submitted.stderr);
  const index = JSON.parse(await readFile(join(work, "stele-index.json"), "utf8")) as {
    entries: { path: string; id: string }[];
  };
  assert.equal(index.entries.length, 7);
  const id = index.entries.find((entry) => entry.path === "shipment/invoice.pdf")?.id ?? "";
  assert.ok(id !== "", JSON.stringify(index));

  const watched = await run("watch", "--index", "stele-index.json", "--timeout", "90s");
  assert.equal(watched.code, 0, `${watched.stdout}${watched.stderr}`);
  const status = await fetch(`${stack.url}/v1/entries/${id}`, {
    headers: { authorization: `Bearer ${stack.apiKey}` },
  });
  assert.equal(((await status.json()) as { status: string }).status, "final");

  const printed = await run("certificate", id, "--pdf");
  assert.equal(printed.code, 0, printed.stderr);
  const pdf = await readFile(join(work, `${id}.certificate.pdf`));
  assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
  await writeFile(join(ARTIFACTS, "walkthrough-certificate.pdf"), pdf);

  // The same certificate as HTML, its QR code read back from the rendered page.
  const saved = await run("certificate", id);
  assert.equal(saved.code, 0, saved.stderr);
  const certificate = await browser.newPage({ viewport: { width: 900, height: 1200 } });
  await certificate.setContent(await readFile(join(work, `${id}.certificate.html`), "utf8"));
  await certificate.addScriptTag({ path: JSQR });
  const link = await certificate.evaluate<string>(READ_QR_CODE);
  await certificate.close();
  assert.ok(link.startsWith(`${stack.url}/#entry=${id}&api=`), link);

  // Scanned: the verify page opens on the entry, asks for a key, and checks it all.
  const context = await browser.newContext({ viewport: { width: 1000, height: 1400 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(link);
  await page.locator("#api-key").fill(stack.apiKey);
  await page.getByRole("button", { name: "Fetch proof" }).click();
  const rpc = page.getByLabel(`JSON-RPC URL for ${knownChain(31337).name} (31337)`);
  await rpc.fill(chainUrl);
  await rpc.dispatchEvent("change");
  await page.locator("#files").setInputFiles({
    name: "invoice.pdf",
    mimeType: "application/pdf",
    buffer: invoice,
  });
  await page.locator('#result[data-state="valid"]').waitFor({ timeout: 30_000 });
  const steps = await page
    .locator("#steps li")
    .evaluateAll((items) => items.map((item) => item.getAttribute("data-status")));
  assert.deepEqual(steps, ["passed", "passed", "passed", "passed", "passed"]);
  await page.screenshot({ path: join(ARTIFACTS, "walkthrough-verify-page.png"), fullPage: true });
  await context.close();
  assert.deepEqual(errors, [], "the page's scripts threw");
});
