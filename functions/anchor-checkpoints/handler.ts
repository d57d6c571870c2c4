/**
 * Scheduled: the anchorer of each configured chain, side by side (one invocation at a time:
 * reserved concurrency 1). Chains are isolated: one failing does not stop the others' runs,
 * and the invocation fails after all of them have run.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { parseUnits } from "ethers";
import { systemClock } from "../../shared/adapters/system/system-clock.ts";
import { type AnchorEvent, Anchorer } from "../../shared/app/anchor-checkpoints.ts";
import { loadConfig } from "../../shared/config.ts";
import { anchorRunPoints, publishAnchorRun } from "../../shared/observability/anchor-metrics.ts";
import { createStore, ledgerOrigin } from "../../shared/wiring.ts";
import { createAnchorChains } from "../../shared/wiring-chain.ts";

const config = loadConfig(process.env);
const logger = new Logger({ serviceName: "stele" });
const metrics = new Metrics({ namespace: "Stele", serviceName: "stele" });
const store = createStore(config);
const chains = createAnchorChains(config, {
  onFailover: (chainId, from, to, error) =>
    // Endpoints by index in rpcUrls: the URLs themselves often carry a provider's API key.
    logger.warn("RPC endpoint failed: trying the next", {
      chainId,
      fromEndpoint: from,
      toEndpoint: to,
      error: error instanceof Error ? error : String(error),
    }),
});
const anchorers = config.STELE_CHAINS.map((settings, index) => {
  const chain = chains[index];
  if (chain?.chainId !== settings.chainId)
    throw new Error(`createAnchorChains did not build chain ${settings.chainId} at ${index}`);
  const anchorer = new Anchorer(
    {
      ledgers: store,
      log: store,
      anchors: store,
      chain,
      clock: systemClock,
      originOf: ledgerOrigin(config),
    },
    {
      confirmations: settings.confirmations,
      // toFixed: String() would give "1e-7", or more decimals than gwei has, which parseUnits refuses.
      maxFeePerGasCeiling: parseUnits(settings.maxFeePerGasGwei.toFixed(9), "gwei"),
      replaceAfterMs: config.STELE_REPLACE_AFTER_MS,
      minAnchorIntervalMs: config.STELE_ANCHOR_INTERVAL_MS,
    },
  );
  return { chainId: settings.chainId, anchorer };
});

function logEvent(chainId: number, event: AnchorEvent): void {
  if (event.kind === "fee-ceiling") {
    logger.warn("fee ceiling reached: waiting", {
      chainId,
      ...event,
      maxFeePerGas: event.maxFeePerGas.toString(),
    });
  } else {
    logger.info(`anchor ${event.kind}`, { chainId, ...event });
  }
}

export async function handler(): Promise<{ events: number }> {
  if (anchorers.length === 0) {
    logger.warn("no chain configured (STELE_CHAINS): nothing to anchor");
    return { events: 0 };
  }
  const runs = anchorers.map(({ chainId, anchorer }) => ({ chainId, run: anchorer.run() }));
  await Promise.allSettled(runs.map(({ run }) => run));
  let events = 0;
  const failures: { chainId: number; error: unknown }[] = [];
  for (const { chainId, run } of runs) {
    try {
      const chainEvents = await run; // settled above: this only reads the outcome
      for (const event of chainEvents) logEvent(chainId, event);
      publishAnchorRun(metrics, chainId, anchorRunPoints({ events: chainEvents }));
      events += chainEvents.length;
    } catch (error) {
      publishAnchorRun(metrics, chainId, anchorRunPoints({ error }));
      logger.error("anchoring failed on this chain; the other chains ran", {
        chainId,
        error: error instanceof Error ? error : String(error),
      });
      failures.push({ chainId, error });
    }
  }
  if (failures.length > 0) {
    throw new AggregateError(
      failures.map(({ error }) => error),
      `anchoring failed on chain ${failures.map(({ chainId }) => chainId).join(", ")} (of ${anchorers.length} chains)`,
    );
  }
  return { events };
}
