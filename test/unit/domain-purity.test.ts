// The layering rule of DESIGN.md ("shared/domain/ imports no AWS SDK, no ethers, and never reads
// the clock, randomness or process.env") is enforced by biome.json; this proves the rule bites.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = new URL("../..", import.meta.url).pathname;
const biome = join(root, "node_modules/.bin/biome");

const violations = {
  "aws-sdk.ts": `import { KMSClient } from "@aws-sdk/client-kms";\nexport const c = KMSClient;\n`,
  "ethers.ts": `import { Wallet } from "ethers";\nexport const w = Wallet;\n`,
  "node-builtin.ts": `import { readFileSync } from "node:fs";\nexport const r = readFileSync;\n`,
  "outer-layer.ts": `import type { X } from "../adapters/x.ts";\nexport type Y = X;\n`,
  "clock.ts": "export const now = Date.now();\n",
  "env.ts": "export const region = process.env.AWS_REGION;\n",
  "random.ts": "export const r = Math.random();\n",
  "web-crypto.ts": "export const bytes = crypto.getRandomValues(new Uint8Array(4));\n",
};

async function lint(dir: string, path: string): Promise<{ code: number; output: string }> {
  try {
    // The copy is no git checkout, so biome must not look for .gitignore.
    const args = ["lint", "--vcs-enabled=false", "--max-diagnostics=none", path];
    const { stdout, stderr } = await run(biome, args, { cwd: dir });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, output: stdout + stderr };
  }
}

test("lint rejects every kind of impurity in shared/domain/ and allows it outside", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "stele-purity-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(join(root, "biome.json"), join(dir, "biome.json"));
  await cp(join(root, "lint"), join(dir, "lint"), { recursive: true });
  await mkdir(join(dir, "shared/domain"), { recursive: true });
  await mkdir(join(dir, "shared/adapters"), { recursive: true });
  for (const [name, source] of Object.entries(violations)) {
    await writeFile(join(dir, "shared/domain", name), source);
    await writeFile(join(dir, "shared/adapters", name), source);
  }

  for (const name of Object.keys(violations)) {
    const domain = await lint(dir, `shared/domain/${name}`);
    assert.notEqual(domain.code, 0, `${name} in shared/domain/ must fail lint:\n${domain.output}`);
    assert.match(domain.output, /noRestrictedImports|noRestrictedGlobals|plugin/, name);
  }
  const adapters = await lint(dir, "shared/adapters");
  assert.doesNotMatch(adapters.output, /noRestrictedImports|noRestrictedGlobals|plugin/);
});
