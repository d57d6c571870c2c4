/**
 * The composition root of webhooks (beside shared/wiring.ts): the store, the delivery queue
 * (SQS, or the local stack's in-process queue) and the sender, built once per process.
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDbWebhookStore } from "./adapters/dynamodb/dynamodb-webhook-store.ts";
import { fetchWebhookSender } from "./adapters/http/fetch-webhook-sender.ts";
import { inProcessQueue } from "./adapters/memory/in-process-queue.ts";
import { SqsWebhookQueue } from "./adapters/sqs/sqs-webhook-queue.ts";
import { systemClock } from "./adapters/system/system-clock.ts";
import type { Config } from "./config.ts";
import type { WebhookQueue } from "./ports/webhook-queue.ts";
import type { WebhookSender } from "./ports/webhook-sender.ts";
import { type ClientOptions, createDynamoDbClient } from "./wiring.ts";

const IN_PROCESS = "inprocess://";
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export function createWebhookStore(
  config: Config,
  options: ClientOptions = {},
): DynamoDbWebhookStore {
  return new DynamoDbWebhookStore({
    client: createDynamoDbClient(config, options),
    tableName: config.STELE_TABLE_NAME,
  });
}

/** The delivery queue, or undefined when STELE_WEBHOOK_QUEUE_URL is unset (no events then). */
export function createWebhookQueue(
  config: Config,
  options: ClientOptions = {},
): WebhookQueue | undefined {
  const url = config.STELE_WEBHOOK_QUEUE_URL;
  if (url === undefined) return undefined;
  if (url.startsWith(IN_PROCESS))
    return inProcessQueue(url.slice(IN_PROCESS.length), { clock: systemClock });
  const deadLetterQueueUrl = config.STELE_WEBHOOK_DLQ_URL;
  if (deadLetterQueueUrl === undefined)
    throw new Error(
      "bad configuration: STELE_WEBHOOK_DLQ_URL: required with an SQS STELE_WEBHOOK_QUEUE_URL",
    );
  const endpoint = config.STELE_SQS_ENDPOINT;
  const client = new SQSClient({
    region: config.AWS_REGION,
    ...(endpoint === undefined ? {} : { endpoint, credentials: LOCAL_CREDENTIALS }),
  });
  return new SqsWebhookQueue({
    client: options.instrument === undefined ? client : options.instrument(client),
    queueUrl: url,
    deadLetterQueueUrl,
  });
}

export function createWebhookSender(): WebhookSender {
  return fetchWebhookSender;
}
