/**
 * Where the CLI finds the API: flags, then environment (STELE_API_URL, STELE_API_KEY,
 * STELE_LEDGER), then a JSON config file (`--config`, else STELE_CONFIG, else
 * `${XDG_CONFIG_HOME:-~/.config}/stele/config.json`, which may be absent).
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { LEDGER_NAME } from "../shared/domain/ledger/ledger-name.ts";
import { UsageError } from "./usage-error.ts";

export interface ConfigFlags {
  readonly apiUrl?: string;
  readonly apiKey?: string;
  readonly ledger?: string;
  readonly config?: string;
}

export interface CliConfig {
  readonly apiUrl?: string;
  readonly apiKey?: string;
  readonly ledger?: string;
  /** The config file that was read, if any. */
  readonly configFile?: string;
}

const CONFIG_KEYS = ["apiUrl", "apiKey", "ledger"] as const;

const httpUrl = z
  .string()
  .refine((text) => /^https?:\/\/[^/\s]+/.test(text) && URL.canParse(text), "an http(s) URL");
const ledgerName = z.string().regex(LEDGER_NAME, "a ledger name: ^[a-z0-9][a-z0-9-]{0,62}$");

const configFileSchema = z.strictObject({
  apiUrl: httpUrl.optional(),
  apiKey: z.string().min(1, "a non-empty string").optional(),
  ledger: ledgerName.optional(),
});

/** The config file to read: the flag, STELE_CONFIG, or the XDG default (which may not exist). */
export function configPath(
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv,
): { readonly path: string; readonly required: boolean } {
  if (flags.config !== undefined) return { path: flags.config, required: true };
  if (env.STELE_CONFIG) return { path: env.STELE_CONFIG, required: true };
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return { path: join(base, "stele", "config.json"), required: false };
}

/** Reads and checks a config file; an absent optional file is an empty config. */
export async function readConfigFile(
  path: string,
  required: boolean,
): Promise<z.infer<typeof configFileSchema> | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !required) return undefined;
    throw new UsageError(`cannot read config file ${path}: ${code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config file ${path} is not JSON: ${(error as Error).message}`);
  }
  const parsed = configFileSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => JSON.stringify(key)).join(", ")} (allowed: ${CONFIG_KEYS.join(", ")})`;
    }
    const where = issue.path.map(String).join(".");
    return where === "" ? "must be a JSON object" : `${where}: ${issue.message}`;
  });
  throw new UsageError(`config file ${path}: ${problems.join("; ")}`);
}

/** Checks one value from a flag or the environment, naming where it came from. */
function checked<T>(
  schema: z.ZodType<T>,
  value: string | undefined,
  source: string,
): T | undefined {
  if (value === undefined || value === "") return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new UsageError(
    `${source} must be ${parsed.error.issues[0]?.message ?? "valid"}, not ${JSON.stringify(value)}`,
  );
}

/** Flags over environment over the config file, each value checked where it comes from. */
export async function resolveConfig(
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliConfig> {
  const { path, required } = configPath(flags, env);
  const file = await readConfigFile(path, required);
  const apiUrl =
    checked(httpUrl, flags.apiUrl, "--api-url") ??
    checked(httpUrl, env.STELE_API_URL, "STELE_API_URL") ??
    file?.apiUrl;
  const apiKey = flags.apiKey || env.STELE_API_KEY || file?.apiKey;
  const ledger =
    checked(ledgerName, flags.ledger, "--ledger") ??
    checked(ledgerName, env.STELE_LEDGER, "STELE_LEDGER") ??
    file?.ledger;
  return {
    ...(apiUrl === undefined ? {} : { apiUrl: apiUrl.replace(/\/+$/, "") }),
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(ledger === undefined ? {} : { ledger }),
    ...(file === undefined ? {} : { configFile: path }),
  };
}

/** The API URL, or the one-line error that says where to put it. */
export function requireApiUrl(config: CliConfig): string {
  if (config.apiUrl !== undefined) return config.apiUrl;
  throw new UsageError(
    "no API URL: pass --api-url, set STELE_API_URL, or run `npm start` and use the URL it prints",
  );
}

/** The API key, or the one-line error that says where to put it. */
export function requireApiKey(config: CliConfig): string {
  if (config.apiKey !== undefined) return config.apiKey;
  throw new UsageError(
    "no API key: pass --api-key, set STELE_API_KEY, or put apiKey in the config file (`npm start` prints a dev key)",
  );
}
