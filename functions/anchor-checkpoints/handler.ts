/** Scheduled: the anchorer of this deployment's chain (one at a time: reserved concurrency 1). */
import { Logger } from "@aws-lambda-powertools/logger";
import { parseUnits } from "ethers";
import { systemClock } from "../../shared/adapters/system/system-clock.ts";
import { Anchorer } from "../../shared/app/anchor-checkpoints.ts";
import { loadConfig } from "../../shared/config.ts";
import { createStore, ledgerOrigin } from "../../shared/wiring.ts";
import { createAnchorChain } from "../../shared/wiring-chain.ts";

const config = loadConfig(process.env);
const logger = new Logger({ serviceName: "stele" });
const store = createStore(config);
const chain = createAnchorChain(config);
const anchorer =
  chain === undefined
    ? undefined
    : new Anchorer(
        {
          ledgers: store,
          log: store,
          anchors: store,
          chain,
          clock: systemClock,
          originOf: ledgerOrigin(config),
        },
        {
          confirmations: config.STELE_CONFIRMATIONS,
          maxFeePerGasCeiling: parseUnits(String(config.STELE_MAX_FEE_PER_GAS_GWEI), "gwei"),
          replaceAfterMs: config.STELE_REPLACE_AFTER_MS,
          minAnchorIntervalMs: config.STELE_ANCHOR_INTERVAL_MS,
        },
      );

export async function handler(): Promise<{ events: number }> {
  if (anchorer === undefined) {
    logger.warn("no chain configured (STELE_CHAIN_ID): nothing to anchor");
    return { events: 0 };
  }
  const events = await anchorer.run();
  for (const event of events) {
    if (event.kind === "fee-ceiling") {
      logger.warn("fee ceiling reached: waiting", {
        ...event,
        maxFeePerGas: event.maxFeePerGas.toString(),
      });
    } else {
      logger.info(`anchor ${event.kind}`, { ...event });
    }
  }
  return { events: events.length };
}
