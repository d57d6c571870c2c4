/**
 * A stand-in for Lambda's SQS event source mapping with `FunctionResponseTypes:
 * ["ReportBatchItemFailures"]`, run against a real SQS endpoint (moto in the tests). The queue
 * itself (visibility timeout, receive counts, redrive policy, dead-letter queue) stays SQS's.
 *
 * What it follows, from "Handling errors for an SQS event source in Lambda"
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html) and "Using
 * Lambda with Amazon SQS" (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html):
 * - Lambda polls with ReceiveMessage (a batch of at most 10 here), invokes the function with an
 *   `SQSEvent` whose records carry messageId, receiptHandle, body, the message system attributes
 *   (ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp, ...),
 *   messageAttributes (camelCase, binary values in base64, empty list values), md5OfBody,
 *   eventSource "aws:sqs", eventSourceARN and awsRegion.
 * - On success Lambda deletes the batch's messages from the queue, except those the function
 *   names in `batchItemFailures`: those stay in flight and become visible again when the queue's
 *   visibility timeout runs out, to be received again; once a message has been received
 *   maxReceiveCount times, SQS's redrive policy moves it to the dead-letter queue. The poller
 *   never changes visibility and never moves messages itself.
 * - Lambda treats the batch as a complete success when the response is null or empty, or its
 *   batchItemFailures list is null or empty.
 * - Lambda treats the batch as a complete failure (deletes nothing) when the function throws, or
 *   when the response is invalid: an itemIdentifier that is null, empty, under a wrong key name,
 *   or not the messageId of a record in the batch.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from "aws-lambda";

/** The Lambda function under test; its answer is read as Lambda reads a function's JSON. */
export type SqsFunction = (event: SQSEvent) => Promise<unknown>;

/** What became of one received message in one invocation. */
export type DeliveryOutcome =
  /** Processed: deleted from the queue. */
  | "deleted"
  /** Named in batchItemFailures: left to reappear after the visibility timeout. */
  | "reported-failure"
  /** The invocation threw or answered an invalid response: the whole batch is left in flight. */
  | "batch-failed";

export interface Delivery {
  readonly messageId: string;
  readonly body: string;
  /** ApproximateReceiveCount as SQS reported it on this receive ("1" the first time). */
  readonly receiveCount: number;
  readonly outcome: DeliveryOutcome;
}

export interface PollerOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly handler: SqsFunction;
  /** Messages per invocation, 1 to 10 (the event source mapping's BatchSize); default 10. */
  readonly batchSize?: number;
  /** ReceiveMessage WaitTimeSeconds; default 1 (a short long-poll). */
  readonly waitTimeSeconds?: number;
}

export interface DrainOptions {
  /** Give up (and throw) after this long; default 30 s. */
  readonly timeoutMs?: number;
}

export class LambdaSqsPoller {
  readonly #client: SQSClient;
  readonly #queueUrl: string;
  readonly #queueArn: string;
  readonly #region: string;
  readonly #batchSize: number;
  readonly #waitTimeSeconds: number;
  readonly #handler: SqsFunction;
  /** Every record delivered to the function, in delivery order, with what became of it. */
  readonly deliveries: Delivery[] = [];
  /** The events the function was invoked with, in order. */
  readonly invocations: SQSEvent[] = [];

  private constructor(options: PollerOptions, queueArn: string) {
    this.#client = options.client;
    this.#queueUrl = options.queueUrl;
    this.#queueArn = queueArn;
    this.#region = regionOfArn(queueArn);
    this.#handler = options.handler;
    this.#batchSize = options.batchSize ?? 10;
    this.#waitTimeSeconds = options.waitTimeSeconds ?? 1;
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1 || this.#batchSize > 10) {
      throw new RangeError(`batchSize must be 1 to 10, got ${this.#batchSize}`);
    }
  }

  /** Reads the queue's ARN (the records' eventSourceARN, and their awsRegion). */
  static async create(options: PollerOptions): Promise<LambdaSqsPoller> {
    const queueArn = await queueAttribute(options.client, options.queueUrl, "QueueArn");
    return new LambdaSqsPoller(options, queueArn);
  }

  /** The deliveries of one message, in order. */
  deliveriesOf(messageId: string): Delivery[] {
    return this.deliveries.filter((delivery) => delivery.messageId === messageId);
  }

  /**
   * One poll: ReceiveMessage, invoke the function with the batch, delete what succeeded.
   * Resolves with how many messages were received (0: nothing visible within the wait).
   */
  async pollOnce(): Promise<number> {
    const received = await this.#client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.#queueUrl,
        MaxNumberOfMessages: this.#batchSize,
        WaitTimeSeconds: this.#waitTimeSeconds,
        // Every message system attribute, under both the current and the deprecated name
        // (endpoints that predate MessageSystemAttributeNames read only AttributeNames).
        MessageSystemAttributeNames: ["All"],
        AttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return 0;
    const records = messages.map((message) => this.#toRecord(message));
    const event: SQSEvent = { Records: records };
    this.invocations.push(event);

    const failed = await this.#invoke(event);
    const outcomeOf = (record: SQSRecord): DeliveryOutcome =>
      failed === "all"
        ? "batch-failed"
        : failed.has(record.messageId)
          ? "reported-failure"
          : "deleted";
    const toDelete = records.filter((record) => outcomeOf(record) === "deleted");
    if (toDelete.length > 0) {
      const answer = await this.#client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.#queueUrl,
          Entries: toDelete.map((record, index) => ({
            Id: String(index),
            ReceiptHandle: record.receiptHandle,
          })),
        }),
      );
      if ((answer.Failed ?? []).length > 0) {
        throw new Error(`DeleteMessageBatch failed: ${JSON.stringify(answer.Failed)}`);
      }
    }
    for (const record of records) {
      this.deliveries.push({
        messageId: record.messageId,
        body: record.body,
        receiveCount: Number(record.attributes.ApproximateReceiveCount),
        outcome: outcomeOf(record),
      });
    }
    return records.length;
  }

  /**
   * Polls until the queue is empty: nothing visible, in flight or delayed. Failed messages come
   * back after the visibility timeout until the redrive policy moves them to the dead-letter
   * queue, which SQS does on the receive after their maxReceiveCount-th.
   */
  async drain(options: DrainOptions = {}): Promise<void> {
    const deadline = performance.now() + (options.timeoutMs ?? 30_000);
    while (performance.now() < deadline) {
      if ((await this.pollOnce()) > 0) continue;
      if ((await queueDepth(this.#client, this.#queueUrl)) === 0) return;
    }
    throw new Error(
      `${this.#queueUrl} still holds ${await queueDepth(this.#client, this.#queueUrl)} messages after ${options.timeoutMs ?? 30_000} ms`,
    );
  }

  /** Invokes the function as Lambda does; answers the failed messageIds, or "all". */
  async #invoke(event: SQSEvent): Promise<Set<string> | "all"> {
    let response: unknown;
    try {
      // Lambda hands the function a JSON document and reads its answer as JSON.
      response = await this.#handler(roundTrip(event));
      response = response === undefined ? undefined : roundTrip(response);
    } catch {
      return "all";
    }
    return failedIds(response, new Set(event.Records.map((record) => record.messageId)));
  }

  #toRecord(message: Message): SQSRecord {
    const { MessageId, ReceiptHandle, Body, MD5OfBody, Attributes } = message;
    if (
      MessageId === undefined ||
      ReceiptHandle === undefined ||
      Body === undefined ||
      MD5OfBody === undefined ||
      Attributes === undefined
    ) {
      throw new Error(`ReceiveMessage answered an incomplete message: ${JSON.stringify(message)}`);
    }
    const attribute = (name: keyof typeof Attributes): string => {
      const value = Attributes[name];
      if (value === undefined) throw new Error(`message ${MessageId} lacks attribute ${name}`);
      return value;
    };
    const optional = (name: keyof typeof Attributes): Record<string, string> => {
      const value = Attributes[name];
      return value === undefined ? {} : { [name]: value };
    };
    return {
      messageId: MessageId,
      receiptHandle: ReceiptHandle,
      body: Body,
      attributes: {
        ...optional("AWSTraceHeader"),
        ApproximateReceiveCount: attribute("ApproximateReceiveCount"),
        SentTimestamp: attribute("SentTimestamp"),
        SenderId: attribute("SenderId"),
        ApproximateFirstReceiveTimestamp: attribute("ApproximateFirstReceiveTimestamp"),
        ...optional("SequenceNumber"),
        ...optional("MessageGroupId"),
        ...optional("MessageDeduplicationId"),
        ...optional("DeadLetterQueueSourceArn"),
      },
      messageAttributes: toLambdaAttributes(message.MessageAttributes ?? {}),
      md5OfBody: MD5OfBody,
      ...(message.MD5OfMessageAttributes === undefined
        ? {}
        : { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
      eventSource: "aws:sqs",
      eventSourceARN: this.#queueArn,
      awsRegion: this.#region,
    };
  }
}

/**
 * The messageIds a response names as failed, or "all" when Lambda would reject the response
 * and fail the whole batch.
 */
function failedIds(response: unknown, batch: ReadonlySet<string>): Set<string> | "all" {
  if (response === undefined || response === null) return new Set();
  if (typeof response !== "object" || Array.isArray(response)) return "all";
  if (!("batchItemFailures" in response)) return new Set();
  const failures: unknown = response.batchItemFailures;
  if (failures === null) return new Set();
  if (!Array.isArray(failures)) return "all";
  const failed = new Set<string>();
  for (const failure of failures) {
    if (typeof failure !== "object" || failure === null || !("itemIdentifier" in failure)) {
      return "all";
    }
    const id: unknown = failure.itemIdentifier;
    if (typeof id !== "string" || id === "" || !batch.has(id)) return "all";
    failed.add(id);
  }
  return failed;
}

/** SQS's MessageAttributes as Lambda's records spell them. */
function toLambdaAttributes(
  attributes: Record<string, MessageAttributeValue>,
): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = {
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
      ...(value.BinaryValue === undefined
        ? {}
        : { binaryValue: Buffer.from(value.BinaryValue).toString("base64") }),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((bytes) =>
        Buffer.from(bytes).toString("base64"),
      ),
      dataType: value.DataType ?? "String",
    };
  }
  return out;
}

function roundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** `arn:aws:sqs:<region>:<account>:<name>` → region. */
function regionOfArn(arn: string): string {
  const region = arn.split(":")[3];
  if (region === undefined || region === "") throw new Error(`not a queue ARN: ${arn}`);
  return region;
}

async function queueAttribute(
  client: SQSClient,
  queueUrl: string,
  name: "QueueArn",
): Promise<string> {
  const answer = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [name] }),
  );
  const value = answer.Attributes?.[name];
  if (value === undefined) throw new Error(`${queueUrl} has no ${name}`);
  return value;
}

/** Messages visible, in flight and delayed in a queue (SQS's approximate counts). */
export async function queueDepth(client: SQSClient, queueUrl: string): Promise<number> {
  const names = [
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
  ] as const;
  const answer = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...names] }),
  );
  return names.reduce((sum, name) => sum + Number(answer.Attributes?.[name] ?? "0"), 0);
}
