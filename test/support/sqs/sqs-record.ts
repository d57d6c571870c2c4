/** One SQS record as Lambda hands it to a function (a standard queue, first receive). */
import { randomBytes } from "node:crypto";
import type { SQSRecord } from "aws-lambda";

export function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: randomBytes(16).toString("base64"),
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: String(Date.now()),
      SenderId: "AROAEXAMPLE:producer",
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:stele-ingest",
    awsRegion: "us-east-1",
  };
}
