/**
 * `npm run bench`: measures the figures the issues name, writes bench/results.json and renders
 * BENCHMARKS.md with its charts (bench/report/render.ts). Hashing figures are divided by
 * openssl's rate measured in the same run, and peers are measured in the same run as ours,
 * because this machine is shared and noisy: ratios carry from run to run, absolute rates less.
 *
 * `npm run bench -- --quick` measures the same figures with short runs and small sizes (about
 * a minute and a half, for CI) into bench/results-quick.json and BENCHMARKS-quick.md, so it
 * never replaces the committed full results.
 */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { MemoryTileStore } from "../shared/adapters/memory/memory-tile-store.ts";
import { appendLeaves } from "../shared/domain/merkle/append-leaves.ts";
import { buildInclusionProof } from "../shared/domain/merkle/build-proof.ts";
import { hashLeaves32 } from "../shared/domain/merkle/sha256-batch.ts";
import { verifyInclusion } from "../shared/domain/merkle/verify-inclusion.ts";
import { measureAnchoring, USD_PER_ETH } from "./anchoring.ts";
import { measureAwsCostInFreshProcess } from "./aws-cost.ts";
import { measureBatchSweep } from "./batch-sweep.ts";
import { gasCostSeries } from "./gas-cost.ts";
import { measureLambda } from "./lambda.ts";
import { measureLedger } from "./ledger.ts";
import { machineInfo } from "./machine.ts";
import { opensslSha256Per64B } from "./openssl-speed.ts";
import { measurePeers } from "./peers.ts";
import { type BenchProfile, FULL, QUICK } from "./profile.ts";
import { readSoak, renderReport, reportPathsFor } from "./report/render.ts";
import type { BenchResults } from "./report/results.ts";
import { measureUsersTools } from "./users-tools.ts";

const run = promisify(execFile);
// The SDK's notice that Node 20 support ends in 2027 would repeat in every figure's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const profile: BenchProfile = process.argv.includes("--quick") ? QUICK : FULL;
const resultsPath = new URL(
  profile.name === "quick" ? "./results-quick.json" : "./results.json",
  import.meta.url,
);
const runStarted = performance.now();
/** Progress on stderr, with the seconds since the run started. */
const progress = (line: string) =>
  process.stderr.write(
    `bench [${((performance.now() - runStarted) / 1000).toFixed(0).padStart(3)} s] ${line}\n`,
  );

interface BuildRun {
  readonly seconds: number;
  readonly internalHashes: number;
  readonly baselineRssMb: number;
  readonly peakRssMb: number;
}

async function buildInFreshProcess(): Promise<BuildRun> {
  const script = new URL("./merkle-build.ts", import.meta.url).pathname;
  const { stdout } = await run(process.execPath, [
    "--import",
    "tsx",
    script,
    String(profile.log2Leaves),
  ]);
  return JSON.parse(stdout) as BuildRun;
}

/** Calls `work` for about `seconds` and returns calls per second. */
async function rate(seconds: number, work: () => unknown): Promise<number> {
  let calls = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 64; i++) await work();
    calls += 64;
  }
  return calls / ((performance.now() - started) / 1000);
}

async function proofFigures(): Promise<Record<string, number>> {
  const leafCount = 2 ** profile.log2Leaves;
  const leafData = new Uint8Array(leafCount * 32);
  const view = new DataView(leafData.buffer);
  for (let i = 0; i < leafCount; i++) view.setUint32(i * 32, i);
  const leaves = new Uint8Array(leafData.length);
  hashLeaves32(leafData, leaves);
  const store = new MemoryTileStore();
  const built = await appendLeaves(store, 0, leaves);
  store.writeTiles(built.tiles);
  const leafAt = (i: number) => leaves.subarray(i * 32, i * 32 + 32);
  const samples = await Promise.all(
    Array.from({ length: 256 }, async (_, k) => {
      const index = (k * 4099) % leafCount;
      return { index, proof: await buildInclusionProof(store, index, leafCount) };
    }),
  );
  let next = 0;
  const verifyPerSec = await rate(profile.proofRateSeconds, () => {
    const sample = samples[next++ % samples.length];
    if (sample)
      verifyInclusion(sample.index, leafCount, leafAt(sample.index), sample.proof, built.rootHash);
  });
  const buildPerSec = await rate(profile.proofRateSeconds, () =>
    buildInclusionProof(store, (next++ * 4099) % leafCount, leafCount),
  );
  store.tilesRead = 0;
  await buildInclusionProof(store, 12345, leafCount);
  return {
    "merkle.proof.verifyPerSec": Math.round(verifyPerSec),
    "merkle.proof.buildFromTilesPerSec": Math.round(buildPerSec),
    "merkle.proof.tilesReadPerProof": store.tilesRead,
  };
}

async function main(): Promise<void> {
  const machine = machineInfo(new Date());
  process.stdout.write(
    `bench (${profile.name}) on ${machine.cpu} (${machine.cores} cores), ${machine.date}\n`,
  );

  progress("openssl and the tree build");
  const opensslBefore = await opensslSha256Per64B(profile.opensslSeconds);
  const builds: BuildRun[] = [];
  for (let i = 0; i < profile.buildRuns; i++) builds.push(await buildInFreshProcess());
  const opensslAfter = await opensslSha256Per64B(profile.opensslSeconds);
  const openssl = (opensslBefore + opensslAfter) / 2;

  // The fastest run is the one least disturbed by the machine's other tenants.
  const best = builds.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const hashesPerSec = best.internalHashes / best.seconds;
  const figures: Record<string, number> = {
    "openssl.sha256_64B.hashesPerSec": Math.round(openssl),
    "merkle.build.leaves": 2 ** profile.log2Leaves,
    "merkle.build.seconds": Number(best.seconds.toFixed(3)),
    "merkle.build.hashesPerSec": Math.round(hashesPerSec),
    "merkle.build.ratioToOpenssl": Number((hashesPerSec / openssl).toFixed(3)),
    "merkle.build.peakRssMb": Math.round(Math.max(...builds.map((b) => b.peakRssMb))),
    "merkle.build.extraRssMb": Math.round(
      Math.max(...builds.map((b) => b.peakRssMb - b.baselineRssMb)),
    ),
  };
  progress("proofs in memory");
  Object.assign(figures, await proofFigures());
  progress("peers (merkletreejs, @sigstore/verify, @openzeppelin/merkle-tree)");
  const peers = await measurePeers(profile);
  Object.assign(figures, peers.figures);
  progress("the ledger on the local stack");
  const ledger = await measureLedger(profile);
  Object.assign(figures, ledger.figures);
  progress("throughput against batch size, submit latency");
  const sweep = await measureBatchSweep(profile);
  Object.assign(figures, sweep.figures);
  for (const [name, value] of Object.entries(ledger.proofLatency))
    if (typeof value === "number" && name.endsWith("Ms"))
      figures[`latency.proof.get.${name}`] = value;
  progress("anchoring");
  const anchoring = await measureAnchoring(profile);
  Object.assign(figures, anchoring.figures);
  progress("lambda bundles");
  Object.assign(figures, await measureLambda(profile.lambdaInitRuns));
  progress("AWS cost");
  Object.assign(figures, await measureAwsCostInFreshProcess(profile.awsCostBatches));
  // Issue 6: the verify page, the CLI and the certificate (bench/users-tools.ts).
  progress("users' tools");
  const usersTools = await measureUsersTools(profile.usersTools);

  let previous: { figures?: Record<string, number> } = {};
  try {
    previous = JSON.parse(await readFile(resultsPath, "utf8")) as typeof previous;
  } catch {
    // First run: nothing to keep.
  }
  const results: BenchResults = {
    machine,
    mode: profile.name,
    runSeconds: Math.round((performance.now() - runStarted) / 1000),
    figures: { ...previous.figures, ...figures },
    usersTools,
    series: {
      throughputByBatch: sweep.points,
      latency: { ...sweep.latency, "proof.get": ledger.proofLatency },
      timeTo: anchoring.timeTo,
      gasCost: gasCostSeries(
        figures["anchor.gasPerAnchor"] ?? Number.NaN,
        figures["aws.usdPerMillionEntries"] ?? Number.NaN,
        USD_PER_ETH,
      ),
      peers: peers.comparisons,
    },
  };
  await writeFile(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  for (const [name, value] of Object.entries(figures))
    process.stdout.write(`${name.padEnd(40)} ${value}\n`);
  for (const [name, value] of Object.entries(usersTools))
    process.stdout.write(`${`usersTools.${name}`.padEnd(40)} ${value}\n`);
  process.stdout.write(`wrote ${resultsPath.pathname}\n`);
  const paths = reportPathsFor(resultsPath.pathname);
  const report = await renderReport(results, paths, await readSoak());
  process.stdout.write(`wrote ${paths.markdown} and ${report.chartFiles.length} charts\n`);
  progress("done");
}

await main();
