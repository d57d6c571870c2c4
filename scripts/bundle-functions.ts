/**
 * Bundles each function of infra/catalog.ts with esbuild exactly as the CDK stack's
 * NodejsFunction does (ESM, minified, source map, platform node, the catalog's target, main
 * fields and banner, every dependency bundled, the AWS SDK included), so the tests and the bench
 * load and measure the bytes that are deployed.
 *
 *   node --import tsx scripts/bundle-functions.ts [outDir]    (default dist/functions)
 *
 * writes `<outDir>/<name>/index.mjs`, `index.mjs.map` and `index.meta.json` (esbuild's
 * metafile: what each input adds to the bundle) and prints each bundle's size.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, build, type Metafile } from "esbuild";
import {
  ESM_REQUIRE_BANNER,
  FUNCTION_NAMES,
  FUNCTIONS,
  type FunctionName,
  MAIN_FIELDS,
  NODE_TARGET,
} from "../infra/catalog.ts";

export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DEFAULT_OUT_DIR = join(PROJECT_ROOT, "dist", "functions");

/** Lambda's ESM handler file name, as NodejsFunction names it: the handler is `index.handler`. */
export const BUNDLE_FILE = "index.mjs";

/** `<outDir>/<name>/index.mjs`. */
export function bundlePath(outDir: string, name: FunctionName): string {
  return join(resolve(outDir), name, BUNDLE_FILE);
}

export interface FunctionBundle {
  readonly name: FunctionName;
  /** `<outDir>/<name>`: the folder that would be the function's code asset. */
  readonly dir: string;
  /** `<dir>/index.mjs`, the minified bundle. */
  readonly file: string;
  /** Size of index.mjs (the source map is not deployed code). */
  readonly bytes: number;
  readonly metafile: Metafile;
}

/**
 * The esbuild options of `name`, the same as the CDK's NodejsFunction passes to the esbuild CLI
 * (`--bundle --target --platform=node --format=esm --minify --sourcemap --main-fields --banner:js`,
 * with no `--external` since the stack bundles the AWS SDK).
 */
export function esbuildOptions(name: FunctionName, outDir: string): BuildOptions {
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [FUNCTIONS[name].entry],
    outfile: bundlePath(outDir, name),
    bundle: true,
    platform: "node",
    target: NODE_TARGET,
    format: "esm",
    minify: true,
    sourcemap: true,
    mainFields: [...MAIN_FIELDS],
    banner: { js: ESM_REQUIRE_BANNER },
    metafile: true,
    logLevel: "warning",
  };
}

/** Bundles one function into `<outDir>/<name>/`. */
export async function bundleFunction(name: FunctionName, outDir: string): Promise<FunctionBundle> {
  const file = bundlePath(outDir, name);
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const result = await build(esbuildOptions(name, outDir));
  const metafile = result.metafile;
  if (metafile === undefined) throw new Error(`esbuild returned no metafile for ${name}`);
  await writeFile(join(dir, "index.meta.json"), JSON.stringify(metafile));
  const output = Object.values(metafile.outputs).find((out) => out.entryPoint !== undefined);
  if (output === undefined) throw new Error(`esbuild's metafile for ${name} has no entry output`);
  return { name, dir, file, bytes: output.bytes, metafile };
}

/** Bundles every function of the catalog, one after the other (esbuild uses every core itself). */
export async function bundleAll(outDir: string): Promise<FunctionBundle[]> {
  const bundles: FunctionBundle[] = [];
  for (const name of FUNCTION_NAMES) bundles.push(await bundleFunction(name, outDir));
  return bundles;
}

export interface BundleShare {
  /** An npm package (`ethers`, `@smithy/core`) or a project folder (`shared/domain`). */
  readonly source: string;
  readonly bytes: number;
}

/** What the bundle's bytes come from, largest first: output bytes summed per package or folder. */
export function bundleShares(bundle: FunctionBundle): BundleShare[] {
  const output = Object.values(bundle.metafile.outputs).find((out) => out.entryPoint !== undefined);
  const totals = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
    const source = inPackage ?? path.split("/").slice(0, 2).join("/");
    totals.set(source, (totals.get(source) ?? 0) + input.bytesInOutput);
  }
  return [...totals]
    .map(([source, bytes]) => ({ source, bytes }))
    .sort((a, b) => b.bytes - a.bytes);
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

/** One line per bundle: its size and its three largest sources. */
export function describeBundle(bundle: FunctionBundle): string {
  const top = bundleShares(bundle)
    .slice(0, 3)
    .map((share) => `${share.source} ${kib(share.bytes)}`)
    .join(", ");
  return `${bundle.name.padEnd(20)} ${String(bundle.bytes).padStart(9)} bytes  (${top}, …)`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const outDir = resolve(process.argv[2] ?? DEFAULT_OUT_DIR);
  for (const bundle of await bundleAll(outDir)) process.stdout.write(`${describeBundle(bundle)}\n`);
  process.stdout.write(`wrote ${outDir}/<function>/${BUNDLE_FILE} (+ .map, index.meta.json)\n`);
}
