/**
 * Scheduled: the anchorer of each configured chain, side by side (one invocation at a time:
 * reserved concurrency 1), each run once, or every `everyMs` for `runForMs` when the schedule's
 * Input says so (see run-repeatedly.ts; the anchorer itself keeps to STELE_ANCHOR_INTERVAL_MS).
 * Chains are isolated: one failing does not stop the others' runs, and the invocation fails,
 * naming them, when a chain's last run failed.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { Context } from "aws-lambda";
import { parseUnits } from "ethers";
import { systemClock } from "../../shared/adapters/system/system-clock.ts";
import { type AnchorEvent, Anchorer } from "../../shared/app/anchor-checkpoints.ts";
import { type RepeatSchedule, runRepeatedly } from "../../shared/app/run-repeatedly.ts";
import { loadConfig } from "../../shared/config.ts";
import { anchorRunPoints, publishAnchorRun } from "../../shared/observability/anchor-metrics.ts";
import { loggableError } from "../../shared/observability/loggable-error.ts";
import { startTracing, traced } from "../../shared/observability/tracing.ts";
import { parseScheduledRun } from "../../shared/schemas/scheduled-run.ts";
import { createStore, ledgerOrigin } from "../../shared/wiring.ts";
import { createAnchorChains } from "../../shared/wiring-chain.ts";
import { SAFETY_MARGIN_MS, scheduledRepeatDeps } from "../scheduled.ts";

const config = loadConfig(process.env);
const logger = new Logger({ serviceName: "stele" });
const metrics = new Metrics({ namespace: "Stele", serviceName: "stele" });
const tracing = await startTracing(process.env);
const clients = tracing.clients;
const store = createStore(config, clients);
// Cold start: a chain's rpcUrlsSecret is read from Secrets Manager here, once per container.
const chains = await createAnchorChains(config, {
  ...clients,
  onFailover: (chainId, from, to, error) =>
    // Endpoints by index in rpcUrls: the URLs themselves often carry a provider's API key,
    // and ethers' errors quote them (loggableError cuts them to the host).
    logger.warn("RPC endpoint failed: trying the next", {
      chainId,
      fromEndpoint: from,
      toEndpoint: to,
      error: loggableError(error),
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

/** One chain's runs for this invocation; each is logged and measured as it ends. */
async function anchorChain(
  { chainId, anchorer }: (typeof anchorers)[number],
  schedule: RepeatSchedule,
  context: Partial<Context>,
) {
  let events = 0;
  const result = await runRepeatedly(
    scheduledRepeatDeps(context),
    schedule,
    {
      safetyMarginMs: SAFETY_MARGIN_MS,
      onRun: (outcome) => {
        if (outcome.ok) {
          for (const event of outcome.value) logEvent(chainId, event);
          events += outcome.value.length;
          const gauges = anchorer.lastRunGauges;
          publishAnchorRun(
            metrics,
            chainId,
            anchorRunPoints({ events: outcome.value, ...(gauges === undefined ? {} : { gauges }) }),
          );
          return;
        }
        publishAnchorRun(metrics, chainId, anchorRunPoints({ error: outcome.error }));
        logger.error("anchoring failed on this chain; the other chains ran", {
          chainId,
          run: outcome.index,
          error: loggableError(outcome.error),
        });
      },
    },
    () => anchorer.run(),
  );
  return { chainId, events, result };
}

export const handler = traced(tracing, async (event: unknown, context) => {
  const schedule = parseScheduledRun(event);
  if (anchorers.length === 0) {
    logger.warn("no chain configured (STELE_CHAINS): nothing to anchor");
    return { events: 0, chains: [] };
  }
  // allSettled: should one chain's loop throw (its logging, say), the others still finish
  // before the invocation ends; a loop left running would meet the next invocation's.
  const settled = await Promise.allSettled(
    anchorers.map((anchorer) => anchorChain(anchorer, schedule, context)),
  );
  const outcomes = settled.map((outcome) => {
    if (outcome.status === "rejected") throw outcome.reason;
    return outcome.value;
  });
  const summary = outcomes.map(({ chainId, events, result }) => ({
    chainId,
    runs: result.runs,
    failedRuns: result.failedRuns,
    events,
  }));
  const looped = outcomes.some(({ result }) => result.runs > 1);
  if (looped) logger.info("scheduled runs done", { chains: summary });
  // As for one chain (throwIfLastFailed): a chain fails the invocation when its last run failed.
  const failures = outcomes.flatMap(({ chainId, result }) =>
    result.last.ok ? [] : [{ chainId, error: result.last.error }],
  );
  if (failures.length > 0) {
    // Cut like the logged errors: the runtime and X-Ray report what a handler throws, and an
    // ethers error quotes its endpoint's URL, key and all.
    throw new AggregateError(
      failures.map(({ error }) => loggableError(error)),
      `anchoring failed on chain ${failures.map(({ chainId }) => chainId).join(", ")} (of ${anchorers.length} chains)${looped ? " in its last run" : ""}`,
    );
  }
  return { events: summary.reduce((sum, chain) => sum + chain.events, 0), chains: summary };
});
