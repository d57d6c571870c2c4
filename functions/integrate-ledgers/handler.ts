/**
 * Scheduled: integrate every ledger with pending entries (sequence, tile, sign, publish), once,
 * or every `everyMs` for `runForMs` when the schedule's Input says so (see run-repeatedly.ts).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { IntegrateResult } from "../../shared/app/integrate.ts";
import {
  IntegrateAllError,
  integrateAll,
  mergeIntegrateResults,
} from "../../shared/app/integrate-all.ts";
import { runRepeatedly, throwIfLastFailed } from "../../shared/app/run-repeatedly.ts";
import { loadConfig } from "../../shared/config.ts";
import {
  integrateRunPoints,
  publishIntegrateRun,
} from "../../shared/observability/integrate-metrics.ts";
import { startTracing, traced } from "../../shared/observability/tracing.ts";
import { parseScheduledRun } from "../../shared/schemas/scheduled-run.ts";
import { createCheckpointSigner, createStore, ledgerOrigin } from "../../shared/wiring.ts";
import { SAFETY_MARGIN_MS, scheduledRepeatDeps } from "../scheduled.ts";

const config = loadConfig(process.env);
const logger = new Logger({ serviceName: "stele" });
const metrics = new Metrics({ namespace: "Stele", serviceName: "stele" });
const tracing = await startTracing(process.env);
const clients = tracing.clients;
const store = createStore(config, clients);
const deps = {
  entries: store,
  log: store,
  signer: createCheckpointSigner(config, clients),
  subjects: store,
  originOf: ledgerOrigin(config),
};

export const handler = traced(tracing, async (event: unknown, context) => {
  const schedule = parseScheduledRun(event);
  const runs: IntegrateResult[][] = [];
  const result = await runRepeatedly(
    scheduledRepeatDeps(context),
    schedule,
    {
      safetyMarginMs: SAFETY_MARGIN_MS,
      onRun: (outcome) => {
        if (outcome.ok) {
          runs.push(outcome.value);
          publishIntegrateRun(metrics, integrateRunPoints({ results: outcome.value }));
          return;
        }
        const { error } = outcome;
        const results = error instanceof IntegrateAllError ? error.results : [];
        runs.push([...results]);
        publishIntegrateRun(metrics, integrateRunPoints({ error, results }));
        logger.error("integrate run failed", {
          run: outcome.index,
          error: error instanceof Error ? error : String(error),
        });
      },
    },
    async () => {
      const results = await integrateAll(deps, { maxEntries: config.STELE_INTEGRATE_MAX_ENTRIES });
      for (const result of results) {
        if (result.treeSize > result.fromSize) logger.info("integrated", { ...result });
      }
      return results;
    },
  );
  if (result.runs > 1)
    logger.info("scheduled runs done", { runs: result.runs, failedRuns: result.failedRuns });
  throwIfLastFailed(result);
  return { runs: result.runs, failedRuns: result.failedRuns, ledgers: mergeIntegrateResults(runs) };
});
