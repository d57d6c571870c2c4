/**
 * The users' tools (issue 6): the verify page, the `stele` CLI and the certificate.
 *
 * - Hashing in the verify page, in a headless Chromium: a 200 MiB file given to the page's
 *   `#files` input, timed by the page itself (its "Hashed … in N s" label), and in the same run
 *   and the same browser web/src/hash-file.ts alone (bundled and evaluated in a blank page of the
 *   same origin) and WebCrypto's one-shot digest of the same bytes, and node:crypto's. This
 *   machine is shared and noisy: the ratios to the baselines are what carries from run to run.
 *   Each is the best of `hashRounds` rounds; all four digests must agree.
 * - The page's size: app.js minified (as scripts/build-web.ts builds it) and gzipped (zlib's
 *   default level, as describeWebFiles counts it), and the build's time (median of `buildRuns`,
 *   in this process: the first includes esbuild's start).
 * - The CLI: `stele --help` in a fresh `node` (median of `helpRuns`), then against a local stack
 *   (`npm start`, default intervals) `stele submit` of `submitFiles` small files by hash, end to
 *   end, and `stele watch --index … --until sequenced`.
 * - The certificate: GET /v1/entries/{id}/certificate of one sequenced entry, one request at a
 *   time, median of `certificateRequests` (sizes in USERS_TOOLS_SIZES).
 *
 *   node --import tsx bench/users-tools.ts     (about 1 minute; bench/run.ts includes it)
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { PROJECT_ROOT, SCRIPT_FILE, type WebFile, webFiles } from "../scripts/build-web.ts";
import { launchChromium } from "../test/support/browser/chromium.ts";
import { type StackProcess, startStackProcess } from "../test/support/local/stack-process.ts";

const run = promisify(execFile);
const MIB = 2 ** 20;
/** How much each figure measures; `npm run bench -- --quick` passes smaller ones. */
export interface UsersToolsSizes {
  readonly fileMiB: number;
  readonly hashRounds: number;
  readonly buildRuns: number;
  readonly helpRuns: number;
  readonly submitFiles: number;
  readonly certificateRequests: number;
}
export const USERS_TOOLS_SIZES: UsersToolsSizes = {
  fileMiB: 200,
  hashRounds: 3,
  buildRuns: 3,
  helpRuns: 5,
  submitFiles: 2000,
  certificateRequests: 20,
};
const SUBMIT_FILE_BYTES = 512;
const STELE = join(PROJECT_ROOT, "cli/bin/stele.js");
/** Where the hashing baselines are evaluated: a blank page of the verify page's origin. */
const BLANK_PATH = "/__bench.html";
/** What web/src/hash-file.ts's bundle leaves on globalThis for the blank page. */
const HASH_FILE_GLOBAL = "__steleSha256OfFile";

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));
const log = (line: string) => process.stderr.write(`users-tools: ${line}\n`);

// --- The page: size and build ---------------------------------------------------------------

async function pageFigures(
  sizes: UsersToolsSizes,
): Promise<{ files: WebFile[]; figures: Record<string, number> }> {
  const buildMs: number[] = [];
  let files: WebFile[] = [];
  for (let i = 0; i < sizes.buildRuns; i++) {
    const started = performance.now();
    files = await webFiles();
    buildMs.push(performance.now() - started);
  }
  const script = files.find((file) => file.path === SCRIPT_FILE);
  if (script === undefined) throw new Error(`the build has no ${SCRIPT_FILE}`);
  return {
    files,
    figures: {
      "page.appJsBytes": script.contents.length,
      "page.appJsGzipBytes": gzipSync(script.contents).length,
      "page.buildMs": Math.round(median(buildMs)),
    },
  };
}

// --- Hashing in the browser -----------------------------------------------------------------

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

/** Serves the built page (and a blank page) on 127.0.0.1, a secure context as https is. */
async function servePage(
  files: readonly WebFile[],
): Promise<{ url: string; close: () => Promise<void> }> {
  const byPath = new Map(files.map((file) => [`/${file.path}`, file.contents]));
  byPath.set("/", byPath.get("/index.html") ?? new Uint8Array());
  byPath.set(BLANK_PATH, new TextEncoder().encode("<!doctype html><title>bench</title>"));
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const body = byPath.get(path);
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    const ext = path === "/" ? "html" : (path.split(".").pop() ?? "");
    res.writeHead(200, { "content-type": CONTENT_TYPES[ext] ?? "application/octet-stream" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** web/src/hash-file.ts bundled as the page bundles it, exposing sha256OfFile on globalThis. */
async function hashFileScript(): Promise<string> {
  const result = await build({
    absWorkingDir: PROJECT_ROOT,
    stdin: {
      contents: `import { sha256OfFile } from "./web/src/hash-file.ts";\nglobalThis.${HASH_FILE_GLOBAL} = sha256OfFile;\n`,
      resolveDir: PROJECT_ROOT,
      loader: "ts",
    },
    bundle: true,
    format: "iife",
    platform: "browser",
    target: ["chrome100"],
    minify: true,
    write: false,
    logLevel: "silent",
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error("esbuild wrote no hash-file bundle");
  return output.text;
}

/** Uncaught errors of a page's scripts fail the figure: a page that threw measured nothing. */
async function newPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  return { page, errors };
}

/** The verify page hashing `path` as a person gives it the file: seconds from its label. */
async function hashInPage(
  browser: Browser,
  url: string,
  path: string,
): Promise<{ seconds: number; shortHash: string }> {
  const { page, errors } = await newPage(browser, `${url}/`);
  try {
    await page.locator("#files").setInputFiles(path);
    const label = page.locator("#hash-label").filter({ hasText: /^Hashed .* in [\d.]+ s$/ });
    await label.waitFor({ timeout: 300_000 });
    const text = (await label.textContent()) ?? "";
    const seconds = Number(/ in ([\d.]+) s$/.exec(text)?.[1]);
    // The page shows the document's hash, shortened, beside its name.
    const chosen = page.locator("#chosen").filter({ hasText: /SHA-256 [0-9a-f]+…[0-9a-f]+/ });
    await chosen.waitFor({ timeout: 30_000 });
    const shortHash = /SHA-256 ([0-9a-f]+…[0-9a-f]+)/.exec(await chosen.innerText())?.[1] ?? "";
    if (errors.length > 0) throw new Error(`the verify page threw: ${errors.join("; ")}`);
    if (!(seconds > 0)) throw new Error(`no time in the page's label: ${text}`);
    return { seconds, shortHash };
  } finally {
    await page.close();
  }
}

interface InBrowser {
  readonly hashFileMs: number;
  readonly hashFileHex: string;
  readonly webcryptoMs: number;
  readonly webcryptoHex: string;
}

/** hash-file.ts evaluated on its own, then WebCrypto's one-shot digest of the bytes in memory. */
async function hashInBlankPage(
  browser: Browser,
  url: string,
  path: string,
  script: string,
): Promise<InBrowser> {
  const { page, errors } = await newPage(browser, `${url}${BLANK_PATH}`);
  try {
    await page.addScriptTag({ content: script });
    await page.evaluate(`{
      const input = document.createElement("input");
      input.type = "file";
      input.id = "bench-file";
      document.body.append(input);
    }`);
    await page.locator("#bench-file").setInputFiles(path);
    const result = (await page.evaluate(`(async () => {
      const hex = (bytes) =>
        [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
      const file = document.getElementById("bench-file").files[0];
      let started = performance.now();
      const streamed = await globalThis.${HASH_FILE_GLOBAL}(file);
      const hashFileMs = performance.now() - started;
      const bytes = await file.arrayBuffer();
      started = performance.now();
      const digest = await crypto.subtle.digest("SHA-256", bytes);
      const webcryptoMs = performance.now() - started;
      return { hashFileMs, hashFileHex: hex(streamed), webcryptoMs, webcryptoHex: hex(digest) };
    })()`)) as InBrowser;
    if (errors.length > 0) throw new Error(`the blank page threw: ${errors.join("; ")}`);
    return result;
  } finally {
    await page.close();
  }
}

async function hashingFigures(files: readonly WebFile[], work: string, sizes: UsersToolsSizes) {
  const FILE_MIB = sizes.fileMiB;
  const path = join(work, "document.bin");
  await writeFile(path, randomBytes(FILE_MIB * MIB));
  const bytes = await readFile(path);
  const script = await hashFileScript();
  const server = await servePage(files);
  const browser = await launchChromium();
  const best = { page: Infinity, hashFile: Infinity, webcrypto: Infinity, node: Infinity };
  try {
    for (let i = 0; i < sizes.hashRounds; i++) {
      const page = await hashInPage(browser, server.url, path);
      const blank = await hashInBlankPage(browser, server.url, path, script);
      const started = performance.now();
      const nodeHex = createHash("sha256").update(bytes).digest("hex");
      const nodeSeconds = (performance.now() - started) / 1000;
      const expectedShort = `${nodeHex.slice(0, 8)}…${nodeHex.slice(-4)}`;
      if (
        page.shortHash !== expectedShort ||
        blank.hashFileHex !== nodeHex ||
        blank.webcryptoHex !== nodeHex
      ) {
        throw new Error(
          `the digests differ: page ${page.shortHash}, hash-file ${blank.hashFileHex}, webcrypto ${blank.webcryptoHex}, node ${nodeHex}`,
        );
      }
      best.page = Math.min(best.page, page.seconds);
      best.hashFile = Math.min(best.hashFile, blank.hashFileMs / 1000);
      best.webcrypto = Math.min(best.webcrypto, blank.webcryptoMs / 1000);
      best.node = Math.min(best.node, nodeSeconds);
      log(
        `hashing round ${i + 1}: page ${page.seconds} s, hash-file ${(blank.hashFileMs / 1000).toFixed(2)} s, webcrypto ${(blank.webcryptoMs / 1000).toFixed(2)} s, node ${nodeSeconds.toFixed(2)} s`,
      );
    }
  } finally {
    await browser.close();
    await server.close();
    await rm(path, { force: true });
  }
  const mibPerSec = (seconds: number) => FILE_MIB / seconds;
  return {
    "verify.fileMiB": FILE_MIB,
    "verify.page.mibPerSec": round(mibPerSec(best.page), 1),
    "verify.hashFile.mibPerSec": round(mibPerSec(best.hashFile), 1),
    "verify.webcrypto.mibPerSec": round(mibPerSec(best.webcrypto), 1),
    "verify.node.mibPerSec": round(mibPerSec(best.node), 1),
    "verify.page.ratioToWebcrypto": round(best.webcrypto / best.page, 3),
    "verify.page.ratioToNode": round(best.node / best.page, 3),
  };
}

// --- The CLI --------------------------------------------------------------------------------

/** The CLI's environment: the stack's URL and key, no config file of this machine's user. */
function cliEnv(work: string, stack?: StackProcess): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: join(work, "config") };
  delete env.STELE_CONFIG;
  delete env.STELE_LEDGER;
  delete env.STELE_API_URL;
  delete env.STELE_API_KEY;
  if (stack !== undefined) {
    env.STELE_API_URL = stack.url;
    env.STELE_API_KEY = stack.apiKey;
  }
  return env;
}

async function stele(
  args: readonly string[],
  work: string,
  stack?: StackProcess,
): Promise<{ stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  const { stdout, stderr } = await run(process.execPath, [STELE, ...args], {
    cwd: work,
    env: cliEnv(work, stack),
    maxBuffer: 64 * MIB,
  });
  return { stdout, stderr, ms: performance.now() - started };
}

async function helpFigures(work: string, sizes: UsersToolsSizes): Promise<Record<string, number>> {
  const ms: number[] = [];
  for (let i = 0; i < sizes.helpRuns; i++) {
    const { stdout, ms: wall } = await stele(["--help"], work);
    if (!/submit/.test(stdout)) throw new Error(`stele --help printed no commands:\n${stdout}`);
    ms.push(wall);
  }
  return { "cli.helpMs": Math.round(median(ms)) };
}

/** submit, watch and the certificate against one local stack. */
async function stackFigures(work: string, sizes: UsersToolsSizes): Promise<Record<string, number>> {
  const SUBMIT_FILES = sizes.submitFiles;
  const docs = join(work, "docs");
  await mkdir(docs, { recursive: true });
  for (let i = 0; i < SUBMIT_FILES; i++) {
    await writeFile(
      join(docs, `doc-${String(i).padStart(4, "0")}.bin`),
      randomBytes(SUBMIT_FILE_BYTES),
    );
  }
  const stack = await startStackProcess({ STELE_DATA_DIR: join(work, "stack-data") });
  try {
    const index = join(work, "stele-index.json");
    const submit = await stele(["submit", docs, "--index", index], work, stack);
    const posts = Number(/ in (\d+) requests? to ledger /.exec(submit.stdout)?.[1]);
    // stele.index.v1: {"format", "entries": [{path, kind, contentHash, ledger, id, …}]}
    const { entries } = JSON.parse(await readFile(index, "utf8")) as { entries: { id: string }[] };
    const ids = entries.map((record) => record.id);
    if (!(posts > 0) || ids.length !== SUBMIT_FILES)
      throw new Error(
        `stele submit: ${ids.length} ids in the index, summary:\n${submit.stdout}${submit.stderr}`,
      );
    log(`submit: ${submit.stdout.trim()}`);

    const watch = await stele(["watch", "--index", index, "--until", "sequenced"], work, stack);
    const reported = /after ([\d.]+) s, (\d+) status requests?/.exec(watch.stdout);
    if (reported === null) throw new Error(`stele watch printed no summary:\n${watch.stdout}`);
    log(`watch: ${watch.stdout.trim()}`);

    const id = ids[0] ?? "";
    const certificateMs: number[] = [];
    let certificateBytes = 0;
    for (let i = 0; i < sizes.certificateRequests; i++) {
      const started = performance.now();
      const response = await fetch(`${stack.url}/v1/entries/${id}/certificate`, {
        headers: { authorization: `Bearer ${stack.apiKey}` },
      });
      const body = await response.arrayBuffer();
      certificateMs.push(performance.now() - started);
      if (response.status !== 200 || !response.headers.get("content-type")?.includes("html"))
        throw new Error(`certificate of ${id}: HTTP ${response.status}`);
      certificateBytes = body.byteLength;
    }
    return {
      "cli.submit.files": SUBMIT_FILES,
      "cli.submit.filesPerSec": Math.round(SUBMIT_FILES / (submit.ms / 1000)),
      "cli.submit.seconds": round(submit.ms / 1000, 2),
      "cli.submit.posts": posts,
      "cli.watch.statusRequests": Number(reported[2]),
      "cli.watch.seconds": Number(reported[1]),
      "cli.watch.wallSeconds": round(watch.ms / 1000, 2),
      "certificate.p50Ms": round(median(certificateMs), 1),
      "certificate.bytes": certificateBytes,
    };
  } finally {
    await stack.stop();
  }
}

// --- All of it ------------------------------------------------------------------------------

/** The issue-6 figures, flat: `verify.*`, `page.*`, `cli.*`, `certificate.*`. */
export async function measureUsersTools(
  sizes: UsersToolsSizes = USERS_TOOLS_SIZES,
): Promise<Record<string, number>> {
  const work = await mkdtemp(join(tmpdir(), "stele-bench-users-"));
  try {
    const page = await pageFigures(sizes);
    const hashing = await hashingFigures(page.files, work, sizes);
    const help = await helpFigures(work, sizes);
    const stack = await stackFigures(work, sizes);
    return { ...hashing, ...page.figures, ...help, ...stack };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const started = performance.now();
  const figures = await measureUsersTools();
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
