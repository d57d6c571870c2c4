// `npx cdk synth --quiet` as a user runs it, offline and with no AWS credentials: the app
// synthesises (cdk-nag included: an unacknowledged finding fails it), each function is bundled
// on this machine by the project's esbuild (no Docker), and each bundle CDK made starts in a
// plain `node` with exactly the environment the template gives its function.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { FUNCTION_NAMES, type FunctionName } from "../../infra/catalog.ts";
import { PROJECT_ROOT } from "../../infra/constructs/stele-function.ts";
import { loadBundle, minimalEnv } from "../../scripts/load-bundle.ts";
import {
  type CfnJson,
  prop,
  resolvedEnvironment,
  resourcesOfType,
  type TemplateJson,
} from "./synth.ts";

const run = promisify(execFile);

let outDir = "";
let synth: { stdout: string; stderr: string; ms: number };
let template: TemplateJson;

/** The environment without credentials: no AWS_* or CDK_* variable, no shared config files. */
function offlineEnv(dir: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(AWS|CDK)_/.test(name)),
  );
  return {
    ...env,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-credentials"),
    AWS_CONFIG_FILE: join(dir, "no-config"),
  };
}

before(async () => {
  outDir = await mkdtemp(join(tmpdir(), "stele-cdk-"));
  const started = performance.now();
  const { stdout, stderr } = await run(
    "npx",
    ["cdk", "synth", "--quiet", "--output", join(outDir, "cdk.out")],
    {
      cwd: PROJECT_ROOT,
      env: offlineEnv(outDir),
      timeout: 240_000,
      maxBuffer: 32 * 1024 * 1024,
    },
  );
  synth = { stdout, stderr, ms: performance.now() - started };
  template = JSON.parse(
    await readFile(join(outDir, "cdk.out", "Stele-dev.template.json"), "utf8"),
  ) as TemplateJson;
});

after(async () => {
  if (outDir !== "") await rm(outDir, { recursive: true, force: true });
});

function functionsByName(): Map<FunctionName, CfnJson> {
  const byName = new Map<FunctionName, CfnJson>();
  for (const [id, resource] of resourcesOfType(template, "AWS::Lambda::Function")) {
    // CDK's own handlers (the verify page's deployment, its bucket's clean-up) are not ours.
    if (id.startsWith("Custom")) continue;
    const name = FUNCTION_NAMES.find((candidate) =>
      id.startsWith(`Functions${candidate.replaceAll("-", "")}`),
    );
    assert.ok(name !== undefined, `function ${id} is not in the catalog`);
    byName.set(name, resource);
  }
  return byName;
}

/** The asset folder CDK bundled a function's code into (from its S3 key, the asset hash). */
function assetDir(resource: CfnJson): string {
  const key = prop<{ S3Key: string }>(resource, "Code").S3Key;
  return join(outDir, "cdk.out", `asset.${key.replace(/\.zip$/, "")}`);
}

test("synthesises the dev stack, bundling every function locally (no Docker)", () => {
  assert.ok(!/docker/i.test(synth.stderr), "Docker was used");
  // --quiet prints no template (the CLI may still print notices, e.g. about feature flags).
  assert.ok(
    !/AWSTemplateFormatVersion|Resources:/.test(synth.stdout),
    "--quiet printed a template",
  );
  const functions = functionsByName();
  assert.deepEqual([...functions.keys()].sort(), [...FUNCTION_NAMES].sort());
  for (const [name, resource] of functions) {
    for (const file of ["index.mjs", "index.mjs.map"])
      assert.ok(existsSync(join(assetDir(resource), file)), `${name}: ${file}`);
  }
});

test("the verify page is built into its asset by the project's build, as npm start serves it", () => {
  const [deployment] = resourcesOfType(template, "Custom::CDKBucketDeployment");
  assert.ok(deployment !== undefined, "no deployment of the verify page");
  const [key] = prop<string[]>(deployment[1], "SourceObjectKeys");
  const dir = join(outDir, "cdk.out", `asset.${(key ?? "").replace(/\.zip$/, "")}`);
  for (const file of ["index.html", "app.js", "styles.css"])
    assert.ok(existsSync(join(dir, file)), `the page's asset has no ${file}`);
});

test("each bundle CDK made starts with its function's environment from the template", async () => {
  for (const [name, resource] of functionsByName()) {
    // The Lambda runtime's own variables and dummy credentials (minimalEnv), then the stack's.
    const env = { ...minimalEnv(name), ...resolvedEnvironment(resource) };
    const load = await loadBundle(name, join(assetDir(resource), "index.mjs"), {
      env,
      settleMs: 200,
    });
    assert.deepEqual(load.errors, [], name);
    assert.equal(load.handlerType, "function", name);
    assert.deepEqual(load.connects, [], `${name} connected while starting`);
  }
});
