// What is deployed is what is tested: every function bundled as the CDK stack bundles it
// (scripts/bundle-functions.ts, the catalog's esbuild settings), then each bundle loaded in a
// fresh plain `node` with only the environment the function gets in AWS. A bundle that cannot
// start (a missing export, a `require` or `__dirname` that ESM lacks, a call at import) fails here.
import assert from "node:assert/strict";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { FUNCTION_NAMES, type FunctionName } from "../../infra/catalog.ts";
import { bundleAll, bundleShares, type FunctionBundle } from "../../scripts/bundle-functions.ts";
import { loadBundle, minimalEnv } from "../../scripts/load-bundle.ts";

/** The target for each function's code: 1 MB (10^6 bytes) of minified index.mjs. */
const MAX_BUNDLE_BYTES = 1_000_000;
/** Long enough for a connection or a timer started at import to fail and be seen. */
const SETTLE_MS = 300;

let outDir = "";
const bundles = new Map<FunctionName, FunctionBundle>();

function bundleOf(name: FunctionName): FunctionBundle {
  const bundle = bundles.get(name);
  assert.ok(bundle !== undefined, `${name} was not bundled`);
  return bundle;
}

before(async () => {
  outDir = await mkdtemp(join(tmpdir(), "stele-bundles-"));
  for (const bundle of await bundleAll(outDir)) bundles.set(bundle.name, bundle);
});

after(async () => {
  if (outDir !== "") await rm(outDir, { recursive: true, force: true });
});

for (const name of FUNCTION_NAMES) {
  describe(name, () => {
    test("loads in a fresh node: exports a handler, connects nowhere, prints nothing", async () => {
      const load = await loadBundle(name, bundleOf(name).file, {
        env: minimalEnv(name),
        settleMs: SETTLE_MS,
      });
      assert.deepEqual(load.errors, []);
      assert.equal(load.handlerType, "function");
      assert.deepEqual(load.connects, [], "connections opened while importing");
      assert.equal(load.stderr, "");
    });

    test("bundles every dependency: its only imports are Node built-ins", () => {
      const output = Object.values(bundleOf(name).metafile.outputs).find(
        (out) => out.entryPoint !== undefined,
      );
      const imports = output?.imports.map((entry) => entry.path) ?? [];
      assert.deepEqual(
        imports.filter((path) => !isBuiltin(path)),
        [],
      );
    });

    test("ships a source map next to index.mjs", async () => {
      assert.ok((await stat(`${bundleOf(name).file}.map`)).size > 0);
    });

    test(`is at most ${MAX_BUNDLE_BYTES} bytes`, () => {
      const bundle = bundleOf(name);
      const largest = bundleShares(bundle)
        .slice(0, 5)
        .map((share) => `${share.source} ${share.bytes}`)
        .join(", ");
      assert.ok(
        bundle.bytes <= MAX_BUNDLE_BYTES,
        `${name}/index.mjs is ${bundle.bytes} bytes, over ${MAX_BUNDLE_BYTES}; largest: ${largest}`,
      );
    });
  });
}

test("the read-api bundle answers events/http/get-health.json with 200", async () => {
  const load = await loadBundle("read-api", bundleOf("read-api").file, {
    env: minimalEnv("read-api"),
    eventFile: fileURLToPath(new URL("../../events/http/get-health.json", import.meta.url)),
  });
  assert.deepEqual(load.errors, []);
  const result = load.result as { statusCode: number; body: string };
  assert.equal(result.statusCode, 200);
  assert.deepEqual(JSON.parse(result.body), { status: "ok" });
});

test("the loader sees a connection made at import, and its failure", async () => {
  // A stand-in for a bundle that calls out while loading: what the tests above rule out.
  const file = join(outDir, "calls-at-import.mjs");
  await writeFile(
    file,
    'import http from "node:http"; http.get("http://127.0.0.1:9/"); export const handler = async () => 1;\n',
  );
  const load = await loadBundle("read-api", file, {
    env: minimalEnv("read-api"),
    settleMs: SETTLE_MS,
  });
  assert.deepEqual(load.connects, ["127.0.0.1:9"]);
  assert.match(load.errors.join("\n"), /ECONNREFUSED 127\.0\.0\.1:9/);
});
