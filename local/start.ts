/** `npm start`: the local stack of spec/http-api-v1.md, configured by environment variables. */
import { resolve } from "node:path";
import { z } from "zod";
import { DEFAULT_SETTINGS } from "../infra/stages.ts";

// The AWS SDK warns on every start that Node 20 support ends in 2027; the Lambda runtime is
// Node 22+, and the machines here run Node 20 on purpose (see README).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { startLocalStack } = await import("./stack.ts");

const env = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    STELE_DATA_DIR: z.string().min(1).default(".stele"),
    STELE_DEV_API_KEY: z.string().min(16, "at least 16 characters").optional(),
    STELE_INTEGRATE_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
    STELE_ORIGIN_PREFIX: z.string().min(1).default("stele.local"),
    STELE_CHAIN_RPC_PORT: z.coerce.number().int().min(1).max(65535).default(8545),
    STELE_CHAIN_RPC_URL: z.url().optional(),
    STELE_ANCHOR_CONTRACT: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, "an address")
      .optional(),
    STELE_ANCHOR_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
    STELE_CONFIRMATIONS: z.coerce.number().int().min(1).max(1000).default(2),
    // The dev stage's API Gateway throttling (infra/stages.ts), per client; 0 turns it off.
    STELE_RATE_LIMIT_PER_SEC: z.coerce
      .number()
      .min(0)
      .default(DEFAULT_SETTINGS.dev.api.throttleRateLimit),
    STELE_RATE_LIMIT_BURST: z.coerce
      .number()
      .int()
      .min(1)
      .default(DEFAULT_SETTINGS.dev.api.throttleBurstLimit),
  })
  .safeParse(process.env);
if (!env.success) {
  for (const issue of env.error.issues)
    console.error(`stele: ${issue.path.join(".")}: ${issue.message}`);
  process.exit(2);
}
const settings = env.data;

const stack = await startLocalStack({
  dataDir: resolve(settings.STELE_DATA_DIR),
  port: settings.PORT,
  ...(settings.STELE_DEV_API_KEY === undefined ? {} : { apiKey: settings.STELE_DEV_API_KEY }),
  integrateIntervalMs: settings.STELE_INTEGRATE_INTERVAL_MS,
  originPrefix: settings.STELE_ORIGIN_PREFIX,
  log: (line) => console.error(line),
  ...(settings.STELE_RATE_LIMIT_PER_SEC === 0
    ? {}
    : {
        rateLimit: {
          perSecond: settings.STELE_RATE_LIMIT_PER_SEC,
          burst: settings.STELE_RATE_LIMIT_BURST,
        },
      }),
  chain: {
    rpcPort: settings.STELE_CHAIN_RPC_PORT,
    ...(settings.STELE_CHAIN_RPC_URL === undefined ? {} : { rpcUrl: settings.STELE_CHAIN_RPC_URL }),
    ...(settings.STELE_ANCHOR_CONTRACT === undefined
      ? {}
      : { contract: settings.STELE_ANCHOR_CONTRACT }),
    anchorIntervalMs: settings.STELE_ANCHOR_INTERVAL_MS,
    confirmations: settings.STELE_CONFIRMATIONS,
  },
});

console.log(`Stele local stack (dev only) on ${stack.url}
  data dir           ${resolve(settings.STELE_DATA_DIR)}
  API key            ${stack.apiKey}
  checkpoint signer  ${stack.checkpointSigner}
  chain              ${stack.chain === undefined ? "none" : `${stack.chain.url} (chain id ${stack.chain.chainId}), Anchor ${stack.chain.contract}`}
  rate limit         ${settings.STELE_RATE_LIMIT_PER_SEC === 0 ? "off" : `${settings.STELE_RATE_LIMIT_PER_SEC}/s per client, bursts of ${settings.STELE_RATE_LIMIT_BURST} (STELE_RATE_LIMIT_PER_SEC=0 turns it off)`}
Use it from the stele CLI (paste into your shell):
  export STELE_API_URL=${stack.url} STELE_API_KEY=${stack.apiKey}
  npx stele submit ./docs && npx stele watch --index stele-index.json
Or with curl:
  curl -s -X POST ${stack.url}/v1/entries -H "Authorization: Bearer ${stack.apiKey}" \\
    -H "Content-Type: application/json" -d '{"entries":[{"kind":"transaction","payload":{"lot":"A-42"}}]}'
Ctrl-C stops it.`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping…");
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
