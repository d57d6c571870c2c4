/**
 * The DynamoDB operations each function issues, read from the store methods its use cases call
 * (shared/adapters/dynamodb/dynamodb-store.ts) and checked by test/infra/table-access.test.ts,
 * which runs each handler and records its calls. A store change that issues a new operation on
 * a function's path must add it here, or the function meets AccessDenied in AWS.
 */
import { WEBHOOK_PARTITION } from "../../shared/adapters/dynamodb/table.ts";
import type { FunctionName } from "../catalog.ts";
import type { TableOperation } from "./storage.ts";

export const TABLE_ACCESS: Record<FunctionName, readonly TableOperation[]> = {
  // getApiKey, claimIdempotencyKey (GetItem, PutItem); registerLedger (PutItem); putBatch
  // without an Idempotency-Key (BatchWriteItem), restoreBatch with one (PutItem, getBatch: Query).
  // PUT and GET /v1/webhook (PutItem, GetItem); DELETE /v1/webhook (DeleteItem, on the
  // webhooks' partition only: TABLE_PARTITIONS).
  // Retained content: putNewContents (BatchWriteItem), restoreContents (PutItem).
  "accept-entries": ["GetItem", "PutItem", "BatchWriteItem", "Query", "DeleteItem"],
  // Read-only: getApiKey, getHead, getCheckpoint (GetItem); getBatch, listLedgers,
  // findByContentHash, recentAnchors (Query); tiles (BatchGetItem).
  "read-api": ["GetItem", "Query", "BatchGetItem"],
  // getApiKey, getContent (GetItem); getBatch (Query); eraseContent (UpdateItem).
  "entry-content": ["GetItem", "Query", "UpdateItem"],
  // Always with an idempotency key (the message id): claimIdempotencyKey (PutItem, GetItem),
  // registerLedger (PutItem), restoreBatch (PutItem, getBatch: Query); never putBatch.
  "ingest-queue": ["GetItem", "PutItem", "Query"],
  // listLedgers, listPending, getBatch (Query, BatchGetItem, BatchWriteItem for stale marks);
  // getHead, getPlan (GetItem); claimPlan, writeTiles, putCheckpoint, advanceHead (PutItem);
  // putContentIndex (BatchWriteItem); markSequenced (GetItem, PutItem, DeleteItem);
  // retirePlan (UpdateItem); tiles (BatchGetItem).
  "integrate-ledgers": [
    "GetItem",
    "Query",
    "BatchGetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
  ],
  // listLedgers, recentAnchors (Query); getHead (GetItem); putAnchor (PutItem).
  "anchor-checkpoints": ["GetItem", "Query", "PutItem"],
  // listWebhooks, listLedgers, recentAnchors, nextCheckpointSize (Query); getHead, getCursor,
  // readPlan (GetItem); batchOwners (BatchGetItem); putCursor (PutItem).
  "notify-webhooks": ["GetItem", "Query", "BatchGetItem", "PutItem"],
  // getWebhook (GetItem); claimDelivery, markDelivered (PutItem, GetItem); releaseDelivery after
  // a failed POST (DeleteItem); getBatch (Query).
  "deliver-webhooks": ["GetItem", "PutItem", "DeleteItem", "Query"],
};

/** Per function, operations granted on some partitions only: their partition key values. */
export type PartitionLimits = Partial<Record<TableOperation, readonly string[]>>;

/**
 * Operations of TABLE_ACCESS that a function may issue only on the partitions named here (IAM's
 * dynamodb:LeadingKeys), not table-wide: a fault or a bug on that path cannot reach the rest.
 */
export const TABLE_PARTITIONS: Partial<Record<FunctionName, PartitionLimits>> = {
  // Its one delete is DELETE /v1/webhook: never an entry's batch, mark or idempotency record.
  "accept-entries": { DeleteItem: [WEBHOOK_PARTITION] },
};
