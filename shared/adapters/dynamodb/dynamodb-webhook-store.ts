/**
 * WebhookStore and the webhook notifier's reads on Stele's table (layout in table.ts): webhooks
 * in one partition, a delivery mark per (tenant, event), a cursor per ledger, and read-only looks
 * at the plans, checkpoints and batches that DynamoDbStore writes.
 */
import {
  BatchGetItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import type { SequencingPlan } from "../../ports/log-store.ts";
import type {
  BatchOwner,
  NotifierReads,
  NotifyCursor,
} from "../../ports/webhook-notifier-reads.ts";
import type { DeliveryClaim, WebhookRecord, WebhookStore } from "../../ports/webhook-store.ts";
import { type Item, isConditionFailure, keyItem } from "./item.ts";
import {
  batchKey,
  batchPartition,
  checkpointKey,
  type ItemKey,
  ledgerPartition,
  planKey,
  WEBHOOK_DELIVERY_TTL_SECONDS,
  WEBHOOK_PARTITION,
  webhookCursorKey,
  webhookDeliveryKey,
  webhookKey,
} from "./table.ts";

const READ_CHUNK = 100;
const MAX_READ_ATTEMPTS = 10;
const CHECKPOINT_PREFIX = checkpointKey("x", 0).sk.replace(/\d+$/, "");

function text(item: Item, name: string): string {
  const value = item[name]?.S;
  if (value === undefined)
    throw new Error(`stored item ${item.pk?.S}/${item.sk?.S} has no string ${name}`);
  return value;
}

function toWebhook(item: Item): WebhookRecord {
  return {
    tenant: text(item, "sk"),
    url: text(item, "url"),
    secret: text(item, "secret"),
    createdAt: text(item, "createdAt"),
  };
}

export interface DynamoDbWebhookStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

export class DynamoDbWebhookStore implements WebhookStore, NotifierReads {
  readonly #client: DynamoDBClient;
  readonly #table: string;

  constructor(options: DynamoDbWebhookStoreOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
  }

  // ---- WebhookStore -----------------------------------------------------------------------

  async putWebhook(record: WebhookRecord): Promise<boolean> {
    const { Attributes } = await this.#client.send(
      new PutItemCommand({
        TableName: this.#table,
        Item: {
          ...keyItem(webhookKey(record.tenant)),
          url: { S: record.url },
          secret: { S: record.secret },
          createdAt: { S: record.createdAt },
        },
        ReturnValues: "ALL_OLD",
      }),
    );
    return Attributes === undefined;
  }

  async getWebhook(tenant: string): Promise<WebhookRecord | undefined> {
    const item = await this.#get(webhookKey(tenant));
    return item === undefined ? undefined : toWebhook(item);
  }

  async deleteWebhook(tenant: string): Promise<boolean> {
    const { Attributes } = await this.#client.send(
      new DeleteItemCommand({
        TableName: this.#table,
        Key: keyItem(webhookKey(tenant)),
        ReturnValues: "ALL_OLD",
      }),
    );
    return Attributes !== undefined;
  }

  async listWebhooks(): Promise<WebhookRecord[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": { S: WEBHOOK_PARTITION } },
          ConsistentRead: true,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items.map(toWebhook);
  }

  async claimDelivery(
    tenant: string,
    eventId: string,
    nowMs: number,
    leaseMs: number,
  ): Promise<DeliveryClaim> {
    const key = webhookDeliveryKey(tenant, eventId);
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: {
            ...keyItem(key),
            state: { S: "leased" },
            leaseUntilMs: { N: String(nowMs + leaseMs) },
            expiresAt: { N: String(Math.floor(nowMs / 1000) + WEBHOOK_DELIVERY_TTL_SECONDS) },
          },
          // A lease that ran out belonged to a delivery that died mid-POST: take it over.
          ConditionExpression:
            "attribute_not_exists(pk) OR (#state = :leased AND leaseUntilMs <= :now)",
          ExpressionAttributeNames: { "#state": "state" },
          ExpressionAttributeValues: {
            ":leased": { S: "leased" },
            ":now": { N: String(nowMs) },
          },
        }),
      );
      return "claimed";
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const stored = await this.#get(key);
    return stored?.state?.S === "delivered" ? "delivered" : "busy";
  }

  async markDelivered(tenant: string, eventId: string, nowMs: number): Promise<void> {
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#table,
        Item: {
          ...keyItem(webhookDeliveryKey(tenant, eventId)),
          state: { S: "delivered" },
          deliveredAtMs: { N: String(nowMs) },
          expiresAt: { N: String(Math.floor(nowMs / 1000) + WEBHOOK_DELIVERY_TTL_SECONDS) },
        },
      }),
    );
  }

  async releaseDelivery(tenant: string, eventId: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteItemCommand({
          TableName: this.#table,
          Key: keyItem(webhookDeliveryKey(tenant, eventId)),
          // Never removes a delivered mark.
          ConditionExpression: "#state = :leased",
          ExpressionAttributeNames: { "#state": "state" },
          ExpressionAttributeValues: { ":leased": { S: "leased" } },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  // ---- NotifierReads ----------------------------------------------------------------------

  async readPlan(ledger: string, fromSize: number): Promise<SequencingPlan | undefined> {
    const item = await this.#get(planKey(ledger, fromSize));
    if (item === undefined) return undefined;
    return {
      ledger,
      fromSize,
      toSize: Number(item.toSize?.N),
      batches: JSON.parse(text(item, "batches")) as SequencingPlan["batches"],
    };
  }

  async nextCheckpointSize(ledger: string, treeSize: number): Promise<number | undefined> {
    const page = await this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: {
          ":pk": { S: ledgerPartition(ledger) },
          ":from": { S: checkpointKey(ledger, treeSize + 1).sk },
          ":to": { S: `${CHECKPOINT_PREFIX}9999999999999999` },
        },
        ProjectionExpression: "sk",
        Limit: 1,
      }),
    );
    const sk = page.Items?.[0]?.sk?.S;
    return sk === undefined ? undefined : Number(sk.slice(CHECKPOINT_PREFIX.length));
  }

  async batchOwners(batchIds: readonly string[]): Promise<Map<string, BatchOwner>> {
    const owners = new Map<string, BatchOwner>();
    const unique = [...new Set(batchIds)];
    for (let i = 0; i < unique.length; i += READ_CHUNK) {
      let keys = unique.slice(i, i + READ_CHUNK).map((batchId) => keyItem(batchKey(batchId)));
      for (let attempt = 1; keys.length > 0; attempt++) {
        if (attempt > MAX_READ_ATTEMPTS)
          throw new Error(`BatchGetItem left ${keys.length} batch(es) unread: the table throttles`);
        const { Responses, UnprocessedKeys } = await this.#client.send(
          new BatchGetItemCommand({
            RequestItems: {
              // Strongly consistent, as every other read of the notifier: a batch the plan names
              // is there, and its owner is the one written.
              [this.#table]: {
                Keys: keys,
                ProjectionExpression: "pk, tenant",
                ConsistentRead: true,
              },
            },
          }),
        );
        for (const item of Responses?.[this.#table] ?? []) {
          const batchId = text(item, "pk").slice(batchPartition("").length);
          const tenant = item.tenant?.S;
          owners.set(batchId, tenant === undefined ? { batchId } : { batchId, tenant });
        }
        keys = UnprocessedKeys?.[this.#table]?.Keys ?? [];
        if (keys.length > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      }
    }
    return owners;
  }

  async getCursor(ledger: string): Promise<NotifyCursor | undefined> {
    const item = await this.#get(webhookCursorKey(ledger));
    return item === undefined ? undefined : (JSON.parse(text(item, "cursor")) as NotifyCursor);
  }

  async putCursor(cursor: NotifyCursor): Promise<boolean> {
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: {
            ...keyItem(webhookCursorKey(cursor.ledger)),
            version: { N: String(cursor.version) },
            cursor: { S: JSON.stringify(cursor) },
          },
          ...(cursor.version === 0
            ? { ConditionExpression: "attribute_not_exists(pk)" }
            : {
                ConditionExpression: "version = :previous",
                ExpressionAttributeValues: { ":previous": { N: String(cursor.version - 1) } },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async #get(key: ItemKey): Promise<Item | undefined> {
    const { Item } = await this.#client.send(
      new GetItemCommand({ TableName: this.#table, Key: keyItem(key), ConsistentRead: true }),
    );
    return Item;
  }
}
