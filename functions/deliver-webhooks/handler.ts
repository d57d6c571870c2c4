/**
 * SQS: webhook deliveries (shared/app/webhooks/deliver.ts), the messages of a batch side by side.
 * A message that could not be handled (a bad body, a store failure) is reported as a batch item
 * failure: SQS hands it over again, and to the dead-letter queue after its receives.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { systemClock } from "../../shared/adapters/system/system-clock.ts";
import { deliverWebhookMessage } from "../../shared/app/webhooks/deliver.ts";
import { loadConfig } from "../../shared/config.ts";
import { startTracing, traced } from "../../shared/observability/tracing.ts";
import { createStore } from "../../shared/wiring.ts";
import {
  createWebhookQueue,
  createWebhookSender,
  createWebhookStore,
} from "../../shared/wiring-webhooks.ts";

const config = loadConfig(process.env);
const logger = new Logger({ serviceName: "stele" });
const tracing = await startTracing(process.env);
const clients = tracing.clients;
const queue = createWebhookQueue(config, clients);
const deps =
  queue === undefined
    ? undefined
    : {
        webhooks: createWebhookStore(config, clients),
        entries: createStore(config, clients),
        queue,
        sender: createWebhookSender(),
        clock: systemClock,
      };
const options = {
  timeoutMs: config.STELE_WEBHOOK_TIMEOUT_MS,
  // Past the POST's timeout with room for the writes around it.
  leaseMs: config.STELE_WEBHOOK_TIMEOUT_MS + 30_000,
};

export const handler = traced(tracing, async (event: SQSEvent): Promise<SQSBatchResponse> => {
  if (deps === undefined)
    throw new Error("bad configuration: STELE_WEBHOOK_QUEUE_URL is required to deliver webhooks");
  const failures: SQSBatchResponse["batchItemFailures"] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      try {
        const outcome = await deliverWebhookMessage(deps, record.body, options);
        // Refused: the message names another tenant's batch; dead-lettered unsent, for operators.
        if (outcome.kind === "refused") logger.error("webhook event refused", { ...outcome });
        else if (outcome.kind === "retry" || outcome.kind === "dead-lettered")
          logger.warn(`webhook delivery ${outcome.kind}`, { ...outcome });
        else if (outcome.kind !== "waiting") logger.info(`webhook ${outcome.kind}`, { ...outcome });
      } catch (error) {
        logger.error("webhook message not handled", {
          messageId: record.messageId,
          error: error instanceof Error ? error : String(error),
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
});
