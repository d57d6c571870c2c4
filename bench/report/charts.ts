/**
 * The report's charts: Vega-Lite specs rendered to SVG headless by Vega (`View.toSVG()`, no
 * canvas and no native code: text widths are estimated, which is fine for axis labels).
 * Every chart has titled axes with units and names the machine and date in its subtitle.
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { MachineInfo } from "../machine.ts";
import type { Distribution } from "../stats.ts";
import type {
  BatchPoint,
  GasCostSeries,
  PeerComparison,
  SoakLatencyWindow,
  SoakResults,
} from "./results.ts";

export interface Chart {
  /** File name under the charts folder, e.g. "throughput-by-batch.svg". */
  readonly file: string;
  /** What the chart shows, for the markdown image's alt text. */
  readonly title: string;
  readonly spec: TopLevelSpec;
}

const WIDTH = 560;
const HEIGHT = 260;
const FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";
const CONFIG = {
  font: FONT,
  title: { fontSize: 15, subtitleFontSize: 11, subtitleColor: "#555", anchor: "start" },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: "#e6e6e6" },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: "bottom", labelLimit: 400 },
  view: { stroke: "#ccc" },
} as const;

/** "AMD EPYC, 2 cores, 24 GiB, Node v20.20.2 · 2026-11-24 10:35 UTC": every chart says where. */
export function machineLine(machine: Partial<MachineInfo>, date?: string): string {
  const when = (date ?? machine.date ?? "").replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC");
  return `${machine.cpu ?? "unknown CPU"}, ${machine.cores ?? "?"} cores, ${machine.memoryGiB ?? "?"} GiB, Node ${machine.node ?? "?"} · ${when}`;
}

const title = (text: string, machine: string) => ({ text, subtitle: machine });

export function throughputChart(points: readonly BatchPoint[], machine: string): Chart {
  const values = points.flatMap((p) => [
    {
      batch: p.batchSize,
      series: `ingest (POST, ${p.connections} connections)`,
      rate: p.ingestEntriesPerSec,
    },
    {
      batch: p.batchSize,
      series: "integrate (one run over a backlog)",
      rate: p.integrateEntriesPerSec,
    },
  ]);
  return {
    file: "throughput-by-batch.svg",
    title: "Throughput against batch size",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      config: CONFIG,
      title: title("Throughput against batch size (entries per request)", machine),
      width: WIDTH,
      height: HEIGHT,
      data: { values: values.filter((v) => Number.isFinite(v.rate) && v.rate > 0) },
      layer: [
        {
          mark: { type: "line", point: { size: 60 } },
          encoding: {
            x: {
              field: "batch",
              type: "quantitative",
              scale: { type: "log" },
              axis: { values: points.map((p) => p.batchSize), format: "~s" },
              title: "entries per request (log scale)",
            },
            y: {
              field: "rate",
              type: "quantitative",
              scale: { type: "log" },
              axis: { format: "~s" },
              title: "entries per second (log scale)",
            },
            color: {
              field: "series",
              type: "nominal",
              title: null,
              legend: { orient: "bottom", direction: "vertical" },
            },
          },
        },
        {
          mark: { type: "text", dy: -10, fontSize: 10, color: "#333" },
          encoding: {
            x: { field: "batch", type: "quantitative" },
            y: { field: "rate", type: "quantitative" },
            text: { field: "rate", type: "quantitative", format: ",.0f" },
          },
        },
      ],
    },
  };
}

/** Histograms of latency distributions, one panel per distribution, percentiles in its title. */
export function latencyChart(
  file: string,
  heading: string,
  distributions: readonly Distribution[],
  machine: string,
): Chart {
  const values = distributions.flatMap((d) => {
    const panel = `${d.label} — p50 ${d.p50Ms} · p90 ${d.p90Ms} · p99 ${d.p99Ms} · max ${d.maxMs} ms (${d.samples} requests)`;
    return d.histogram.map((bin) => ({ panel, from: bin.fromMs, to: bin.toMs, count: bin.count }));
  });
  const marks = distributions.flatMap((d) => {
    const panel = `${d.label} — p50 ${d.p50Ms} · p90 ${d.p90Ms} · p99 ${d.p99Ms} · max ${d.maxMs} ms (${d.samples} requests)`;
    return [
      { panel, at: d.p50Ms, name: "p50" },
      { panel, at: d.p90Ms, name: "p90" },
      { panel, at: d.p99Ms, name: "p99" },
    ];
  });
  return {
    file,
    title: heading,
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      config: CONFIG,
      title: title(heading, machine),
      facet: {
        row: {
          field: "panel",
          type: "nominal",
          title: null,
          header: {
            labelAngle: 0,
            labelAlign: "left",
            labelAnchor: "start",
            labelOrient: "top",
            labelFontSize: 11,
            labelLimit: 0,
            labelExpr: "split(datum.value, ' — ')",
          },
        },
      },
      resolve: { scale: { x: "independent", y: "independent" } },
      data: {
        values: [
          ...values.map((v) => ({ ...v, kind: "bin" })),
          ...marks.map((m) => ({ ...m, kind: "mark" })),
        ],
      },
      spec: {
        width: WIDTH,
        height: 140,
        layer: [
          {
            transform: [{ filter: "datum.kind === 'bin'" }],
            mark: {
              type: "bar",
              orient: "vertical",
              color: "#4c78a8",
              stroke: "white",
              strokeWidth: 0.5,
            },
            encoding: {
              x: {
                field: "from",
                type: "quantitative",
                title: "latency (ms)",
                scale: { domainMin: 0 },
              },
              x2: { field: "to" },
              y: { field: "count", type: "quantitative", title: "requests", scale: { zero: true } },
              y2: { datum: 0 },
            },
          },
          {
            transform: [{ filter: "datum.kind === 'mark'" }],
            mark: { type: "rule", color: "#e45756", strokeDash: [4, 3] },
            encoding: { x: { field: "at", type: "quantitative" } },
          },
          {
            transform: [{ filter: "datum.kind === 'mark'" }],
            mark: {
              type: "text",
              color: "#e45756",
              align: "left",
              dx: 3,
              baseline: "top",
              y: 2,
              fontSize: 10,
            },
            encoding: { x: { field: "at", type: "quantitative" }, text: { field: "name" } },
          },
        ],
      },
    } as TopLevelSpec,
  };
}

/** Each entry's time from acceptance to signed, anchored and final, with the medians. */
export function timeToChart(
  timeTo: Readonly<Record<"signed" | "anchored" | "final", Distribution>>,
  machine: string,
): Chart {
  const stages = [
    ["signed", "signed checkpoint"],
    ["anchored", "anchor in a block"],
    ["final", "final (confirmations)"],
  ] as const;
  const points = stages.flatMap(([key, name]) =>
    (timeTo[key].samplesMs ?? [timeTo[key].p50Ms, timeTo[key].maxMs]).map((ms) => ({
      stage: name,
      seconds: ms / 1000,
      kind: "entry",
    })),
  );
  const medians = stages.map(([key, name]) => ({
    stage: name,
    seconds: timeTo[key].p50Ms / 1000,
    label: `p50 ${(timeTo[key].p50Ms / 1000).toFixed(1)} s · max ${(timeTo[key].maxMs / 1000).toFixed(1)} s`,
  }));
  return {
    file: "time-to-final.svg",
    title: "Time from acceptance to signed, anchored and final",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      config: CONFIG,
      title: title(
        "Time from acceptance to signed, anchored and final (each dot an entry)",
        machine,
      ),
      width: WIDTH,
      height: 150,
      layer: [
        {
          data: { values: points },
          mark: { type: "point", filled: true, size: 70, opacity: 0.7 },
          encoding: {
            x: {
              field: "seconds",
              type: "quantitative",
              title: "seconds after POST /v1/entries answered",
            },
            y: {
              field: "stage",
              type: "nominal",
              sort: stages.map(([, n]) => n),
              title: null,
              axis: { labelLimit: 300 },
            },
            color: { field: "stage", type: "nominal", legend: null },
          },
        },
        {
          data: { values: medians },
          mark: { type: "tick", color: "black", thickness: 2, size: 26 },
          encoding: {
            x: { field: "seconds", type: "quantitative" },
            y: { field: "stage", type: "nominal", sort: stages.map(([, n]) => n) },
          },
        },
        {
          data: { values: medians },
          mark: { type: "text", align: "left", dy: -16, fontSize: 10 },
          encoding: {
            x: { field: "seconds", type: "quantitative" },
            y: { field: "stage", type: "nominal", sort: stages.map(([, n]) => n) },
            text: { field: "label" },
          },
        },
      ],
    },
  };
}

const AWS_LABEL = "AWS, gas excluded (measured)";
const gasLabel = (perAnchor: string, intervalSeconds: number) =>
  `gas, ${Number(perAnchor).toLocaleString("en-US")} entries per anchor (${(Number(perAnchor) / intervalSeconds).toLocaleString("en-US")} entries/s)`;

export function gasCostChart(series: GasCostSeries, machine: string): Chart {
  const values = series.points.flatMap((point) => [
    ...Object.entries(point.gasUsdPerMillion).map(([perAnchor, usd]) => ({
      gwei: point.gwei,
      usd,
      series: gasLabel(perAnchor, series.anchorIntervalSeconds),
    })),
    { gwei: point.gwei, usd: series.awsUsdPerMillion, series: AWS_LABEL },
  ]);
  const order = [
    ...Object.keys(series.assumptions).map((k) => gasLabel(k, series.anchorIntervalSeconds)),
    AWS_LABEL,
  ];
  return {
    file: "cost-vs-gas-price.svg",
    title: "Cost per million entries against gas price",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      config: { ...CONFIG, legend: { ...CONFIG.legend, direction: "vertical" } },
      title: title(
        `USD per million entries against gas price (${series.gasPerAnchor.toLocaleString("en-US")} gas per anchor, $${series.usdPerEth.toLocaleString("en-US")}/ETH)`,
        machine,
      ),
      width: WIDTH,
      height: HEIGHT,
      data: { values },
      mark: { type: "line", point: true },
      encoding: {
        x: {
          field: "gwei",
          type: "quantitative",
          scale: { type: "log" },
          axis: { values: series.points.map((p) => p.gwei) },
          title: "gas price (gwei, log scale)",
        },
        y: {
          field: "usd",
          type: "quantitative",
          scale: { type: "log" },
          axis: { format: "$~g" },
          title: "USD per million entries (log scale)",
        },
        color: { field: "series", type: "nominal", title: null, sort: order },
        strokeDash: {
          condition: { test: "indexof(datum.series, 'AWS') === 0", value: [5, 4] },
          value: [1, 0],
        },
      },
    } as TopLevelSpec,
  };
}

export function peersChart(comparisons: readonly PeerComparison[], machine: string): Chart {
  const values = comparisons.map((c) => ({
    row: `${c.operation}: ours vs ${c.peer}`,
    ratio: c.ratio,
    label: `${c.ratio}×`,
  }));
  return {
    file: "peers.svg",
    title: "Ours against peers (ratio of operations per second)",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      config: CONFIG,
      title: title(
        `Ours ÷ peer, operations per second, ${comparisons[0]?.leaves.toLocaleString("en-US") ?? "?"} leaves (above 1: ours faster)`,
        machine,
      ),
      width: WIDTH - 120,
      height: { step: 26 },
      data: { values },
      layer: [
        {
          mark: { type: "bar", color: "#4c78a8" },
          encoding: {
            y: {
              field: "row",
              type: "nominal",
              sort: null,
              title: null,
              axis: { labelLimit: 400 },
            },
            x: {
              field: "ratio",
              type: "quantitative",
              scale: { type: "log" },
              title: "ours ÷ peer (log scale; bars start at 1, right of it ours is faster)",
            },
            x2: { datum: 1 },
          },
        },
        {
          mark: { type: "text", align: "left", dx: 4, fontSize: 11 },
          encoding: {
            y: { field: "row", type: "nominal", sort: null },
            x: { field: "ratio", type: "quantitative" },
            text: { field: "label" },
          },
        },
        {
          data: { values: [{ one: 1 }] },
          mark: { type: "rule", color: "#e45756", strokeDash: [4, 3] },
          encoding: { x: { field: "one", type: "quantitative" } },
        },
      ],
    } as TopLevelSpec,
  };
}

export function soakCharts(soak: SoakResults, machine: string): Chart[] {
  const charts: Chart[] = [];
  const rss = [
    ...(soak.rssMb ?? []).map((p) => ({ ...p, series: "the stack (npm start)" })),
    ...(soak.hardhatRssMb ?? []).map((p) => ({ ...p, series: "its hardhat chain" })),
    ...(soak.dynamoDbRssMb ?? []).map((p) => ({ ...p, series: "its DynamoDB (dynalite)" })),
  ];
  const latency = Array.isArray(soak.latencyMs)
    ? { requests: soak.latencyMs as readonly SoakLatencyWindow[] }
    : ((soak.latencyMs ?? {}) as Readonly<Record<string, readonly SoakLatencyWindow[]>>);
  const latencyPoints = Object.entries(latency).flatMap(([kind, windows]) =>
    windows.flatMap((p) => [
      { minutes: p.tSeconds / 60, ms: p.p50, series: `${kind} p50` },
      { minutes: p.tSeconds / 60, ms: p.p99, series: `${kind} p99` },
    ]),
  );
  if (rss.length > 0) {
    charts.push({
      file: "soak-rss.svg",
      title: "Soak: resident memory over time",
      spec: {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        config: CONFIG,
        title: title("Soak: resident set size of the stack over time", machine),
        width: WIDTH,
        height: HEIGHT,
        data: {
          values: rss.map((p) => ({ minutes: p.tSeconds / 60, mb: p.mb, series: p.series })),
        },
        mark: { type: "line" },
        encoding: {
          x: { field: "minutes", type: "quantitative", title: "time into the soak (minutes)" },
          // Log: the embedded DynamoDB's RSS grows with its data to gigabytes, and the stack's
          // ~170 MB (the criterion) would be a flat line at the bottom on a linear axis.
          y: {
            field: "mb",
            type: "quantitative",
            title: "RSS (MB, log scale)",
            scale: { type: "log" },
          },
          color: { field: "series", type: "nominal", title: null },
        },
      },
    });
  }
  if (latencyPoints.length > 0) {
    charts.push({
      file: "soak-latency.svg",
      title: "Soak: latency over time",
      spec: {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        config: CONFIG,
        title: title("Soak: request latency over time", machine),
        width: WIDTH,
        height: HEIGHT,
        data: { values: latencyPoints },
        mark: { type: "line" },
        encoding: {
          x: { field: "minutes", type: "quantitative", title: "time into the soak (minutes)" },
          y: { field: "ms", type: "quantitative", title: "latency (ms, per window)" },
          color: { field: "series", type: "nominal", title: null },
        },
      },
    });
  }
  return charts;
}

/** The chart as an SVG document. */
export async function renderSvg(chart: Chart): Promise<string> {
  const view = new vega.View(vega.parse(compile(chart.spec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
  } finally {
    view.finalize();
  }
}
