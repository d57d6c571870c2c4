/**
 * `npm run soak` (issue 8 part 3): the local stack as a user runs it (`npm start`, a child
 * process with its embedded hardhat chain, anchoring every 5 s) fed at a steady rate for
 * `--seconds` (default 600), while this driver samples the stack process's RSS and the
 * latency of submissions and of proof reads. At the end it waits until every acknowledged
 * entry is final and verifies a sample of bundles against the chain. Writes
 * bench/soak-results.json (or `--out`); exits 1 naming each failed criterion
 * (bench/soak/criteria.ts), 0 when all pass.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiClient } from "../test/support/local/api-client.ts";
import { startStackProcess } from "../test/support/local/stack-process.ts";
import { machineInfo } from "./machine.ts";
import { checkAllFinal } from "./soak/all-final.ts";
import {
  acknowledgedCriterion,
  type Criterion,
  latencyCriterion,
  rateCriterion,
  rssCriterion,
} from "./soak/criteria.ts";
import { parseSoakOptions, USAGE } from "./soak/options.ts";
import { runPaced } from "./soak/pacer.ts";
import { childPids, rssMb } from "./soak/rss.ts";
import { latencyWindows, median, type Point, round } from "./soak/stats.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const LEDGER = "default";
const RSS_EVERY_MS = 2_000;
/** Proof reads pick entries acknowledged at least this long ago (most are signed by then). */
const PROOF_MIN_AGE_SECONDS = 3;
const STACK_ENV = {
  STELE_INTEGRATE_INTERVAL_MS: "1000",
  STELE_ANCHOR_INTERVAL_MS: "5000",
  STELE_CONFIRMATIONS: "2",
  STELE_ORIGIN_PREFIX: "stele.soak",
  // The load is the driver's to pace, not the dev stage's throttle (local/rate-limit.ts).
  STELE_RATE_LIMIT_PER_SEC: "0",
};

let options: ReturnType<typeof parseSoakOptions>;
try {
  options = parseSoakOptions(
    process.argv.slice(2),
    new URL("./soak-results.json", import.meta.url).pathname,
  );
} catch (error) {
  console.error(
    (error as Error).message.includes("usage:")
      ? (error as Error).message
      : `${(error as Error).message}\n${USAGE}`,
  );
  process.exit(2);
}

const say = (line: string) => console.error(`soak: ${line}`);

function batchBody(k: number, size: number): unknown {
  // Mostly documents by hash, as the CLI submits them, and every tenth a small transaction.
  const entries = Array.from({ length: size }, (_, i) =>
    i % 10 === 9
      ? { kind: "transaction", payload: { soak: true, batch: k, i, lot: `L-${k % 97}` } }
      : { kind: "document", contentHash: randomBytes(32).toString("hex") },
  );
  return { ledger: LEDGER, entries };
}

const wallStart = performance.now();
const dataDir = await mkdtemp(join(tmpdir(), "stele-soak-"));
say(
  `${options.seconds} s at ${options.rate} entries/s (batches of ${options.batch}, ${options.workers} workers), warm-up ${options.warmupSeconds} s; starting the local stack in ${dataDir}`,
);
const stack = await startStackProcess({ ...STACK_ENV, STELE_DATA_DIR: dataDir }, 120_000);
const exit = async () => {
  await stack.stop().catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
};

let exitCode = 1;
try {
  const chainUrl = /chain\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stack.output())?.[1];
  if (chainUrl === undefined) throw new Error(`the stack has no chain:\n${stack.output()}`);
  const stackPid = stack.child.pid as number;
  const hardhatPid = (await childPids(stackPid, /hardhat/))[0];
  // The DynamoDB stand-in runs apart (local/dynamodb-process.ts): its memory grows with its data.
  const dynamoDbPid = (await childPids(stackPid, /dynamodb-process/))[0];
  say(
    `stack pid ${stackPid}, hardhat pid ${hardhatPid ?? "not found"}, dynalite pid ${dynamoDbPid ?? "not found"}, chain ${chainUrl}`,
  );
  const api = new ApiClient(stack.url, stack.apiKey);

  const ids: string[] = [];
  /** Seconds (since t0) each id in `ids` was acknowledged: non-decreasing. */
  const ackedAt: number[] = [];
  const submitMs: Point[] = [];
  const proofMs: Point[] = [];
  const rss: Point[] = [];
  const hardhatRss: Point[] = [];
  const dynamoDbRss: Point[] = [];
  const failures: string[] = [];
  let proofNotReady = 0;
  let submitting = true;
  let sampling = true;
  const t0 = performance.now();
  const t = () => (performance.now() - t0) / 1000;

  const sampleRss = async () => {
    while (sampling) {
      const at = round(t(), 1);
      const stackMb = await rssMb(stackPid);
      if (stackMb !== undefined) rss.push({ tSeconds: at, value: round(stackMb, 1) });
      const chainMb = hardhatPid === undefined ? undefined : await rssMb(hardhatPid);
      if (chainMb !== undefined) hardhatRss.push({ tSeconds: at, value: round(chainMb, 1) });
      const databaseMb = dynamoDbPid === undefined ? undefined : await rssMb(dynamoDbPid);
      if (databaseMb !== undefined) dynamoDbRss.push({ tSeconds: at, value: round(databaseMb, 1) });
      await sleep(RSS_EVERY_MS);
    }
  };

  const readProofs = async () => {
    const everyMs = 1000 / options.proofRate;
    while (submitting) {
      const started = performance.now();
      // ids are in acknowledgement order: pick among those old enough.
      let old = ackedAt.length;
      while (old > 0 && (ackedAt[old - 1] as number) > t() - PROOF_MIN_AGE_SECONDS) old--;
      if (old > 0) {
        const id = ids[Math.floor(Math.random() * old)] as string;
        const at = t();
        const response = await api.request("GET", `/v1/entries/${id}/proof`);
        const ms = performance.now() - started;
        if (response.status === 200) proofMs.push({ tSeconds: at, value: ms });
        else if (response.status === 425) proofNotReady++;
        else failures.push(`GET proof of ${id}: HTTP ${response.status}`);
      }
      await sleep(Math.max(0, everyMs - (performance.now() - started)));
    }
  };

  const progress = async () => {
    let shown = 0;
    while (submitting) {
      await sleep(options.windowSeconds * 1000);
      const from = shown;
      shown = t();
      const recent = (points: Point[]) =>
        points.filter((p) => p.tSeconds >= from).map((p) => p.value);
      say(
        `t=${Math.round(shown)} s: ${ids.length} acknowledged, RSS ${rss.at(-1)?.value ?? "?"} MB (hardhat ${hardhatRss.at(-1)?.value ?? "?"} MB, dynalite ${dynamoDbRss.at(-1)?.value ?? "?"} MB), submit p50 ${round(median(recent(submitMs)))} ms, proof p50 ${round(median(recent(proofMs)))} ms, ${failures.length} failures`,
      );
    }
  };

  const background = [sampleRss(), readProofs(), progress()];
  await runPaced(
    {
      intervalMs: (1000 * options.batch) / options.rate,
      workers: options.workers,
      durationMs: options.seconds * 1000,
      now: () => performance.now(),
    },
    async (k) => {
      const at = t();
      const started = performance.now();
      try {
        const response = await api.request<{ entries: { id: string }[] }>("POST", "/v1/entries", {
          body: batchBody(k, options.batch),
        });
        const ms = performance.now() - started;
        if (response.status !== 202) {
          failures.push(
            `POST batch ${k}: HTTP ${response.status} ${JSON.stringify(response.body)}`,
          );
          return;
        }
        submitMs.push({ tSeconds: at, value: ms });
        const now = t();
        for (const entry of response.body.entries) {
          ids.push(entry.id);
          ackedAt.push(now);
        }
      } catch (error) {
        failures.push(`POST batch ${k}: ${(error as Error).message}`);
      }
    },
  );
  const submitSeconds = t();
  submitting = false;
  const achieved = ids.length / Math.max(options.seconds, submitSeconds);
  say(
    `submitted for ${round(submitSeconds, 1)} s: ${ids.length} entries acknowledged (${round(achieved, 1)}/s); waiting until all are final`,
  );

  const allFinal = await checkAllFinal({
    api,
    ledger: LEDGER,
    ids,
    chainUrl,
    sample: options.verifySample,
    timeoutMs: options.finalTimeoutSeconds * 1000,
  });
  sampling = false;
  await Promise.all(background);

  const duration = options.seconds;
  const criteria: Criterion[] = [
    rssCriterion(rss, options.warmupSeconds, duration, options.windowSeconds),
    latencyCriterion("submit", submitMs, options.warmupSeconds, duration, options.windowSeconds),
    latencyCriterion("proof GET", proofMs, options.warmupSeconds, duration, options.windowSeconds),
    {
      name: "all entries final at the end",
      pass: allFinal.problems.length === 0,
      detail:
        allFinal.problems.length === 0
          ? `anchored checkpoint of size ${allFinal.finalTreeSize} = every acknowledged entry, final ${round(allFinal.secondsToAllFinal ?? 0, 1)} s after submitting stopped; ${allFinal.sampled} sampled entries final with bundles verified on the chain`
          : allFinal.problems.slice(0, 5).join("; "),
    },
    rateCriterion(options.rate, achieved),
    acknowledgedCriterion(ids.length, failures),
  ];
  const results = {
    machine: machineInfo(new Date()),
    date: new Date().toISOString(),
    durationSeconds: duration,
    warmupSeconds: options.warmupSeconds,
    windowSeconds: options.windowSeconds,
    targetRateEntriesPerSec: options.rate,
    achievedRateEntriesPerSec: round(achieved, 1),
    batchEntries: options.batch,
    workers: options.workers,
    stackEnv: STACK_ENV,
    entries: ids.length,
    rssMb: rss.map((p) => ({ tSeconds: p.tSeconds, mb: p.value })),
    hardhatRssMb: hardhatRss.map((p) => ({ tSeconds: p.tSeconds, mb: p.value })),
    dynamoDbRssMb: dynamoDbRss.map((p) => ({ tSeconds: p.tSeconds, mb: p.value })),
    latencyMs: {
      submit: latencyWindows(submitMs, options.windowSeconds),
      proofGet: latencyWindows(proofMs, options.windowSeconds),
    },
    proofGetNotReady: proofNotReady,
    criteria,
    secondsToAllFinal:
      allFinal.secondsToAllFinal === undefined ? null : round(allFinal.secondsToAllFinal, 1),
    wallSeconds: round((performance.now() - wallStart) / 1000, 1),
  };
  await writeFile(options.out, `${JSON.stringify(results, null, 2)}\n`);
  for (const criterion of criteria) {
    const verdict = criterion.skipped === true ? "SKIP" : criterion.pass ? "PASS" : "FAIL";
    console.log(`${verdict}  ${criterion.name}: ${criterion.detail}`);
  }
  console.log(`wrote ${options.out} (${results.wallSeconds} s wall)`);
  const failed = criteria.filter((criterion) => !criterion.pass);
  if (failed.length > 0) {
    console.error(`soak FAILED: ${failed.map((criterion) => criterion.name).join("; ")}`);
  }
  exitCode = failed.length === 0 ? 0 : 1;
} catch (error) {
  console.error(`soak FAILED: ${(error as Error).stack ?? String(error)}`);
  exitCode = 1;
} finally {
  await exit();
}
process.exit(exitCode);
