/**
 * The deployed functions (issue 5): each bundle as the CDK stack builds it
 * (scripts/bundle-functions.ts), its size, and the time its import takes in a fresh plain
 * `node` (parse, evaluate, the module's cold-start init: config, SDK clients), the median of
 * INIT_RUNS processes. Lambda's own runtime start is not in it.
 *
 *   node --import tsx bench/lambda.ts     (about 15 s; bench/run.ts includes it)
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleAll } from "../scripts/bundle-functions.ts";
import { loadBundle, minimalEnv } from "../scripts/load-bundle.ts";

const INIT_RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

/** `lambda.<function>.bundleBytes` and `lambda.<function>.initMs` for every function. */
export async function measureLambda(initRuns = INIT_RUNS): Promise<Record<string, number>> {
  const outDir = await mkdtemp(join(tmpdir(), "stele-bench-bundles-"));
  try {
    const figures: Record<string, number> = {};
    for (const bundle of await bundleAll(outDir)) {
      const initMs: number[] = [];
      for (let run = 0; run < initRuns; run++) {
        const load = await loadBundle(bundle.name, bundle.file, { env: minimalEnv(bundle.name) });
        if (load.errors.length > 0 || load.handlerType !== "function")
          throw new Error(`${bundle.name} does not load: ${load.errors.join("; ")}`);
        initMs.push(load.initMs);
      }
      figures[`lambda.${bundle.name}.bundleBytes`] = (await stat(bundle.file)).size;
      figures[`lambda.${bundle.name}.initMs`] = Math.round(median(initMs));
    }
    return figures;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [name, value] of Object.entries(await measureLambda()))
    process.stdout.write(`${name.padEnd(40)} ${value}\n`);
}
