/**
 * The benchmark report (bench/report/render.ts) rendered from a small results object: what a
 * reader of BENCHMARKS.md sees, and that every chart is an SVG with its axes, series and labels.
 */
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gasCostSeries } from "../../bench/gas-cost.ts";
import { FIGURE_GROUPS } from "../../bench/report/markdown.ts";
import { type RenderedReport, renderReport } from "../../bench/report/render.ts";
import type { BenchResults, SoakResults } from "../../bench/report/results.ts";
import { distribution } from "../../bench/stats.ts";

const machine = {
  cpu: "Test CPU 9000",
  cores: 2,
  memoryGiB: 24,
  node: "v20.20.2",
  date: "2026-11-24T10:35:51.667Z",
};

const ramp = (count: number, from: number, step: number) =>
  Array.from({ length: count }, (_, i) => from + i * step);

const results: BenchResults = {
  machine,
  mode: "full",
  runSeconds: 255,
  figures: {
    "openssl.sha256_64B.hashesPerSec": 6378312,
    "merkle.build.ratioToOpenssl": 0.514,
    "ingest.entriesPerSec": 20070,
    "proof.get.p99Ms": 12,
    "sweep.batch1.ingestEntriesPerSec": 202,
    "latency.submit.batch1.p50Ms": 4.2,
    "anchor.gasPerAnchor": 26560,
    "aws.usdPerMillionEntries": 0.9257,
    "lambda.read-api.initMs": 207,
    "peers.verify.sigstore.ratio": 1.5,
    "mystery.figure": 42,
  },
  usersTools: { "verify.page.mibPerSec": 93.5 },
  series: {
    throughputByBatch: [1, 10, 100, 1000].map((batchSize) => ({
      batchSize,
      connections: 16,
      ingestEntriesPerSec: 200 * batchSize,
      ingestRequestsPerSec: 200,
      integrateEntriesPerSec: 3000 + batchSize,
    })),
    latency: {
      "submit.batch1": distribution("POST /v1/entries, 1 entry per request", ramp(100, 2, 0.1)),
      "submit.batch100": distribution(
        "POST /v1/entries, 100 entries per request",
        ramp(100, 8, 0.2),
      ),
      "proof.get": distribution("GET /v1/entries/{id}/proof", ramp(200, 1, 0.05)),
    },
    timeTo: {
      signed: distribution("accepted → signed", [900, 1000, 1100], 10),
      anchored: distribution("accepted → anchored", [3000, 5000, 9000], 10),
      final: distribution("accepted → final", [4000, 6000, 10000], 10),
    },
    gasCost: gasCostSeries(26560, 0.9257, 3000),
    peers: [
      {
        peer: "merkletreejs (RFC 6962)",
        note: "configured for RFC 6962",
        operation: "build",
        leaves: 16384,
        oursPerSec: 160,
        peerPerSec: 17.7,
        ratio: 9.04,
      },
      {
        peer: "@sigstore/verify",
        note: "verify only",
        operation: "verify",
        leaves: 16384,
        oursPerSec: 18530,
        peerPerSec: 12320,
        ratio: 1.5,
      },
    ],
  },
};

const soak: SoakResults = {
  machine: { cpu: "Soak CPU", cores: 2, memoryGiB: 24, node: "v20.20.2" },
  date: "2026-11-25T08:00:00.000Z",
  durationSeconds: 3600,
  achievedRateEntriesPerSec: 100,
  stackEnv: { STELE_ANCHOR_INTERVAL_MS: "5000" },
  rssMb: ramp(10, 0, 360).map((tSeconds, i) => ({ tSeconds, mb: 150 + i })),
  hardhatRssMb: ramp(10, 0, 360).map((tSeconds) => ({ tSeconds, mb: 300 })),
  latencyMs: {
    submit: ramp(10, 0, 360).map((tSeconds) => ({ tSeconds, count: 600, p50: 3, p99: 12 })),
    proofGet: ramp(10, 0, 360).map((tSeconds) => ({ tSeconds, count: 100, p50: 2, p99: 9 })),
  },
  criteria: [{ name: "RSS does not grow", pass: true, detail: "slope 0.1 MB/min" }],
};

const isSvg = (text: string) =>
  /^<\?xml[^>]*>\s*<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(text) &&
  text.trimEnd().endsWith("</svg>");
/** The words an SVG shows: its <text> contents (lines of <tspan>s too), entities decoded. */
const svgText = (svg: string) =>
  [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/gs)]
    .map((m) =>
      (m[1] ?? "")
        .replace(/<tspan[^>]*>/g, "\n")
        .replace(/<[^>]+>/g, "")
        .replace(/&amp;/g, "&")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">"),
    )
    .join("\n");

describe("benchmark report", () => {
  let dir: string;
  let report: RenderedReport;
  let charts: Map<string, string>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stele-bench-report-"));
    report = await renderReport(
      results,
      { markdown: join(dir, "BENCHMARKS.md"), chartsDir: join(dir, "bench", "charts") },
      soak,
    );
    charts = new Map();
    for (const file of await readdir(join(dir, "bench", "charts")))
      charts.set(file, await readFile(join(dir, "bench", "charts", file), "utf8"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("names the machine and date at the top", () => {
    const top = report.markdown.split("\n").slice(0, 8).join("\n");
    assert.match(top, /^# Benchmarks/);
    assert.match(top, /Test CPU 9000\*\*, 2 cores, 24 GiB, Node v20\.20\.2/);
    assert.match(top, /2026-11-24T10:35:51\.667Z/);
    assert.match(top, /full run, 255 s/);
  });

  it("has a section for every figure group, and every figure in a table", async () => {
    const written = await readFile(join(dir, "BENCHMARKS.md"), "utf8");
    assert.equal(written, report.markdown);
    const headings = written.split("\n").filter((line) => line.startsWith("## "));
    for (const group of FIGURE_GROUPS)
      assert.ok(headings.includes(`## ${group.title}`), group.title);
    assert.match(written, /^## Other figures$/m);
    assert.match(written, /^## Users' tools$/m);
    for (const name of Object.keys(results.figures))
      assert.ok(written.includes(`| \`${name}\` |`), `${name} is in a table`);
    assert.match(written, /\| `openssl\.sha256_64B\.hashesPerSec` \| 6,378,312 \|/);
    assert.match(written, /\| `usersTools\.verify\.page\.mibPerSec` \| 93\.5 \|/);
  });

  it("tabulates the series: batch sizes, percentiles, gas prices and peer ratios", () => {
    const md = report.markdown;
    assert.match(md, /\| 1,000 \| 200,000 \| 200 \| 4,000 \|/);
    assert.match(
      md,
      /\| POST \/v1\/entries, 1 entry per request \| 100 \| 6\.9 \| 10\.9 \| 11\.8 \| 11\.9 \|/,
    );
    assert.match(md, /\| GET \/v1\/entries\/\{id\}\/proof \| 200 \|/);
    assert.match(md, /\| accepted → final \| 3 \| 6,000 \| 10,000 \| 10,000 \| 10,000 \|/);
    // 26,560 gas × 10 gwei × $3,000/ETH per anchor, 1,000 anchors per million: $796.80.
    assert.match(md, /\| 10 \| \$796\.8 \| \$79\.68 \| \$7\.968 \| \$0\.9257 \|/);
    assert.match(md, /\| verify \| @sigstore\/verify \| 16,384 \| 18,530 \| 12,320 \| 1\.5× \|/);
  });

  it("links every chart, and renders the soak section when soak results exist", () => {
    const expected = [
      "throughput-by-batch.svg",
      "latency-submit.svg",
      "latency-proof-get.svg",
      "time-to-final.svg",
      "cost-vs-gas-price.svg",
      "peers.svg",
      "soak-rss.svg",
      "soak-latency.svg",
    ];
    assert.deepEqual([...charts.keys()].sort(), [...expected].sort());
    for (const file of expected)
      assert.ok(report.markdown.includes(`](bench/charts/${file})`), file);
    assert.match(report.markdown, /^## Soak$/m);
    assert.match(report.markdown, /\| `durationSeconds` \| 3,600 \|/);
    assert.match(report.markdown, /Soak CPU, 2 cores/);
    assert.match(report.markdown, /\| RSS does not grow \| PASS \| slope 0\.1 MB\/min \|/);
    assert.doesNotMatch(report.markdown, /stackEnv/);
  });

  it("draws every chart as SVG with its title, machine, date, axes and series", () => {
    const want: Record<string, string[]> = {
      "throughput-by-batch.svg": [
        "Throughput against batch size",
        "entries per request (log scale)",
        "entries per second (log scale)",
        "ingest (POST, 16 connections)",
        "integrate (one run over a backlog)",
      ],
      "latency-submit.svg": [
        "latency (ms)",
        "requests",
        "p50",
        "p99",
        "1 entry per request",
        "100 entries per request",
      ],
      "latency-proof-get.svg": ["GET /v1/entries/{id}/proof", "latency (ms)", "p90"],
      "time-to-final.svg": [
        "signed checkpoint",
        "anchor in a block",
        "final (confirmations)",
        "seconds after POST /v1/entries answered",
      ],
      "cost-vs-gas-price.svg": [
        "gas price (gwei, log scale)",
        "USD per million entries (log scale)",
        "AWS, gas excluded",
        "1,000 entries per anchor",
        "26,560 gas per anchor",
      ],
      "peers.svg": [
        "ours ÷ peer (log scale; bars start at 1",
        "build: ours vs merkletreejs (RFC 6962)",
        "verify: ours vs @sigstore/verify",
        "9.04×",
      ],
      "soak-rss.svg": [
        "RSS (MB, log scale)",
        "time into the soak (minutes)",
        "the stack (npm start)",
        "its hardhat chain",
      ],
      "soak-latency.svg": ["latency (ms, per window)", "submit p50", "submit p99", "proofGet p99"],
    };
    for (const [file, labels] of Object.entries(want)) {
      const svg = charts.get(file) ?? "";
      assert.ok(isSvg(svg), `${file} is an SVG document`);
      const text = svgText(svg);
      const where = file.startsWith("soak")
        ? "Soak CPU, 2 cores"
        : "Test CPU 9000, 2 cores, 24 GiB";
      assert.ok(text.includes(where), `${file} names the machine`);
      assert.ok(
        text.includes(file.startsWith("soak") ? "2026-11-25 08:00 UTC" : "2026-11-24 10:35 UTC"),
        `${file} has the date`,
      );
      for (const label of labels) assert.ok(text.includes(label), `${file} shows "${label}"`);
    }
  });
});
