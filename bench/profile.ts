/**
 * How long and how big each figure of `npm run bench` is measured. `--quick` keeps every figure
 * but with short runs and small sizes (about a minute and a half here), for CI and for checking
 * that the bench still works; its results go to their own files, so a quick run never replaces
 * the committed full results. Quick figures are for trends, not for quoting.
 */
import type { UsersToolsSizes } from "./users-tools.ts";
export interface BenchProfile {
  readonly name: "full" | "quick";
  /** Seconds `openssl speed` hashes for, before and after the builds. */
  readonly opensslSeconds: number;
  /** The tree build: 2^log2Leaves leaves, best of buildRuns fresh processes. */
  readonly log2Leaves: number;
  readonly buildRuns: number;
  /** Seconds each in-process proof rate (verify, build from tiles) runs for. */
  readonly proofRateSeconds: number;
  /** The ledger on the local stack (bench/ledger.ts). */
  readonly ledger: {
    readonly writeBatches: number;
    readonly writeSingles: number;
    readonly singlesSeconds: number;
    readonly batchesSeconds: number;
    readonly proofSeconds: number;
    readonly signedSamples: number;
  };
  /** Ingest and integrate against batch size, and submit latency (bench/batch-sweep.ts). */
  readonly sweep: {
    readonly batchSizes: readonly number[];
    readonly seconds: number;
    readonly latencyRequests: number;
  };
  /** Anchoring on the local stack (bench/anchoring.ts). */
  readonly anchoring: { readonly samples: number; readonly intervalMs: number };
  /** Bundled functions: fresh imports per function for the median init time. */
  readonly lambdaInitRuns: number;
  /** Batches of 100 entries the AWS cost model meters. */
  readonly awsCostBatches: number;
  /** Peers (bench/peers.ts): 2^log2Leaves leaves, seconds per rate. */
  readonly peers: { readonly log2Leaves: number; readonly seconds: number };
  /** The users' tools (bench/users-tools.ts). */
  readonly usersTools: UsersToolsSizes;
}

export const FULL: BenchProfile = {
  name: "full",
  opensslSeconds: 2,
  log2Leaves: 20,
  buildRuns: 3,
  proofRateSeconds: 2,
  ledger: {
    writeBatches: 20,
    writeSingles: 200,
    singlesSeconds: 5,
    batchesSeconds: 10,
    proofSeconds: 10,
    signedSamples: 10,
  },
  sweep: { batchSizes: [1, 10, 100, 1000], seconds: 4, latencyRequests: 300 },
  anchoring: { samples: 6, intervalMs: 10_000 },
  lambdaInitRuns: 5,
  awsCostBatches: 50,
  peers: { log2Leaves: 14, seconds: 1.5 },
  usersTools: {
    fileMiB: 200,
    hashRounds: 3,
    buildRuns: 3,
    helpRuns: 5,
    submitFiles: 2000,
    certificateRequests: 20,
  },
};

export const QUICK: BenchProfile = {
  name: "quick",
  opensslSeconds: 1,
  log2Leaves: 16,
  buildRuns: 1,
  proofRateSeconds: 0.3,
  ledger: {
    writeBatches: 4,
    writeSingles: 20,
    singlesSeconds: 1,
    batchesSeconds: 1,
    proofSeconds: 1,
    signedSamples: 2,
  },
  sweep: { batchSizes: [1, 10, 100, 1000], seconds: 1, latencyRequests: 40 },
  anchoring: { samples: 2, intervalMs: 1_000 },
  lambdaInitRuns: 1,
  awsCostBatches: 10,
  peers: { log2Leaves: 12, seconds: 0.2 },
  usersTools: {
    fileMiB: 8,
    hashRounds: 1,
    buildRuns: 1,
    helpRuns: 1,
    submitFiles: 100,
    certificateRequests: 5,
  },
};
