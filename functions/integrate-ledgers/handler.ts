/** Scheduled: integrate every ledger with pending entries (sequence, tile, sign, publish). */
import { Logger } from "@aws-lambda-powertools/logger";
import { integrateAll } from "../../shared/app/integrate-all.ts";
import { loadConfig } from "../../shared/config.ts";
import { createCheckpointSigner, createStore, ledgerOrigin } from "../../shared/wiring.ts";

const config = loadConfig(process.env);
const logger = new Logger({ serviceName: "stele" });
const store = createStore(config);
const deps = {
  entries: store,
  log: store,
  signer: createCheckpointSigner(config),
  originOf: ledgerOrigin(config),
};

export async function handler(): Promise<{
  ledgers: { ledger: string; fromSize: number; treeSize: number }[];
}> {
  const results = await integrateAll(deps, { maxEntries: config.STELE_INTEGRATE_MAX_ENTRIES });
  for (const result of results) {
    if (result.treeSize > result.fromSize) logger.info("integrated", { ...result });
  }
  return { ledgers: results };
}
