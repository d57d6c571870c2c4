/** The shape of bench/results.json (and results-quick.json): what the report renders from. */
import type { MachineInfo } from "../machine.ts";
import type { Distribution } from "../stats.ts";

/** Ingest and integrate at one request size (entries per POST /v1/entries). */
export interface BatchPoint {
  readonly batchSize: number;
  readonly connections: number;
  readonly ingestEntriesPerSec: number;
  readonly ingestRequestsPerSec: number;
  readonly integrateEntriesPerSec: number;
  /** Entries in the backlog the integrate run was timed over (fewer for small requests). */
  readonly integrateBacklogEntries?: number;
}

/** USD per million entries at one gas price. */
export interface GasPricePoint {
  readonly gwei: number;
  /** Gas alone, for each anchoring assumption (key: entries per anchor). */
  readonly gasUsdPerMillion: Readonly<Record<string, number>>;
}

export interface GasCostSeries {
  readonly gasPerAnchor: number;
  readonly usdPerEth: number;
  /** At most one anchor per ledger this often (the deployed STELE_ANCHOR_INTERVAL_MS). */
  readonly anchorIntervalSeconds: number;
  /** AWS without gas (aws.usdPerMillionEntries), the same at every gas price. */
  readonly awsUsdPerMillion: number;
  /** Entries per anchor → what it stands for, e.g. "100 entries/s, one anchor per 10 s". */
  readonly assumptions: Readonly<Record<string, string>>;
  readonly points: readonly GasPricePoint[];
}

/** One operation timed for ours and a peer, in operations per second. */
export interface PeerComparison {
  readonly peer: string;
  /** What the peer is and why it is comparable (hash, tree shape). */
  readonly note: string;
  readonly operation: "build" | "proof" | "verify";
  readonly leaves: number;
  readonly oursPerSec: number;
  readonly peerPerSec: number;
  /** oursPerSec / peerPerSec: above 1, ours is faster. */
  readonly ratio: number;
}

export interface BenchSeries {
  readonly throughputByBatch?: readonly BatchPoint[];
  /** Latency distributions by name (e.g. "submit.batch1", "proof.get"). */
  readonly latency?: Readonly<Record<string, Distribution>>;
  /** Time from acceptance to signed, anchored (in a block) and final, in ms. */
  readonly timeTo?: Readonly<Record<"signed" | "anchored" | "final", Distribution>>;
  readonly gasCost?: GasCostSeries;
  readonly peers?: readonly PeerComparison[];
}

export interface BenchResults {
  readonly machine: MachineInfo;
  readonly mode?: "full" | "quick";
  /** Wall-clock seconds the whole run took. */
  readonly runSeconds?: number;
  readonly figures: Readonly<Record<string, number>>;
  readonly usersTools?: Readonly<Record<string, number>>;
  readonly series?: BenchSeries;
}

/** One window of a soak's latency: percentiles of the requests that started in it. */
export interface SoakLatencyWindow {
  readonly tSeconds: number;
  readonly count?: number;
  readonly p50: number;
  readonly p99: number;
}

export interface SoakRssPoint {
  readonly tSeconds: number;
  readonly mb: number;
}

/**
 * bench/soak-results.json, written by `npm run soak` (bench/soak.ts): rendered only when
 * present. Read loosely: numbers and strings become a table, `latencyMs` may be one series or
 * one per request kind (`{ submit: [...], proofGet: [...] }`), `criteria` a pass/fail table.
 */
export interface SoakResults {
  readonly machine?: Partial<MachineInfo>;
  readonly date?: string;
  readonly durationSeconds?: number;
  readonly rssMb?: readonly SoakRssPoint[];
  readonly hardhatRssMb?: readonly SoakRssPoint[];
  readonly dynamoDbRssMb?: readonly SoakRssPoint[];
  readonly latencyMs?:
    | readonly SoakLatencyWindow[]
    | Readonly<Record<string, readonly SoakLatencyWindow[]>>;
  readonly criteria?: readonly { name: string; pass: boolean; skipped?: true; detail: string }[];
  readonly [key: string]: unknown;
}
