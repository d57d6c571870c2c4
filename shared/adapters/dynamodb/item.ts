/** Small helpers every adapter on Stele's table uses on raw DynamoDB items. */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { ItemKey } from "./table.ts";

export type Item = Record<string, AttributeValue>;

/** The key attributes of an item. */
export function keyItem(key: ItemKey): Item {
  return { pk: { S: key.pk }, sk: { S: key.sk } };
}

/** Whether a write failed only because its condition did not hold. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}
