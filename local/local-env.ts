/**
 * `<dataDir>/local-env.json`: what the running local stack gave its functions (the environment
 * they read at cold start, pointing at its DynamoDB endpoint and chain) and its API key, written
 * at every start so that `npm run invoke` can run one handler against the same backends.
 * DEV ONLY: it holds the dev keys, like dev-keys.json beside it.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

export const LOCAL_ENV_FILE = "local-env.json";

/** The variables the functions' configuration comes from (shared/config.ts, Powertools, the SDK). */
const FUNCTION_ENV = /^(STELE_|POWERTOOLS_|AWS_REGION$)/;
/** Settings of `npm start` itself (local/start.ts), which the functions do not read. */
const STACK_ONLY = new Set([
  "STELE_DATA_DIR",
  "STELE_DEV_API_KEY",
  "STELE_INTEGRATE_INTERVAL_MS",
  "STELE_CHAIN_RPC_PORT",
  "STELE_CHAIN_RPC_URL",
  "STELE_ANCHOR_CONTRACT",
  "STELE_CONFIRMATIONS",
]);

const localEnvSchema = z.object({
  /** The stack's HTTP API. */
  url: z.string(),
  apiKey: z.string().min(16),
  env: z.record(z.string(), z.string()),
});

export type LocalEnv = z.infer<typeof localEnvSchema>;

/** Thrown when there is no local stack to invoke against; the message says what to do. */
export class LocalStackNotRunningError extends Error {
  constructor(
    readonly dataDir: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`start the local stack first: npm start (${reason}; data dir ${dataDir})`, options);
    this.name = "LocalStackNotRunningError";
  }
}

/**
 * Writes `<dataDir>/local-env.json` (mode 0600, replaced whole) from the stack's `env`: only the
 * variables that configure the functions are kept.
 */
export async function writeLocalEnv(
  dataDir: string,
  stack: { url: string; apiKey: string; env: NodeJS.ProcessEnv },
): Promise<void> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(stack.env)) {
    if (value !== undefined && FUNCTION_ENV.test(name) && !STACK_ONLY.has(name)) env[name] = value;
  }
  const localEnv: LocalEnv = { url: stack.url, apiKey: stack.apiKey, env };
  const path = join(dataDir, LOCAL_ENV_FILE);
  await writeFile(`${path}.tmp`, `${JSON.stringify(localEnv, null, 2)}\n`, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

/** Reads what the last local stack started on `dataDir` wrote; throws LocalStackNotRunningError. */
export async function readLocalEnv(dataDir: string): Promise<LocalEnv> {
  const path = join(dataDir, LOCAL_ENV_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new LocalStackNotRunningError(dataDir, `no ${LOCAL_ENV_FILE}`, { cause: error });
    throw error;
  }
  let parsed: LocalEnv;
  try {
    parsed = localEnvSchema.parse(JSON.parse(text));
  } catch (error) {
    throw new LocalStackNotRunningError(dataDir, `${path} is not what npm start writes`, {
      cause: error,
    });
  }
  return parsed;
}
