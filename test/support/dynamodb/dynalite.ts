// dynalite for the contract suite: the very embedded DynamoDB the local stack runs on.
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from "../../../local/embedded-dynamodb.ts";

export type DynamoDbBackend = EmbeddedDynamoDb;

/** Starts dynalite; `path` keeps its data on disk there. Tables become ACTIVE at once. */
export function startDynalite(options: { path?: string } = {}): Promise<DynamoDbBackend> {
  return startEmbeddedDynamoDb(options);
}
