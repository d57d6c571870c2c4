/**
 * Ingest and integrate against request size (entries per POST /v1/entries), and the latency
 * distribution of a submit, on the local stack.
 *
 * - Ingest: `npm start`'s stack in its own process (1 s integrate interval, as deployed), driven
 *   by autocannon at SWEEP_CONNECTIONS for a fixed time per size, smallest size first (the
 *   backlog a size leaves is integrated while the next runs, as it would be in service).
 * - Integrate: an in-process stack whose integrate loop never fires on its own, in a fresh
 *   process (the functions read their configuration at import): a backlog of requests of each
 *   size is accepted, then one `integrateNow()` is timed. Smaller sizes get fewer entries (at
 *   most maxRequests requests), so the sweep stays short.
 * - Submit latency: one connection, one request at a time, on the idle process stack, so the
 *   times are the service's and not queueing in front of its one Node process.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type autocannon from "autocannon";
import { startLocalStack } from "../local/stack.ts";
import { ApiClient } from "../test/support/local/api-client.ts";
import { startStackProcess } from "../test/support/local/stack-process.ts";
import { runLoad } from "./autocannon-run.ts";
import { type BenchProfile, FULL, QUICK } from "./profile.ts";
import type { BatchPoint } from "./report/results.ts";
import { type Distribution, distribution } from "./stats.ts";

export const SWEEP_CONNECTIONS = 16;
/** Entries per size for the integrate sweep, and the most requests spent reaching them. */
const INTEGRATE_ENTRIES = { full: 20_000, quick: 2_000 } as const;
const INTEGRATE_MAX_REQUESTS = { full: 1_000, quick: 60 } as const;
const IN_FLIGHT = 8;

const entriesBody = (count: number) =>
  JSON.stringify({
    entries: Array.from({ length: count }, () => ({
      kind: "document",
      contentHash: randomBytes(32).toString("hex"),
    })),
  });

/** autocannon, failing on any non-2xx answer, with every request's latency in ms. */
async function loadWithLatencies(
  options: autocannon.Options,
): Promise<{ result: autocannon.Result; latenciesMs: number[] }> {
  const latenciesMs: number[] = [];
  const result = await runLoad(options, (ms) => latenciesMs.push(ms));
  return { result, latenciesMs };
}

export interface IngestSweep {
  readonly ingest: { batchSize: number; entriesPerSec: number; requestsPerSec: number }[];
  readonly latency: Record<string, Distribution>;
}

export async function measureIngestByBatch(profile: BenchProfile): Promise<IngestSweep> {
  const dataDir = await mkdtemp(join(tmpdir(), "stele-bench-sweep-"));
  // No throttling: the sweep measures the service, not the dev stage's rate limit.
  const stack = await startStackProcess({ STELE_DATA_DIR: dataDir, STELE_RATE_LIMIT_PER_SEC: "0" });
  try {
    const url = `${stack.url}/v1/entries`;
    const headers = { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" };
    const latency: Record<string, Distribution> = {};
    // Warm up: the ledger is registered and the code paths compiled before anything is timed.
    await loadWithLatencies({ url, method: "POST", headers, body: entriesBody(10), amount: 50 });
    for (const size of [1, 100]) {
      const { latenciesMs } = await loadWithLatencies({
        url,
        method: "POST",
        headers,
        body: entriesBody(size),
        connections: 1,
        amount: profile.sweep.latencyRequests,
      });
      latency[`submit.batch${size}`] = distribution(
        `POST /v1/entries, ${size} ${size === 1 ? "entry" : "entries"} per request, 1 connection`,
        latenciesMs,
      );
    }
    const ingest: IngestSweep["ingest"] = [];
    for (const size of profile.sweep.batchSizes) {
      const { result } = await loadWithLatencies({
        url,
        method: "POST",
        headers,
        body: entriesBody(size),
        connections: SWEEP_CONNECTIONS,
        duration: profile.sweep.seconds,
      });
      const requestsPerSec = result.requests.total / result.duration;
      ingest.push({
        batchSize: size,
        requestsPerSec: Math.round(requestsPerSec),
        entriesPerSec: Math.round(requestsPerSec * size),
      });
    }
    return { ingest, latency };
  } finally {
    // The backlog of the last size is of no interest: no clean drain, just stop.
    await stack.kill();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Integrate entries/s for backlogs of requests of each size, in this process. */
export async function measureIntegrateByBatch(
  profile: BenchProfile,
): Promise<{ batchSize: number; entries: number; entriesPerSec: number }[]> {
  const dataDir = await mkdtemp(join(tmpdir(), "stele-bench-integrate-"));
  const stack = await startLocalStack({
    dataDir,
    port: 0,
    integrateIntervalMs: 3_600_000,
    originPrefix: "stele.bench",
    log: () => undefined,
    page: false,
  });
  try {
    const api = new ApiClient(stack.url, stack.apiKey);
    const post = async (size: number) => {
      const answer = await api.request("POST", "/v1/entries", { body: entriesBody(size) });
      if (answer.status !== 202) throw new Error(`accept answered ${answer.status}`);
    };
    // Warm up: registration, compilation, a first integrate.
    for (let i = 0; i < 5; i++) await post(10);
    await stack.integrateNow();
    const points = [];
    for (const size of profile.sweep.batchSizes) {
      const requests = Math.max(
        1,
        Math.min(INTEGRATE_MAX_REQUESTS[profile.name], INTEGRATE_ENTRIES[profile.name] / size),
      );
      let sent = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (sent < requests) {
            sent++;
            await post(size);
          }
        }),
      );
      const started = performance.now();
      await stack.integrateNow();
      const seconds = (performance.now() - started) / 1000;
      const entries = requests * size;
      points.push({ batchSize: size, entries, entriesPerSec: Math.round(entries / seconds) });
    }
    return points;
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** measureIntegrateByBatch in a process of its own (its in-process stack must be the first). */
export async function measureIntegrateByBatchInFreshProcess(
  profile: BenchProfile,
): Promise<Awaited<ReturnType<typeof measureIntegrateByBatch>>> {
  const script = fileURLToPath(import.meta.url);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", script, profile.name],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "[]");
}

/** Both sweeps as the report's series, plus their figures under `sweep.*`. */
export async function measureBatchSweep(profile: BenchProfile): Promise<{
  figures: Record<string, number>;
  points: BatchPoint[];
  latency: Record<string, Distribution>;
}> {
  const { ingest, latency } = await measureIngestByBatch(profile);
  const integrate = await measureIntegrateByBatchInFreshProcess(profile);
  const figures: Record<string, number> = {};
  const points: BatchPoint[] = ingest.map((point) => {
    const integrated = integrate.find((i) => i.batchSize === point.batchSize);
    const integrateEntriesPerSec = integrated?.entriesPerSec ?? Number.NaN;
    const integrateBacklogEntries = integrated?.entries ?? Number.NaN;
    figures[`sweep.batch${point.batchSize}.ingestEntriesPerSec`] = point.entriesPerSec;
    figures[`sweep.batch${point.batchSize}.ingestRequestsPerSec`] = point.requestsPerSec;
    figures[`sweep.batch${point.batchSize}.integrateEntriesPerSec`] = integrateEntriesPerSec;
    figures[`sweep.batch${point.batchSize}.integrateBacklogEntries`] = integrateBacklogEntries;
    return {
      batchSize: point.batchSize,
      connections: SWEEP_CONNECTIONS,
      ingestEntriesPerSec: point.entriesPerSec,
      ingestRequestsPerSec: point.requestsPerSec,
      integrateEntriesPerSec,
      integrateBacklogEntries,
    };
  });
  for (const [name, d] of Object.entries(latency)) {
    figures[`latency.${name}.p50Ms`] = d.p50Ms;
    figures[`latency.${name}.p90Ms`] = d.p90Ms;
    figures[`latency.${name}.p99Ms`] = d.p99Ms;
    figures[`latency.${name}.maxMs`] = d.maxMs;
  }
  return { figures, points, latency };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const profile = process.argv[2] === "quick" ? QUICK : FULL;
  process.stdout.write(`${JSON.stringify(await measureIntegrateByBatch(profile))}\n`);
}
