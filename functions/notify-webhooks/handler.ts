/**
 * Scheduled: the webhook notifier (shared/app/webhooks/notify.ts), once, or every `everyMs` for
 * `runForMs` when the schedule's Input says so (see run-repeatedly.ts). Reserved concurrency 1;
 * two at once would still only queue the same event ids twice.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { systemClock } from "../../shared/adapters/system/system-clock.ts";
import { runRepeatedly, throwIfLastFailed } from "../../shared/app/run-repeatedly.ts";
import { WebhookNotifier } from "../../shared/app/webhooks/notify.ts";
import { loadConfig } from "../../shared/config.ts";
import { startTracing, traced } from "../../shared/observability/tracing.ts";
import { parseScheduledRun } from "../../shared/schemas/scheduled-run.ts";
import { createStore } from "../../shared/wiring.ts";
import { createWebhookQueue, createWebhookStore } from "../../shared/wiring-webhooks.ts";
import { SAFETY_MARGIN_MS, scheduledRepeatDeps } from "../scheduled.ts";

const config = loadConfig(process.env);
const logger = new Logger({ serviceName: "stele" });
const tracing = await startTracing(process.env);
const clients = tracing.clients;
const store = createStore(config, clients);
const queue = createWebhookQueue(config, clients);
const webhookStore = createWebhookStore(config, clients);
const chainIds = config.STELE_CHAINS.map((chain) => chain.chainId);
const notifier =
  queue === undefined
    ? undefined
    : new WebhookNotifier(
        {
          ledgers: store,
          log: store,
          ...(chainIds.length === 0 ? {} : { anchors: { store, chainIds } }),
          reads: webhookStore,
          webhooks: webhookStore,
          queue,
          clock: systemClock,
        },
        { maxPlansPerLedger: 1000 },
      );

export const handler = traced(tracing, async (event: unknown, context) => {
  const schedule = parseScheduledRun(event);
  if (notifier === undefined) {
    logger.warn("no webhook queue configured (STELE_WEBHOOK_QUEUE_URL): no events are sent");
    return { runs: 0, failedRuns: 0, events: 0 };
  }
  let events = 0;
  const result = await runRepeatedly(
    scheduledRepeatDeps(context),
    schedule,
    {
      safetyMarginMs: SAFETY_MARGIN_MS,
      onRun: (outcome) => {
        if (!outcome.ok) {
          logger.error("webhook notifier run failed", {
            run: outcome.index,
            error: outcome.error instanceof Error ? outcome.error : String(outcome.error),
          });
          return;
        }
        for (const ledger of outcome.value) {
          events += ledger.events;
          if (ledger.events > 0) logger.info("webhook events queued", { ...ledger });
          if (ledger.skippedLeaves > 0)
            logger.warn("webhook events lost: their sequencing plans expired", { ...ledger });
        }
      },
    },
    () => notifier.run(),
  );
  throwIfLastFailed(result);
  return { runs: result.runs, failedRuns: result.failedRuns, events };
});
