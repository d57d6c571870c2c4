/** What every API command starts from: the resolved config and a client built from it. */
import { ApiClient } from "./api/client.ts";
import {
  type CliConfig,
  type ConfigFlags,
  requireApiKey,
  requireApiUrl,
  resolveConfig,
} from "./config.ts";

export interface ApiFlags extends ConfigFlags {
  readonly retries?: number;
}

export interface ApiContext {
  readonly config: CliConfig;
  readonly api: ApiClient;
  /** The ledger asked for, or the API's default. */
  readonly ledger: string;
}

export const DEFAULT_LEDGER = "default";

/** Resolves the config and builds the client; `needsKey` is false for the public routes. */
export async function apiContext(flags: ApiFlags, needsKey: boolean): Promise<ApiContext> {
  const config = await resolveConfig(flags);
  const baseUrl = requireApiUrl(config);
  const apiKey = needsKey ? requireApiKey(config) : config.apiKey;
  const api = new ApiClient({
    baseUrl,
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(flags.retries === undefined ? {} : { retries: flags.retries }),
    onRetry: (reason, delayMs) =>
      process.stderr.write(`stele: ${reason}; retrying in ${(delayMs / 1000).toFixed(1)} s\n`),
  });
  return { config, api, ledger: config.ledger ?? DEFAULT_LEDGER };
}
