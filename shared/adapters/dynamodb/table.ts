/**
 * Stele's single DynamoDB table: a string partition key `pk`, a string sort key `sk`, and TTL on
 * `expiresAt`. Every item kind's key is built here and nowhere else, so the layout is one page:
 *
 *   BATCH#<batchId>       BATCH                     a batch's entries
 *   BATCH#<batchId>       SEQ                       its first leaf index, once sequenced
 *   PENDING#<ledger>      <batchId>                 a pending mark
 *   IDEM#<scope>#<key>    IDEM                      an Idempotency-Key (TTL)
 *   HASH#<contentHash>    <ledger>#<leafIndex>      the content index
 *   LEDGER#<ledger>       HEAD                      the head
 *   LEDGER#<ledger>       PLAN#<fromSize>           a sequencing plan (TTL once retired)
 *   LEDGER#<ledger>       CHECKPOINT#<treeSize>     a signed checkpoint
 *   TILE#<ledger>         <level>/<index>           a hash tile
 *   LEDGERS               <ledger>                  the ledger registry
 *   APIKEY#<keyHash>      APIKEY                    an API key
 *   SUBJECT#<tenant>#<subject>  <ledger>#<sequence>  a subject's event and its link
 *   SUBJECT#<tenant>#<subject>  <ledger>#HEAD        the head of a subject's chain
 *   WEBHOOKS              <tenant>                  a tenant's webhook
 *   WHDELIVERY#<tenant>#<eventId>  DELIVERY         a webhook delivery mark (TTL)
 *   WHCURSOR#<ledger>     CURSOR                    the webhook notifier's cursor
 *   CONTENT#<entryId>     CONTENT                   an entry's retained content (sealed) or tombstone
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";

/** The key and TTL attribute names (infra declares the same table from these). */
export const TABLE_SCHEMA = {
  partitionKey: "pk",
  sortKey: "sk",
  timeToLiveAttribute: "expiresAt",
} as const;

/** How long an Idempotency-Key is remembered. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * How long a retired sequencing plan is kept, from the plan's creation: far longer than any
 * integrate run (a Lambda's 15 minutes) that may still act on the head the plan started from.
 */
export const RETIRED_PLAN_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** A non-negative integer as 16 decimal digits, so sort keys order like the numbers (2^53 has 16). */
export function pad16(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`a key number must be a safe non-negative integer, got ${value}`);
  }
  return String(value).padStart(16, "0");
}

/** The partition of one batch: its entries and, once sequenced, its leaves. */
export function batchPartition(batchId: string): string {
  return `BATCH#${batchId}`;
}

/** A batch and its entries (one item per accepted request); putBatch may write it again. */
export function batchKey(batchId: string): ItemKey {
  return { pk: batchPartition(batchId), sk: "BATCH" };
}

/**
 * A batch's first leaf index, present once it is sequenced: an item of its own, which no write of
 * the batch item (a repeated putBatch, restoreBatch) can remove.
 */
export function batchSequencedKey(batchId: string): ItemKey {
  return { pk: batchPartition(batchId), sk: "SEQ" };
}

/** The partition listing a ledger's pending batches, in batchId (time) order. */
export function pendingPartition(ledger: string): string {
  return `PENDING#${ledger}`;
}

/** A batch's pending mark: present from accept until the batch is sequenced. */
export function pendingKey(ledger: string, batchId: string): ItemKey {
  return { pk: pendingPartition(ledger), sk: batchId };
}

/** An Idempotency-Key of one caller; scope may not contain "#" (the key may: it comes last). */
export function idempotencyKey(scope: string, key: string): ItemKey {
  if (scope.includes("#"))
    throw new RangeError(`an idempotency scope may not contain "#": ${scope}`);
  return { pk: `IDEM#${scope}#${key}`, sk: "IDEM" };
}

/** The partition of every sequenced entry with one content hash, across ledgers. */
export function contentHashPartition(contentHash: string): string {
  return `HASH#${contentHash}`;
}

/** The sort-key prefix of a content hash's entries in one ledger. */
export function contentIndexLedgerPrefix(ledger: string): string {
  return `${ledger}#`;
}

/** One sequenced entry in the content index, ordered by ledger then leaf index. */
export function contentIndexKey(contentHash: string, ledger: string, leafIndex: number): ItemKey {
  return {
    pk: contentHashPartition(contentHash),
    sk: `${contentIndexLedgerPrefix(ledger)}${pad16(leafIndex)}`,
  };
}

/** The partition holding a ledger's head, plans and checkpoints. */
export function ledgerPartition(ledger: string): string {
  return `LEDGER#${ledger}`;
}

/** A ledger's head: the tree size and checkpoint the integrate step last published. */
export function headKey(ledger: string): ItemKey {
  return { pk: ledgerPartition(ledger), sk: "HEAD" };
}

/**
 * The sequencing plan of the integrate run that starts at `fromSize`; once retired it stays until
 * its TTL, so that no other plan is ever claimed for that size.
 */
export function planKey(ledger: string, fromSize: number): ItemKey {
  return { pk: ledgerPartition(ledger), sk: `PLAN#${pad16(fromSize)}` };
}

/** The signed checkpoint of `treeSize` (sorted by size, so the latest is one Query away). */
export function checkpointKey(ledger: string, treeSize: number): ItemKey {
  return { pk: ledgerPartition(ledger), sk: `CHECKPOINT#${pad16(treeSize)}` };
}

/** Anchors of a ledger on one chain, newest (treeSize, then attempt) last in sort order. */
export function anchorPartition(ledger: string, chainId: number): string {
  return `ANCHOR#${ledger}#${chainId}`;
}

/** One anchoring of the checkpoint of `treeSize`; `attempt` counts re-anchorings after a reorg. */
export function anchorKey(
  ledger: string,
  chainId: number,
  treeSize: number,
  attempt: number,
): ItemKey {
  return { pk: anchorPartition(ledger, chainId), sk: `${pad16(treeSize)}#${pad16(attempt)}` };
}

/**
 * A hash tile, one item per level and index whatever its width: a wider one replaces it, a
 * narrower one never does.
 */
export function tileItemKey(ledger: string, level: number, index: number): ItemKey {
  return { pk: `TILE#${ledger}`, sk: `${level}/${pad16(index)}` };
}

/** The partition listing every ledger by name (a handful of small items). */
export const LEDGER_REGISTRY_PARTITION = "LEDGERS";

/** A ledger's registration: it exists, so integrate visits it and GET /v1/log lists it. */
export function ledgerRegistryKey(ledger: string): ItemKey {
  return { pk: LEDGER_REGISTRY_PARTITION, sk: ledger };
}

/** An API key, found by the SHA-256 of the bearer token. */
export function apiKeyKey(keyHash: string): ItemKey {
  return { pk: `APIKEY#${keyHash}`, sk: "APIKEY" };
}

/** The partition listing every tenant's webhook (one small item per tenant that set one). */
export const WEBHOOK_PARTITION = "WEBHOOKS";

/** A tenant's webhook: URL and secret. */
export function webhookKey(tenant: string): ItemKey {
  return { pk: WEBHOOK_PARTITION, sk: tenant };
}

/** Whether an event reached a tenant's webhook (or is being POSTed now); tenant has no "#". */
export function webhookDeliveryKey(tenant: string, eventId: string): ItemKey {
  return { pk: `WHDELIVERY#${tenant}#${eventId}`, sk: "DELIVERY" };
}

/** How long a delivery mark is kept: past the 24 h of retries and any late duplicate. */
export const WEBHOOK_DELIVERY_TTL_SECONDS = 3 * 24 * 60 * 60;

/**
 * An entry's retained content, sealed (binary attributes only), or its tombstone once erased: a
 * partition of its own, so reading a batch never reads its entries' contents.
 */
export function contentKey(entryId: string): ItemKey {
  return { pk: `CONTENT#${entryId}`, sk: "CONTENT" };
}

/** The webhook notifier's cursor of one ledger (see shared/app/webhooks/notify.ts). */
export function webhookCursorKey(ledger: string): ItemKey {
  return { pk: `WHCURSOR#${ledger}`, sk: "CURSOR" };
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * Creates the table (on-demand billing, TTL on `expiresAt` where the backend supports it) for
 * tests and the local stack, or keeps an existing one; resolves once it is ACTIVE.
 */
export async function createTable(
  client: DynamoDBClient,
  tableName: string,
  timeoutMs = 30_000,
): Promise<void> {
  let created = false;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: "S" },
          { AttributeName: TABLE_SCHEMA.sortKey, AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: "HASH" },
          { AttributeName: TABLE_SCHEMA.sortKey, KeyType: "RANGE" },
        ],
      }),
    );
    created = true;
  } catch (error) {
    // A restarted local stack finds its table on disk.
    if (errorName(error) !== "ResourceInUseException") throw error;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === "ACTIVE") break;
    if (Date.now() > deadline) {
      throw new Error(
        `table ${tableName} is ${Table?.TableStatus} after ${timeoutMs} ms, want ACTIVE`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!created) return;
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: {
          AttributeName: TABLE_SCHEMA.timeToLiveAttribute,
          Enabled: true,
        },
      }),
    );
  } catch (error) {
    // dynalite has no TTL: idempotency records then simply stay (they are also replaced once
    // expired, see claimIdempotencyKey), which is harmless locally.
    if (errorName(error) !== "UnknownOperationException") throw error;
  }
}

/** The partition of one tenant's subject: its chain in each ledger (names hold no "#"). */
export function subjectPartition(tenant: string, subject: string): string {
  return `SUBJECT#${tenant}#${subject}`;
}

/** Event `sequence` of a subject's chain in `ledger`. */
export function subjectEventKey(
  tenant: string,
  subject: string,
  ledger: string,
  sequence: number,
): ItemKey {
  return { pk: subjectPartition(tenant, subject), sk: `${ledger}#${pad16(sequence)}` };
}

/** The head of a subject's chain in `ledger` (sorts after its events: "H" > digits). */
export function subjectHeadKey(tenant: string, subject: string, ledger: string): ItemKey {
  return { pk: subjectPartition(tenant, subject), sk: `${ledger}#HEAD` };
}
