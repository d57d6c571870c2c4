/**
 * Every Lambda function of the service, where its handler is, and how all of them are bundled.
 * The CDK stack and scripts/bundle-functions.ts (used by the tests and the bench) both read this,
 * so the bundle that is tested and measured is the bundle that is deployed.
 */

export interface FunctionSpec {
  /** The handler module, from the project root; its export is `handler`. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly description: string;
}

export const FUNCTIONS = {
  "accept-entries": {
    entry: "functions/accept-entries/handler.ts",
    memoryMb: 512,
    timeoutSeconds: 10,
    description: "POST /v1/entries: validates and stores entries as pending",
  },
  "read-api": {
    entry: "functions/read-api/handler.ts",
    memoryMb: 1024,
    timeoutSeconds: 10,
    description: "Every GET route: entries, proofs, checkpoints, consistency, the log",
  },
  "entry-content": {
    entry: "functions/entry-content/handler.ts",
    memoryMb: 512,
    timeoutSeconds: 10,
    description: "GET and DELETE /v1/entries/{id}/content: retained content (KMS Decrypt)",
  },
  "ingest-queue": {
    entry: "functions/ingest-queue/handler.ts",
    memoryMb: 512,
    timeoutSeconds: 30,
    description: "SQS producers' entries, stored as pending (partial batch failures)",
  },
  "integrate-ledgers": {
    entry: "functions/integrate-ledgers/handler.ts",
    memoryMb: 1024,
    timeoutSeconds: 60,
    description: "Scheduled: sequences pending entries, writes tiles, signs checkpoints (KMS)",
  },
  "anchor-checkpoints": {
    entry: "functions/anchor-checkpoints/handler.ts",
    memoryMb: 512,
    timeoutSeconds: 60,
    description: "Scheduled: anchors signed checkpoints on each configured chain (KMS key)",
  },
  "notify-webhooks": {
    entry: "functions/notify-webhooks/handler.ts",
    memoryMb: 512,
    timeoutSeconds: 60,
    description: "Scheduled: queues webhook events for new sequenced, anchored and final entries",
  },
  "deliver-webhooks": {
    entry: "functions/deliver-webhooks/handler.ts",
    memoryMb: 256,
    // Ten deliveries side by side, each at most the POST timeout (10 s) plus a few writes.
    timeoutSeconds: 30,
    description: "SQS: POSTs signed webhook events; retries with backoff for 24 h, then DLQ",
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;

export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

/** The Lambda runtime the bundles target. */
export const NODE_TARGET = "node22";

/**
 * ESM bundles: some dependencies are CommonJS and call `require` for Node built-ins, which an
 * ES module does not have; esbuild's usual answer is to define it in a banner.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __steleCreateRequire } from 'node:module'; const require = __steleCreateRequire(import.meta.url);";

/** Prefer packages' ES module builds, which tree-shake (ethers, the AWS SDK). */
export const MAIN_FIELDS = ["module", "main"];
