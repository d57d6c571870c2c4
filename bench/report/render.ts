/**
 * BENCHMARKS.md and its SVG charts from a results file, without measuring anything:
 *
 *   node --import tsx bench/report/render.ts [bench/results.json]
 *
 * bench/results.json renders to BENCHMARKS.md and bench/charts/; bench/results-quick.json (a
 * `--quick` run) to BENCHMARKS-quick.md and bench/charts-quick/, so a quick run never replaces
 * the committed report. bench/soak-results.json, when present, adds a "Soak" section.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Chart,
  gasCostChart,
  latencyChart,
  machineLine,
  peersChart,
  renderSvg,
  soakCharts,
  throughputChart,
  timeToChart,
} from "./charts.ts";
import { type ChartLink, renderMarkdown } from "./markdown.ts";
import type { BenchResults, SoakResults } from "./results.ts";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface ReportPaths {
  readonly markdown: string;
  readonly chartsDir: string;
}

/** Where the report of `resultsPath` goes: the quick run's files never replace the full run's. */
export function reportPathsFor(resultsPath: string): ReportPaths {
  const quick = basename(resultsPath).includes("quick");
  return {
    markdown: join(PROJECT_ROOT, quick ? "BENCHMARKS-quick.md" : "BENCHMARKS.md"),
    chartsDir: join(PROJECT_ROOT, "bench", quick ? "charts-quick" : "charts"),
  };
}

/** The charts `results` has data for, keyed as renderMarkdown places them. */
export function chartsOf(results: BenchResults): Record<string, Chart> {
  const machine = machineLine(results.machine);
  const series = results.series ?? {};
  const charts: Record<string, Chart> = {};
  if (series.throughputByBatch && series.throughputByBatch.length > 0)
    charts.throughput = throughputChart(series.throughputByBatch, machine);
  const submit = Object.entries(series.latency ?? {})
    .filter(([name]) => name.startsWith("submit"))
    .map(([, d]) => d);
  if (submit.length > 0)
    charts.submit = latencyChart(
      "latency-submit.svg",
      "Latency of POST /v1/entries",
      submit,
      machine,
    );
  const proof = series.latency?.["proof.get"];
  if (proof)
    charts.proof = latencyChart(
      "latency-proof-get.svg",
      "Latency of GET /v1/entries/{id}/proof",
      [proof],
      machine,
    );
  if (series.timeTo) charts.timeTo = timeToChart(series.timeTo, machine);
  if (series.gasCost) charts.gasCost = gasCostChart(series.gasCost, machine);
  if (series.peers && series.peers.length > 0) charts.peers = peersChart(series.peers, machine);
  return charts;
}

export interface RenderedReport {
  readonly markdown: string;
  /** Chart files written, absolute paths. */
  readonly chartFiles: readonly string[];
}

/** Writes the markdown and every chart `results` (and `soak`) has data for. */
export async function renderReport(
  results: BenchResults,
  paths: ReportPaths,
  soak?: SoakResults,
): Promise<RenderedReport> {
  await mkdir(paths.chartsDir, { recursive: true });
  const chartFiles: string[] = [];
  const href = (chart: Chart) =>
    relative(dirname(paths.markdown), join(paths.chartsDir, chart.file)).split("\\").join("/");
  const write = async (chart: Chart): Promise<ChartLink> => {
    const file = join(paths.chartsDir, chart.file);
    await writeFile(file, await renderSvg(chart));
    chartFiles.push(file);
    return { title: chart.title, href: href(chart) };
  };
  const links: Record<string, ChartLink> = {};
  for (const [key, chart] of Object.entries(chartsOf(results))) links[key] = await write(chart);
  let soakSection: Parameters<typeof renderMarkdown>[2];
  if (soak !== undefined) {
    const machine = machineLine(soak.machine ?? {}, soak.date ?? soak.machine?.date);
    const charts: ChartLink[] = [];
    for (const chart of soakCharts(soak, machine)) charts.push(await write(chart));
    soakSection = { results: soak, machine, charts };
  }
  const markdown = renderMarkdown(results, links, soakSection);
  await writeFile(paths.markdown, markdown);
  return { markdown, chartFiles };
}

/** bench/soak-results.json, or undefined when no soak has been run. */
export async function readSoak(
  path = join(PROJECT_ROOT, "bench", "soak-results.json"),
): Promise<SoakResults | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as SoakResults;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const resultsPath = resolve(process.argv[2] ?? join(PROJECT_ROOT, "bench", "results.json"));
  const results = JSON.parse(await readFile(resultsPath, "utf8")) as BenchResults;
  const paths = reportPathsFor(resultsPath);
  const { chartFiles } = await renderReport(results, paths, await readSoak());
  process.stdout.write(
    `wrote ${relative(PROJECT_ROOT, paths.markdown)} and ${chartFiles.length} charts in ${relative(PROJECT_ROOT, paths.chartsDir)}/\n`,
  );
}
