/**
 * Builds the verify page (web/): the static files plus web/src/main.ts bundled by esbuild as one
 * minified IIFE, a classic `<script src>`, so the page also works opened from `file://` (Chrome
 * refuses module scripts there). The CDK app stages the output for S3 + CloudFront with
 * buildWebSync; the local stack serves webFiles() from memory.
 *
 *   node --import tsx scripts/build-web.ts [outDir]    (default web/dist)
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { type BuildOptions, build, buildSync, type OutputFile } from "esbuild";

export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const WEB_ROOT = join(PROJECT_ROOT, "web");
export const DEFAULT_OUT_DIR = join(WEB_ROOT, "dist");

/** Copied as they are, next to the bundle. */
const STATIC_FILES = ["index.html", "styles.css"] as const;
/** The bundle's name, as index.html's `<script src>` refers to it. */
export const SCRIPT_FILE = "app.js";

/** One file of the built page: its path relative to the site root and its bytes. */
export interface WebFile {
  readonly path: string;
  readonly contents: Uint8Array;
}

const ESBUILD_OPTIONS: BuildOptions = {
  absWorkingDir: PROJECT_ROOT,
  entryPoints: [join(WEB_ROOT, "src/main.ts")],
  outfile: join(WEB_ROOT, "out", SCRIPT_FILE),
  bundle: true,
  format: "iife",
  platform: "browser",
  // Browsers of the last few years: WebCrypto-free code, but Blob.stream(), BigInt, `#private`.
  target: ["chrome100", "firefox100", "safari15.4"],
  minify: true,
  legalComments: "none",
  write: false,
  logLevel: "silent",
  metafile: true,
};

function collect(outputs: readonly OutputFile[], statics: readonly WebFile[]): WebFile[] {
  const script = outputs.find((file) => file.path.endsWith(`/${SCRIPT_FILE}`));
  if (script === undefined) throw new Error(`esbuild wrote no ${SCRIPT_FILE}`);
  return [...statics, { path: SCRIPT_FILE, contents: script.contents }];
}

/** The built page's files, in memory. */
export async function webFiles(): Promise<WebFile[]> {
  const [result, ...statics] = await Promise.all([
    build(ESBUILD_OPTIONS),
    ...STATIC_FILES.map(async (path) => ({
      path,
      contents: new Uint8Array(await readFile(join(WEB_ROOT, path))),
    })),
  ]);
  return collect(result.outputFiles ?? [], statics);
}

function webFilesSync(): WebFile[] {
  const result = buildSync(ESBUILD_OPTIONS);
  const statics = STATIC_FILES.map((path) => ({
    path,
    contents: new Uint8Array(readFileSync(join(WEB_ROOT, path))),
  }));
  return collect(result.outputFiles ?? [], statics);
}

/** Builds the page into `outDir` (index.html, styles.css, app.js). */
export async function buildWeb(outDir: string): Promise<void> {
  const files = await webFiles();
  await mkdir(outDir, { recursive: true });
  await Promise.all(files.map((file) => writeFile(join(outDir, file.path), file.contents)));
}

/** buildWeb for callers that cannot wait (the CDK app stages the files while synthesizing). */
export function buildWebSync(outDir: string): void {
  const files = webFilesSync();
  mkdirSync(outDir, { recursive: true });
  for (const file of files) writeFileSync(join(outDir, file.path), file.contents);
}

/** One line per file: bytes, and gzip bytes (what a browser downloads from CloudFront). */
export function describeWebFiles(files: readonly WebFile[]): string {
  return files
    .map(
      (file) =>
        `${file.path.padEnd(12)} ${String(file.contents.length).padStart(8)} bytes  ${String(gzipSync(file.contents).length).padStart(7)} gzip`,
    )
    .join("\n");
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const outDir = resolve(process.argv[2] ?? DEFAULT_OUT_DIR);
  const started = performance.now();
  const files = await webFiles();
  await mkdir(outDir, { recursive: true });
  await Promise.all(files.map((file) => writeFile(join(outDir, file.path), file.contents)));
  process.stdout.write(`${describeWebFiles(files)}\n`);
  process.stdout.write(
    `wrote ${outDir} in ${(performance.now() - started).toFixed(0)} ms (open index.html, or serve the folder)\n`,
  );
}
