/**
 * The whole service on one machine, with no cloud account: dynalite on disk in the data dir,
 * the dev checkpoint and anchor keys, the HTTP API, integrate on its interval, the in-process
 * ingest queue and, with `chain`, an embedded hardhat chain with the Anchor contract and the
 * anchorer — all driving the same function handlers that run in Lambda.
 */
import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { webFiles } from "../scripts/build-web.ts";
import { createTable } from "../shared/adapters/dynamodb/table.ts";
import type { InProcessQueue } from "../shared/adapters/memory/in-process-queue.ts";
import type { ChainConfig } from "../shared/config.ts";
import { sha256Hex } from "../shared/http/auth.ts";
import { loadOrCreateDevKeys } from "./dev-keys.ts";
import { startEmbeddedChain } from "./embedded-chain.ts";
import {
  type DynamoDbObserver,
  startDynamoDbProcess,
  startEmbeddedDynamoDb,
} from "./embedded-dynamodb.ts";
import { every } from "./every.ts";
import { createLocalHttpServer, type StaticFile } from "./http-server.ts";
import { writeLocalEnv } from "./local-env.ts";
import { LocalQueue } from "./local-queue.ts";
import { startLocalWebhooks } from "./local-webhooks.ts";
import { provisionChain } from "./provision-chain.ts";
import type { RateLimit } from "./rate-limit.ts";

export const TABLE_NAME = "stele";

export interface LocalStackOptions {
  readonly dataDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Overrides the API key kept in the data dir. */
  readonly apiKey?: string;
  readonly integrateIntervalMs: number;
  readonly originPrefix: string;
  readonly log: (line: string) => void;
  /** Benchmarks: sees every DynamoDB call the stack makes. */
  readonly dynamoDbObserver?: DynamoDbObserver;
  /** Anchoring; without it the stack signs checkpoints but anchors nothing. */
  readonly chain?: LocalChainOptions;
  /**
   * Builds the verify page (web/) and serves it at `/` (default true); false answers every path
   * outside the API as API Gateway does, with the read API's 404.
   */
  readonly page?: boolean;
  /** Per-client throttling in front of the API, as API Gateway's stage has; none without it. */
  readonly rateLimit?: RateLimit;
}

export interface LocalChainOptions {
  /** Port of the embedded chain; ignored with `rpcUrl`. */
  readonly rpcPort: number;
  /** Use this chain instead of an embedded one. */
  readonly rpcUrl?: string;
  /** An Anchor already deployed there (its owner authorised the dev anchor key). */
  readonly contract?: string;
  readonly anchorIntervalMs: number;
  readonly confirmations: number;
}

export interface LocalStack {
  readonly url: string;
  readonly apiKey: string;
  readonly checkpointSigner: string;
  readonly queue: LocalQueue;
  /** The in-process webhook delivery queue (delays honoured) and its dead letters. */
  readonly webhookQueue: InProcessQueue;
  /** The chain anchored on, when anchoring is on. */
  readonly chain?: {
    readonly url: string;
    readonly chainId: number;
    readonly contract: string;
    readonly anchorAddress: string;
  };
  /** Runs one integrate pass now (benchmarks and tests that set a long interval). */
  integrateNow(): Promise<void>;
  /** Stops taking requests, lets the running integrate finish, and closes the database. */
  stop(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

/** Builds the verify page in memory while the rest starts; a failed build only loses the page. */
function buildPage(log: (line: string) => void): Promise<{ files: StaticFile[]; ms: number }> {
  const started = performance.now();
  return webFiles().then(
    (files) => ({ files, ms: performance.now() - started }),
    (error: unknown) => {
      log(`error: the verify page did not build, / answers 404: ${(error as Error).message}`);
      return { files: [], ms: performance.now() - started };
    },
  );
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const building =
    options.page === false ? Promise.resolve({ files: [], ms: 0 }) : buildPage(options.log);
  await mkdir(options.dataDir, { recursive: true });
  const keys = await loadOrCreateDevKeys(options.dataDir);
  const apiKey = options.apiKey ?? keys.apiKey;

  // In a process of its own, as DynamoDB is apart from Lambda; in this one only for a benchmark's
  // observer, which must see every call.
  const databasePath = join(options.dataDir, "dynamodb");
  const database =
    options.dynamoDbObserver === undefined
      ? await startDynamoDbProcess({
          path: databasePath,
          onExit: (message) => options.log(`error: ${message}`),
        })
      : await startEmbeddedDynamoDb({ path: databasePath, observer: options.dynamoDbObserver });

  const chainOptions = options.chain;
  const embeddedChain =
    chainOptions === undefined || chainOptions.rpcUrl !== undefined
      ? undefined
      : await startEmbeddedChain({ port: chainOptions.rpcPort });
  const chainUrl = chainOptions?.rpcUrl ?? embeddedChain?.url;
  const chain =
    chainOptions === undefined || chainUrl === undefined
      ? undefined
      : {
          url: chainUrl,
          ...(await provisionChain({
            url: chainUrl,
            embedded: embeddedChain !== undefined,
            anchorKey: keys.anchorKey,
            ...(chainOptions.contract === undefined ? {} : { contract: chainOptions.contract }),
          })),
        };

  // The functions read their configuration at import, as at a Lambda cold start.
  Object.assign(process.env, {
    STELE_TABLE_NAME: TABLE_NAME,
    STELE_DYNAMODB_ENDPOINT: database.endpoint,
    STELE_ORIGIN_PREFIX: options.originPrefix,
    STELE_CHECKPOINT_SIGNER: "dev",
    STELE_DEV_CHECKPOINT_KEY: keys.checkpointKey,
    AWS_REGION: process.env.AWS_REGION ?? "us-east-1",
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? "WARN",
    // CloudWatch EMF lines every second would drown the console; nothing reads them here.
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? "true",
    // Webhooks: the in-process delivery queue; receivers on this machine may use plain http.
    STELE_WEBHOOK_QUEUE_URL: "inprocess://webhooks",
    STELE_WEBHOOK_ALLOW_HTTP_LOOPBACK: "true",
    // Retained content: the dev-only software key, unless the caller chose (a test, KMS on moto).
    STELE_CONTENT_CIPHER: process.env.STELE_CONTENT_CIPHER ?? "dev",
    STELE_DEV_CONTENT_KEY: keys.contentKey,
  });
  // Set even when empty: a STELE_CHAINS from the caller's environment is not the stack's chain.
  // The fee ceiling keeps its default.
  const chains: Omit<ChainConfig, "maxFeePerGasGwei">[] =
    chain === undefined || chainOptions === undefined
      ? []
      : [
          {
            chainId: chain.chainId,
            rpcUrls: [chain.url],
            contract: chain.contract,
            confirmations: chainOptions.confirmations,
          },
        ];
  process.env.STELE_CHAINS = JSON.stringify(chains);
  if (chain !== undefined && chainOptions !== undefined) {
    Object.assign(process.env, {
      STELE_ANCHOR_SIGNER: "dev",
      STELE_DEV_ANCHOR_KEY: keys.anchorKey,
      STELE_ANCHOR_INTERVAL_MS: String(chainOptions.anchorIntervalMs),
    });
  }
  const { createDynamoDbClient, createStore, createCheckpointSigner } = await import(
    "../shared/wiring.ts"
  );
  const { loadConfig } = await import("../shared/config.ts");
  const config = loadConfig(process.env);
  const store = createStore(config);
  await createTable(createDynamoDbClient(config), TABLE_NAME);
  await store.putApiKey({
    keyHash: sha256Hex(apiKey),
    keyId: "dev",
    scopes: ["read", "write", "manage-webhooks", "read-content", "erase-content"],
    label: "local dev key",
  });

  const accept = await import("../functions/accept-entries/handler.ts");
  const read = await import("../functions/read-api/handler.ts");
  const content = await import("../functions/entry-content/handler.ts");
  const integrate = await import("../functions/integrate-ledgers/handler.ts");
  const ingest = await import("../functions/ingest-queue/handler.ts");
  const anchor =
    chain === undefined ? undefined : await import("../functions/anchor-checkpoints/handler.ts");

  const queue = new LocalQueue();
  const onError = (error: unknown) =>
    options.log(
      `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  const page = await building;
  const server = createLocalHttpServer({
    functions: {
      "accept-entries": accept.handler,
      "read-api": read.handler,
      "entry-content": content.handler,
    },
    queue,
    onError,
    page: () => page.files,
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
  });
  const port = await listen(server, options.port);
  if (page.files.length > 0) {
    options.log(`verify page at http://127.0.0.1:${port}/ (built in ${page.ms.toFixed(0)} ms)`);
  }
  // For `npm run invoke` (one handler against this stack's backends): see local/local-env.ts.
  await writeLocalEnv(options.dataDir, {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    env: process.env,
  });

  const stopIntegrate = every(
    options.integrateIntervalMs,
    async () => {
      await integrate.handler();
    },
    onError,
  );
  const stopAnchor =
    anchor === undefined || chainOptions === undefined
      ? async () => undefined
      : // Run often to see inclusion and finality promptly; new anchors keep to the interval.
        every(
          Math.min(1000, chainOptions.anchorIntervalMs),
          async () => {
            await anchor.handler();
          },
          onError,
        );
  const stopQueue = every(
    50,
    async () => {
      while ((await queue.deliver(ingest.handler)) > 0) {
        // Drain: deliver batches of 10 until the queue is empty.
      }
    },
    onError,
  );

  const webhooks = await startLocalWebhooks({
    notifyIntervalMs: Math.min(1000, options.integrateIntervalMs),
    onError,
  });

  return {
    url: `http://127.0.0.1:${port}`,
    webhookQueue: webhooks.queue,
    apiKey,
    checkpointSigner: await createCheckpointSigner(config).address(),
    queue,
    ...(chain === undefined ? {} : { chain }),
    async integrateNow() {
      await integrate.handler();
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stopQueue();
      await webhooks.stop();
      await stopIntegrate();
      await stopAnchor();
      await embeddedChain?.stop();
      await database.stop();
    },
  };
}
