/**
 * Webhook delivery: the queue the notifier fills and the deliver function reads (batches of 10,
 * partial batch failures), and the webhook dead-letter queue, which gets both the events that
 * failed for 24 hours (sent there by the deliver function) and messages it could not handle
 * (by the queue's redrive policy). Retries are new delayed messages, not redeliveries, so the
 * receive count only counts handling failures.
 */
import { Duration, type RemovalPolicy } from "aws-cdk-lib";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { deadLetterQueue } from "./dead-letter-queue.ts";
import type { SteleFunction } from "./stele-function.ts";

/** Receives of one message that the deliver function could not handle before it is dead-lettered. */
export const WEBHOOK_MAX_RECEIVE_COUNT = 5;

/** Deliver invocations at once (the event source's maximum concurrency). */
export const WEBHOOK_MAX_CONCURRENCY = 10;

export interface WebhookDeliveryProps {
  readonly notifier: SteleFunction;
  readonly deliverer: SteleFunction;
  readonly removalPolicy: RemovalPolicy;
}

export class WebhookDelivery extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: WebhookDeliveryProps) {
    super(scope, id);
    const { notifier, deliverer } = props;
    this.deadLetterQueue = deadLetterQueue(this, "DeadLetters", props.removalPolicy);
    const delivererTimeout = deliverer.fn.timeout ?? Duration.seconds(3);
    this.queue = new Queue(this, "Queue", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // As for ingest: six times the consumer's timeout (AWS's advice for Lambda consumers).
      visibilityTimeout: Duration.seconds(6 * delivererTimeout.toSeconds()),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: WEBHOOK_MAX_RECEIVE_COUNT },
      removalPolicy: props.removalPolicy,
    });
    for (const fn of [notifier, deliverer]) {
      fn.fn.addEnvironment("STELE_WEBHOOK_QUEUE_URL", this.queue.queueUrl);
      fn.fn.addEnvironment("STELE_WEBHOOK_DLQ_URL", this.deadLetterQueue.queueUrl);
    }
    this.queue.grantSendMessages(notifier.role);
    // The deliverer sends retries (delayed) to its own queue, and gives up into the DLQ.
    this.queue.grantSendMessages(deliverer.role);
    this.deadLetterQueue.grantSendMessages(deliverer.role);
    deliverer.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // At most 10 × 10 POSTs in flight: a burst of events does not flood the receivers.
        maxConcurrency: WEBHOOK_MAX_CONCURRENCY,
      }),
    );
  }
}
