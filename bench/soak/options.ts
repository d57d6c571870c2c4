/** `npm run soak` command-line options. */
import { parseArgs } from "node:util";

/**
 * Default target: 500 entries/s. The log integrates a backlog at ~3,500 entries/s
 * (`integrate.entriesPerSec`) and accepts ~20,000 entries/s in batches of 100
 * (`ingest.entriesPerSec`), each measured alone; in the soak one 2-core machine runs the
 * stack (accept, integrate, anchor, proof reads, dynalite) and its hardhat chain and this
 * driver at once, and is shared. A seventh of the integrate rate keeps integrate far below
 * saturation, so a trend in memory or latency is a leak, not a backlog building up.
 */
export const DEFAULT_RATE = 500;

export interface SoakOptions {
  readonly seconds: number;
  readonly rate: number;
  /** Entries per POST /v1/entries. */
  readonly batch: number;
  /** Requests in flight at most. */
  readonly workers: number;
  readonly warmupSeconds: number;
  readonly windowSeconds: number;
  /** Proof GETs per second (one at a time). */
  readonly proofRate: number;
  /** Bundles verified against the chain at the end. */
  readonly verifySample: number;
  readonly finalTimeoutSeconds: number;
  readonly out: string;
}

export const USAGE = `usage: node --import tsx bench/soak.ts [--seconds 600] [--rate ${DEFAULT_RATE}] [--batch 50]
  [--workers 4] [--warmup <s, default min(20% of seconds, 60)>] [--window 10] [--proof-rate 5]
  [--verify-sample 50] [--final-timeout 180] [--out bench/soak-results.json]`;

export function parseSoakOptions(argv: readonly string[], defaultOut: string): SoakOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seconds: { type: "string" },
      rate: { type: "string" },
      batch: { type: "string" },
      workers: { type: "string" },
      warmup: { type: "string" },
      window: { type: "string" },
      "proof-rate": { type: "string" },
      "verify-sample": { type: "string" },
      "final-timeout": { type: "string" },
      out: { type: "string" },
    },
    strict: true,
  });
  const number = (name: string, raw: string | undefined, fallback: number, min: number) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) {
      throw new Error(`--${name} ${raw}: want a number ≥ ${min}\n${USAGE}`);
    }
    return value;
  };
  const seconds = number("seconds", values.seconds, 600, 10);
  const rate = number("rate", values.rate, DEFAULT_RATE, 1);
  const batch = Math.round(number("batch", values.batch, Math.min(50, Math.ceil(rate)), 1));
  if (batch > 1000) throw new Error(`--batch ${batch}: at most 1000 entries per request`);
  return {
    seconds,
    rate,
    batch,
    workers: Math.round(number("workers", values.workers, 4, 1)),
    warmupSeconds: number("warmup", values.warmup, Math.min(0.2 * seconds, 60), 0),
    windowSeconds: number("window", values.window, 10, 1),
    proofRate: number("proof-rate", values["proof-rate"], 5, 0.1),
    verifySample: Math.round(number("verify-sample", values["verify-sample"], 50, 1)),
    finalTimeoutSeconds: number("final-timeout", values["final-timeout"], 180, 1),
    out: values.out ?? defaultOut,
  };
}
