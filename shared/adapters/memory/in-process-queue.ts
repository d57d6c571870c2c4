/**
 * An in-process stand-in for an SQS queue with delays and a dead-letter queue, for the local
 * stack and tests: messages become visible after their DelaySeconds (on the given clock), are
 * handed to an SQS handler in batches of up to 10, those it reports failed come back after
 * `visibilityTimeoutMs`, and after `maxReceiveCount` receives a message moves to the dead letters.
 * Queues are found by name (`inprocess://<name>` in STELE_WEBHOOK_QUEUE_URL), so that a function
 * imported in the same process sends to the queue the local stack drains.
 */
import { randomUUID } from "node:crypto";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { Clock } from "../../ports/clock.ts";
import type { WebhookQueue } from "../../ports/webhook-queue.ts";

interface Message {
  readonly messageId: string;
  readonly body: string;
  visibleAtMs: number;
  receiveCount: number;
  readonly sentAtMs: number;
}

export interface InProcessQueueOptions {
  readonly clock: Clock;
  readonly maxReceiveCount?: number;
  readonly visibilityTimeoutMs?: number;
}

export type SqsBatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export class InProcessQueue implements WebhookQueue {
  readonly #messages: Message[] = [];
  readonly #clock: Clock;
  readonly #maxReceiveCount: number;
  readonly #visibilityTimeoutMs: number;
  /** What went to the dead-letter queue: by deadLetter(), or after too many receives. */
  readonly deadLetters: { readonly body: string }[] = [];
  /** Every message sent, with its delay, oldest first (what tests read). */
  readonly sent: { readonly body: string; readonly delaySeconds: number; readonly atMs: number }[] =
    [];

  constructor(options: InProcessQueueOptions) {
    this.#clock = options.clock;
    this.#maxReceiveCount = options.maxReceiveCount ?? 5;
    this.#visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
  }

  async send(
    messages: readonly { readonly body: string; readonly delaySeconds: number }[],
  ): Promise<void> {
    const nowMs = this.#clock.nowMs();
    for (const { body, delaySeconds } of messages) {
      if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900)
        throw new RangeError(`DelaySeconds must be 0 to 900, got ${delaySeconds}`);
      this.sent.push({ body, delaySeconds, atMs: nowMs });
      this.#messages.push({
        messageId: randomUUID(),
        body,
        visibleAtMs: nowMs + delaySeconds * 1000,
        receiveCount: 0,
        sentAtMs: nowMs,
      });
    }
  }

  async deadLetter(body: string): Promise<void> {
    this.deadLetters.push({ body });
  }

  /** Messages waiting, visible or not. */
  get depth(): number {
    return this.#messages.length;
  }

  /** When the next invisible message becomes visible, if any. */
  get nextVisibleAtMs(): number | undefined {
    const times = this.#messages.map((message) => message.visibleAtMs);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** Hands up to 10 visible messages to `handler`; returns how many it handed over. */
  async deliver(handler: SqsBatchHandler): Promise<number> {
    const nowMs = this.#clock.nowMs();
    const batch = this.#messages.filter((message) => message.visibleAtMs <= nowMs).slice(0, 10);
    if (batch.length === 0) return 0;
    for (const message of batch) {
      message.receiveCount++;
      // In flight: invisible until the handler has answered, or the visibility timeout.
      message.visibleAtMs = nowMs + this.#visibilityTimeoutMs;
    }
    let failed: Set<string>;
    try {
      const response = await handler({ Records: batch.map(toRecord) });
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failed = new Set(batch.map((message) => message.messageId));
    }
    for (const message of batch) {
      const index = this.#messages.indexOf(message);
      if (!failed.has(message.messageId)) {
        this.#messages.splice(index, 1);
      } else if (message.receiveCount >= this.#maxReceiveCount) {
        this.#messages.splice(index, 1);
        this.deadLetters.push({ body: message.body });
      }
    }
    return batch.length;
  }
}

function toRecord(message: Message): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.messageId,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAtMs),
      SenderId: "local",
      ApproximateFirstReceiveTimestamp: String(message.sentAtMs),
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:local:000000000000:stele-webhooks",
    awsRegion: "local",
  };
}

const registry = new Map<string, InProcessQueue>();

/** The in-process queue named `name`, made on first use with `options`. */
export function inProcessQueue(name: string, options: InProcessQueueOptions): InProcessQueue {
  const existing = registry.get(name);
  if (existing !== undefined) return existing;
  const queue = new InProcessQueue(options);
  registry.set(name, queue);
  return queue;
}
