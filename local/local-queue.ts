/**
 * An in-process stand-in for the SQS ingest queue: messages are handed to the very same SQS
 * handler in batches of up to 10, failed ones are redelivered, and after `maxReceiveCount`
 * receives a message moves to the dead-letter list, as an SQS redrive policy would do.
 */
import { randomUUID } from "node:crypto";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  receiveCount: number;
}

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

export class LocalQueue {
  readonly #messages: QueuedMessage[] = [];
  readonly deadLetters: { messageId: string; body: string }[] = [];
  readonly #maxReceiveCount: number;

  constructor(maxReceiveCount = 3) {
    this.#maxReceiveCount = maxReceiveCount;
  }

  send(body: string): string {
    const messageId = randomUUID();
    this.#messages.push({ messageId, body, receiveCount: 0 });
    return messageId;
  }

  get depth(): number {
    return this.#messages.length;
  }

  /** Delivers one batch to `handler`; returns how many messages it delivered. */
  async deliver(handler: SqsHandler): Promise<number> {
    const batch = this.#messages.splice(0, 10);
    if (batch.length === 0) return 0;
    const records = batch.map((message): SQSRecord => {
      message.receiveCount++;
      return {
        messageId: message.messageId,
        receiptHandle: message.messageId,
        body: message.body,
        attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(Date.now()),
          SenderId: "local",
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:local:000000000000:stele-ingest",
        awsRegion: "local",
      };
    });
    let failed: Set<string>;
    try {
      const response = await handler({ Records: records });
      failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    } catch {
      // A handler that throws fails the whole batch, as Lambda's SQS integration treats it.
      failed = new Set(batch.map((message) => message.messageId));
    }
    for (const message of batch) {
      if (!failed.has(message.messageId)) continue;
      if (message.receiveCount >= this.#maxReceiveCount) {
        this.deadLetters.push({ messageId: message.messageId, body: message.body });
      } else {
        this.#messages.push(message);
      }
    }
    return batch.length;
  }
}
