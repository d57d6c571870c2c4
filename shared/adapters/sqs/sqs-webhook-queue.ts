/** WebhookQueue on SQS: SendMessageBatch (10 per call, failed entries sent again) and a DLQ. */
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { WebhookQueue } from "../../ports/webhook-queue.ts";

const BATCH = 10;
const MAX_ATTEMPTS = 5;

export interface SqsWebhookQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

export class SqsWebhookQueue implements WebhookQueue {
  readonly #client: SQSClient;
  readonly #queueUrl: string;
  readonly #deadLetterQueueUrl: string;

  constructor(options: SqsWebhookQueueOptions) {
    this.#client = options.client;
    this.#queueUrl = options.queueUrl;
    this.#deadLetterQueueUrl = options.deadLetterQueueUrl;
  }

  async send(
    messages: readonly { readonly body: string; readonly delaySeconds: number }[],
  ): Promise<void> {
    for (let i = 0; i < messages.length; i += BATCH) {
      let entries: SendMessageBatchRequestEntry[] = messages
        .slice(i, i + BATCH)
        .map((message, index) => ({
          Id: String(index),
          MessageBody: message.body,
          DelaySeconds: message.delaySeconds,
        }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        const { Failed } = await this.#client.send(
          new SendMessageBatchCommand({ QueueUrl: this.#queueUrl, Entries: entries }),
        );
        const failed = new Set((Failed ?? []).map((failure) => failure.Id));
        const senderFault = (Failed ?? []).find((failure) => failure.SenderFault === true);
        if (senderFault !== undefined)
          throw new Error(
            `SQS refused a webhook message: ${senderFault.Code} ${senderFault.Message}`,
          );
        entries = entries.filter((entry) => failed.has(entry.Id));
        if (entries.length > 0 && attempt >= MAX_ATTEMPTS)
          throw new Error(
            `SQS did not take ${entries.length} webhook message(s) in ${attempt} attempts`,
          );
      }
    }
  }

  async deadLetter(body: string): Promise<void> {
    await this.#client.send(
      new SendMessageCommand({ QueueUrl: this.#deadLetterQueueUrl, MessageBody: body }),
    );
  }
}
