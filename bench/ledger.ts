/**
 * The ledger service on the local stack (issue 3's figures): ingest and integrate throughput,
 * proof latency with ≥ 100k entries in the log, time to a signed bundle, and DynamoDB writes
 * per entry on the accept and integrate paths (counted where every call passes, not assumed).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalStack } from "../local/stack.ts";
import { ApiClient } from "../test/support/local/api-client.ts";
import { startStackProcess } from "../test/support/local/stack-process.ts";
import { runLoad } from "./autocannon-run.ts";
import { type BenchProfile, FULL } from "./profile.ts";
import { type Distribution, distribution } from "./stats.ts";

const hashes = (count: number) =>
  Array.from({ length: count }, () => ({
    kind: "document",
    contentHash: randomBytes(32).toString("hex"),
  }));

/** Write items per DynamoDB call, as billed: one per item a batch carries. */
function writeItems(operation: string, body: string): number {
  if (operation === "PutItem" || operation === "UpdateItem" || operation === "DeleteItem") return 1;
  if (operation !== "BatchWriteItem") return 0;
  const requests = (JSON.parse(body) as { RequestItems: Record<string, unknown[]> }).RequestItems;
  return Object.values(requests).reduce((sum, items) => sum + items.length, 0);
}

async function writesPerEntry(profile: BenchProfile): Promise<Record<string, number>> {
  const dataDir = await mkdtemp(join(tmpdir(), "stele-bench-writes-"));
  let writes = 0;
  const stack = await startLocalStack({
    dataDir,
    port: 0,
    integrateIntervalMs: 3_600_000,
    originPrefix: "stele.bench",
    log: () => undefined,
    dynamoDbObserver: (operation, body) => {
      writes += writeItems(operation, body);
    },
  });
  try {
    const api = new ApiClient(stack.url, stack.apiKey);
    // Warm up: the first request of a process registers the ledger (one write, once).
    await api.request("POST", "/v1/entries", { body: { entries: hashes(1) } });
    await stack.integrateNow();

    const { writeBatches, writeSingles } = profile.ledger;
    writes = 0;
    for (let i = 0; i < writeBatches; i++)
      await api.request("POST", "/v1/entries", { body: { entries: hashes(100) } });
    const batched = writes / (writeBatches * 100);
    writes = 0;
    for (let i = 0; i < writeSingles; i++)
      await api.request("POST", "/v1/entries", { body: { entries: hashes(1) } });
    const single = writes / writeSingles;
    writes = 0;
    await stack.integrateNow();
    const integrated = writes / (writeBatches * 100 + writeSingles);
    // Events of subjects (20 lots): each adds a link leaf, its event item and its lot's head.
    const events = (count: number) =>
      hashes(count).map((entry, i) => ({ ...entry, subject: `lot-${i % 20}`, eventType: "moved" }));
    for (let i = 0; i < writeBatches; i++)
      await api.request("POST", "/v1/entries", { body: { entries: events(100) } });
    writes = 0;
    await stack.integrateNow();
    const subjectEvents = writes / (writeBatches * 100);
    return {
      "ddb.writesPerEntry.accept.batch100": Number(batched.toFixed(4)),
      "ddb.writesPerEntry.accept.single": Number(single.toFixed(4)),
      "ddb.writesPerEntry.integrate": Number(integrated.toFixed(4)),
      "ddb.writesPerEntry.integrate.subjectEvent": Number(subjectEvents.toFixed(4)),
    };
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const load = runLoad;

interface Throughput {
  readonly figures: Record<string, number>;
  readonly proofLatency: Distribution;
}

async function throughput(profile: BenchProfile): Promise<Throughput> {
  const { singlesSeconds, batchesSeconds, proofSeconds, signedSamples } = profile.ledger;
  const dataDir = await mkdtemp(join(tmpdir(), "stele-bench-load-"));
  // Throughput of the stack itself, not of the dev stage's throttle (local/rate-limit.ts).
  const stack = await startStackProcess({ STELE_DATA_DIR: dataDir, STELE_RATE_LIMIT_PER_SEC: "0" });
  try {
    const api = new ApiClient(stack.url, stack.apiKey);
    const headers = { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" };
    const url = `${stack.url}/v1/entries`;

    // Single entries first, while nothing is being integrated: the stack is one Node process,
    // so a large integrate backlog would take CPU from the requests.
    const singles = await load({
      url,
      method: "POST",
      headers,
      body: JSON.stringify({ entries: hashes(1) }),
      connections: 16,
      duration: singlesSeconds,
    });
    await api.waitForProof(
      (
        await api.request<{ entries: { id: string }[] }>("POST", "/v1/entries", {
          body: { entries: hashes(1) },
        })
      ).body.entries[0]?.id ?? "",
      60_000,
    );
    const batches = await load({
      url,
      method: "POST",
      headers,
      body: JSON.stringify({ entries: hashes(100) }),
      connections: 16,
      duration: batchesSeconds,
    });
    const accepted = batches.requests.total * 100 + singles.requests.total + 1;

    // The backlog left by the load drains at the integrate rate.
    const sizeOf = async () =>
      (
        await api.request<{ treeSize: number }>("GET", "/v1/ledgers/default/checkpoint", {
          auth: false,
        })
      ).body?.treeSize ?? 0;
    const startSize = await sizeOf();
    const started = performance.now();
    let size = startSize;
    while (size < accepted) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      size = await sizeOf();
    }
    const integrateSeconds = (performance.now() - started) / 1000;

    // Proof latency with the whole log in place (≥ 100k entries).
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await api.request<{ entries: { id: string }[] }>("POST", "/v1/entries", {
        body: { entries: hashes(100) },
      });
      ids.push(...response.body.entries.map((entry) => entry.id));
    }
    await api.waitForProof(ids.at(-1) ?? "", 60_000);
    let next = 0;
    const proofLatenciesMs: number[] = [];
    const proofLoad = (connections: number, onLatencyMs?: (ms: number) => void) =>
      load(
        {
          url: stack.url,
          headers: { authorization: `Bearer ${stack.apiKey}` },
          connections,
          duration: proofSeconds,
          requests: [
            {
              method: "GET",
              setupRequest: (request) => ({
                ...request,
                path: `/v1/entries/${ids[next++ % ids.length]}/proof`,
              }),
            },
          ],
        },
        onLatencyMs,
      );
    // Latency is measured one request at a time; with many connections it is mostly queueing
    // in front of one Node process, which the throughput figure shows instead.
    const proofs = await proofLoad(1, (ms) => proofLatenciesMs.push(ms));
    const proofThroughput = await proofLoad(8);

    // Time from acceptance to a signed bundle, at the default 1 s integrate interval.
    const delays: number[] = [];
    for (let i = 0; i < signedSamples; i++) {
      const sent = performance.now();
      const response = await api.request<{ entries: { id: string }[] }>("POST", "/v1/entries", {
        body: { entries: hashes(1) },
      });
      const id = response.body.entries[0]?.id ?? "";
      for (;;) {
        if ((await api.request("GET", `/v1/entries/${id}/proof`)).status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      delays.push(performance.now() - sent);
    }
    delays.sort((a, b) => a - b);

    const figures = {
      "ingest.entriesPerSec": Math.round(batches.requests.average * 100),
      "ingest.requestsPerSec": Math.round(singles.requests.average),
      "integrate.entriesPerSec": Math.round((accepted - startSize) / integrateSeconds),
      "integrate.backlogEntries": accepted - startSize,
      "proof.logEntries": size + 1000,
      "proof.get.p50Ms": proofs.latency.p50,
      "proof.get.p99Ms": proofs.latency.p99,
      "proof.get.requestsPerSec": Math.round(proofThroughput.requests.average),
      "proof.get.p99MsAt8Connections": proofThroughput.latency.p99,
      "bundle.signedAfterMs.p50": Math.round(delays[Math.floor(delays.length / 2)] ?? 0),
      "bundle.signedAfterMs.max": Math.round(delays.at(-1) ?? 0),
    };
    const proofLatency = distribution(
      `GET /v1/entries/{id}/proof, ${(size + 1000).toLocaleString("en-US")} entries in the log, 1 connection`,
      proofLatenciesMs,
    );
    return { figures, proofLatency };
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export interface LedgerMeasurement {
  readonly figures: Record<string, number>;
  /** GET /v1/entries/{id}/proof, one connection, every request of the latency run. */
  readonly proofLatency: Distribution;
}

export async function measureLedger(profile: BenchProfile = FULL): Promise<LedgerMeasurement> {
  const writes = await writesPerEntry(profile);
  const { figures, proofLatency } = await throughput(profile);
  return { figures: { ...writes, ...figures }, proofLatency };
}
