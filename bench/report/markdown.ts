/** The report's text: every figure of results.json in tables, grouped as the issues name them. */
import type { Distribution } from "../stats.ts";
import type { BenchResults, SoakResults } from "./results.ts";

/** Figure groups by key prefix, in reading order; a key no group claims goes to "Other". */
export const FIGURE_GROUPS: readonly {
  title: string;
  prefixes: readonly string[];
  about: string;
}[] = [
  {
    title: "Hashing and the Merkle tree",
    prefixes: ["openssl.", "merkle."],
    about:
      "A tree of `merkle.build.leaves` leaf hashes built to tiles and root in a fresh process (best of the runs), against `openssl speed` measured in the same run; proofs built from tiles and verified in memory.",
  },
  {
    title: "Ledger service on the local stack",
    prefixes: ["ingest.", "integrate.", "proof.", "bundle.", "ddb."],
    about:
      "`npm start`'s stack driven by autocannon, in one Node process with dynalite on disk inside it (npm start runs dynalite apart) so that DynamoDB writes are counted where every call passes.",
  },
  {
    title: "Throughput against batch size",
    prefixes: ["sweep."],
    about:
      "Ingest: autocannon POSTing requests of each size for a fixed time, 16 connections. Integrate: one integrate run over a backlog of requests of that size, timed whole (in-process stack whose own loop is off), so its fixed cost per run (plan, tiles, signed checkpoint) weighs more on the smaller backlogs of small requests.",
  },
  {
    title: "Latency distributions",
    prefixes: ["latency."],
    about:
      "One connection, one request at a time on an otherwise idle stack: the service's time, not queueing. Nearest-rank percentiles of every request's time.",
  },
  {
    title: "Anchoring",
    prefixes: ["anchor."],
    about:
      "The local stack with hardhat (a block a second, 2 confirmations), entries submitted at phases spread over the anchor interval; gas from the receipts.",
  },
  {
    title: "AWS cost per million entries (gas excluded)",
    prefixes: ["aws."],
    about:
      "Capacity units counted call by call, requests and handler time, at us-east-1 on-demand prices; entries in batches of 100.",
  },
  {
    title: "Lambda bundles",
    prefixes: ["lambda."],
    about:
      "Each function bundled as the CDK stack deploys it; `initMs` is the import of the bundle in a fresh `node` (median).",
  },
  {
    title: "Peers",
    prefixes: ["peers."],
    about:
      "Our tree against Merkle trees from npm, on the same leaves in the same run (bench/peers.ts), as operations per second and ours ÷ peer. Before anything is timed, merkletreejs as configured and @sigstore/verify must agree with our roots and proofs and with Certificate Transparency's published reference roots. Ours makes a proof the way the service does, from stored tiles (asynchronous reads of 2–3 tiles and the hashes of partial tiles); the peers keep every node of the tree in memory, so proof making favours them by design.",
  },
];

const number = (value: number) =>
  Number.isFinite(value) ? value.toLocaleString("en-US", { maximumFractionDigits: 4 }) : "n/a";

function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly boolean[],
) {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (right[i] ? "---:" : "---")).join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}

function figureTable(figures: Readonly<Record<string, number>>, prefix = ""): string {
  return table(
    ["figure", "value"],
    Object.entries(figures).map(([name, value]) => [`\`${prefix}${name}\``, number(value)]),
    [false, true],
  );
}

/** The figures of each group, and the ones no group names under "Other". */
export function groupFigures(
  figures: Readonly<Record<string, number>>,
): { title: string; about: string; figures: Record<string, number> }[] {
  const claimed = new Set<string>();
  const groups = FIGURE_GROUPS.map((group) => {
    const own: Record<string, number> = {};
    for (const [name, value] of Object.entries(figures)) {
      if (group.prefixes.some((p) => name.startsWith(p))) {
        own[name] = value;
        claimed.add(name);
      }
    }
    return { title: group.title, about: group.about, figures: own };
  });
  const other = Object.fromEntries(Object.entries(figures).filter(([name]) => !claimed.has(name)));
  if (Object.keys(other).length > 0)
    groups.push({ title: "Other figures", about: "Figures of no group above.", figures: other });
  return groups.filter((g) => Object.keys(g.figures).length > 0);
}

export function distributionTable(distributions: Readonly<Record<string, Distribution>>): string {
  return table(
    ["what", "requests", "p50 ms", "p90 ms", "p99 ms", "max ms"],
    Object.values(distributions).map((d) => [
      d.label,
      String(d.samples),
      number(d.p50Ms),
      number(d.p90Ms),
      number(d.p99Ms),
      number(d.maxMs),
    ]),
    [false, true, true, true, true, true],
  );
}

export interface ChartLink {
  readonly title: string;
  readonly href: string;
}

const image = (chart: ChartLink | undefined) =>
  chart === undefined ? [] : [`![${chart.title}](${chart.href})`, ""];

export function renderMarkdown(
  results: BenchResults,
  charts: Readonly<Record<string, ChartLink>>,
  soakSection?: { results: SoakResults; machine: string; charts: readonly ChartLink[] },
): string {
  const { machine, series } = results;
  const out: string[] = [
    "# Benchmarks",
    "",
    "<!-- Written by bench/report/render.ts from the results file; do not edit by hand. -->",
    "",
    `Measured on **${machine.cpu}**, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, on **${machine.date}**` +
      `${results.mode === undefined ? "" : ` (${results.mode} run${results.runSeconds === undefined ? "" : `, ${Math.round(results.runSeconds)} s`})`}.`,
    "",
    results.mode === "quick"
      ? "> A `--quick` run: short runs and small sizes, to see that the bench works and for trends. Quote the full run (`npm run bench`, BENCHMARKS.md), not this one.\n"
      : "",
    "The machine is shared and noisy: runs minutes apart move a figure by 10–30%. Hashing is divided by openssl measured in the same run, and peers are measured in the same run as ours, because ratios carry from run to run where absolute rates do not. Every chart names the machine and date in its subtitle.",
    "",
  ];
  for (const group of groupFigures(results.figures)) {
    out.push(`## ${group.title}`, "", group.about, "", figureTable(group.figures), "");
    if (group.title === "Throughput against batch size" && series?.throughputByBatch) {
      out.push(
        table(
          [
            "entries per request",
            "ingest entries/s",
            "ingest requests/s",
            "integrate entries/s",
            "integrate backlog (entries)",
          ],
          series.throughputByBatch.map((p) => [
            number(p.batchSize),
            number(p.ingestEntriesPerSec),
            number(p.ingestRequestsPerSec),
            number(p.integrateEntriesPerSec),
            p.integrateBacklogEntries === undefined ? "" : number(p.integrateBacklogEntries),
          ]),
          [true, true, true, true, true],
        ),
        "",
        ...image(charts.throughput),
      );
    }
    if (group.title === "Latency distributions" && series?.latency) {
      out.push(
        distributionTable(series.latency),
        "",
        ...image(charts.submit),
        ...image(charts.proof),
      );
    }
    if (group.title === "Anchoring") {
      if (series?.timeTo) {
        out.push(
          "Time from acceptance (the POST answered) to each stage, for the same entries:",
          "",
          distributionTable(series.timeTo),
          "",
          ...image(charts.timeTo),
        );
      }
      if (series?.gasCost) {
        const g = series.gasCost;
        const keys = Object.keys(g.assumptions);
        out.push(
          "### Cost per million entries against gas price",
          "",
          `Gas per anchor ${number(g.gasPerAnchor)} (measured above), $${number(g.usdPerEth)} per ETH. One anchor covers every entry signed since the ledger's last anchor, at most one anchor per ledger per anchor interval, so at a steady rate an anchor covers rate × interval entries. AWS without gas: $${number(g.awsUsdPerMillion)} per million (measured, below), the same at every gas price.`,
          "",
          table(
            [
              "gas price (gwei)",
              ...keys.map((k) => `gas, ${g.assumptions[k]}`),
              "AWS, gas excluded",
            ],
            g.points.map((p) => [
              number(p.gwei),
              ...keys.map((k) => `$${number(p.gasUsdPerMillion[k] ?? Number.NaN)}`),
              `$${number(g.awsUsdPerMillion)}`,
            ]),
            [true, ...keys.map(() => true), true],
          ),
          "",
          ...image(charts.gasCost),
        );
      }
    }
    if (group.title === "Peers" && series?.peers) {
      out.push(
        table(
          ["operation", "peer", "leaves", "ours /s", "peer /s", "ours ÷ peer", "peer is"],
          series.peers.map((c) => [
            c.operation,
            c.peer,
            number(c.leaves),
            number(c.oursPerSec),
            number(c.peerPerSec),
            `${number(c.ratio)}×`,
            c.note,
          ]),
          [false, false, true, true, true, true, false],
        ),
        "",
        ...image(charts.peers),
      );
    }
  }
  if (results.usersTools && Object.keys(results.usersTools).length > 0) {
    out.push(
      "## Users' tools",
      "",
      "The verify page in headless Chromium (against WebCrypto and node:crypto on the same bytes), the real `stele` binary against a local stack, and the certificate route.",
      "",
      figureTable(results.usersTools, "usersTools."),
      "",
    );
  }
  if (soakSection !== undefined) {
    const soak = soakSection.results;
    const scalars = Object.entries(soak).filter(
      (entry): entry is [string, number | string] =>
        typeof entry[1] === "number" || typeof entry[1] === "string",
    );
    out.push(
      "## Soak",
      "",
      `From \`bench/soak-results.json\` (\`npm run soak\`), run on ${soakSection.machine}.`,
      "",
      table(
        ["figure", "value"],
        scalars.map(([name, value]) => [
          `\`${name}\``,
          typeof value === "number" ? number(value) : value,
        ]),
        [false, true],
      ),
      "",
      ...soakSection.charts.flatMap(image),
    );
    if (soak.criteria && soak.criteria.length > 0) {
      out.push(
        table(
          ["criterion", "verdict", "detail"],
          soak.criteria.map((c) => [
            c.name,
            c.skipped === true ? "SKIP" : c.pass ? "PASS" : "FAIL",
            c.detail,
          ]),
          [false, false, false],
        ),
        "",
      );
    }
  }
  return `${out
    .filter((line, i, all) => !(line === "" && all[i - 1] === ""))
    .join("\n")
    .trimEnd()}\n`;
}
