/**
 * SQS ingest: each message is one Entry or {ledger?, entries}. Valid messages are accepted with
 * the message id as idempotency key (SQS may deliver twice); an invalid one is reported as a
 * batch item failure, logged with its reason, and ends in the dead-letter queue after its retries.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { ZodError } from "zod";
import { systemClock, systemRandom } from "../../shared/adapters/system/system-clock.ts";
import { acceptEntries } from "../../shared/app/accept-entries.ts";
import { LedgerRegistry } from "../../shared/app/ledger-registry.ts";
import { loadConfig } from "../../shared/config.ts";
import { sha256Hex } from "../../shared/http/auth.ts";
import { fieldErrors } from "../../shared/http/error-middleware.ts";
import { startTracing, traced } from "../../shared/observability/tracing.ts";
import { parseQueueMessage } from "../../shared/schemas/queue-message.ts";
import { createStore } from "../../shared/wiring.ts";

const config = loadConfig(process.env);
const logger = new Logger({ serviceName: "stele" });
const tracing = await startTracing(process.env);
const store = createStore(config, tracing.clients);
const ledgers = new LedgerRegistry(store);
const deps = { entries: store, clock: systemClock, random: systemRandom };

async function ingest(record: SQSRecord): Promise<void> {
  const request = parseQueueMessage(record.body);
  await ledgers.ensure(request.ledger);
  await acceptEntries(deps, request, {
    tenant: config.STELE_INGEST_TENANT,
    idempotency: { scope: "sqs", key: record.messageId, requestHash: sha256Hex(record.body) },
  });
}

export const handler = traced(tracing, async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse["batchItemFailures"] = [];
  for (const record of event.Records) {
    try {
      await ingest(record);
    } catch (error) {
      const reason =
        error instanceof ZodError
          ? fieldErrors(error)
          : error instanceof Error
            ? error.message
            : String(error);
      logger.warn("message not ingested", { messageId: record.messageId, reason });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
});
