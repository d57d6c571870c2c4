/**
 * The SQS ingest path: the queue AWS-internal producers send entries to (with IAM, through the
 * managed policy below), its dead-letter queue, and the ingest function reading it in batches
 * with partial batch failures (an invalid message is retried alone, then dead-lettered).
 */
import { Duration, type RemovalPolicy } from "aws-cdk-lib";
import { ManagedPolicy, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { deadLetterQueue } from "./dead-letter-queue.ts";
import type { SteleFunction } from "./stele-function.ts";

/** Receives of one message before it goes to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

export interface IngestQueueProps {
  readonly consumer: SteleFunction;
  readonly removalPolicy: RemovalPolicy;
}

export class IngestQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Attach to a producer's role: it may send to the ingest queue, nothing else. */
  readonly sendPolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: IngestQueueProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(this, "DeadLetters", props.removalPolicy);
    const consumerTimeout = props.consumer.fn.timeout ?? Duration.seconds(3);
    this.queue = new Queue(this, "Queue", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's advice for Lambda consumers: six times the function's timeout, so that a batch
      // still being retried by Lambda is not delivered again meanwhile.
      visibilityTimeout: Duration.seconds(6 * consumerTimeout.toSeconds()),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
      removalPolicy: props.removalPolicy,
    });
    props.consumer.fn.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    this.sendPolicy = new ManagedPolicy(this, "SendPolicy", {
      description: "Send entries to the Stele ingest queue",
      statements: [
        new PolicyStatement({
          // SendMessageBatch is authorised as sqs:SendMessage.
          actions: ["sqs:SendMessage", "sqs:GetQueueUrl"],
          resources: [this.queue.queueArn],
        }),
      ],
    });
  }
}
