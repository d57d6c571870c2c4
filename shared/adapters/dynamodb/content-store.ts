/**
 * ContentStore on Stele's table (key in table.ts): one item per retained entry, its sealed
 * fields as binary attributes (no plaintext, no base64 of it), replaced by a tombstone
 * (`erasedAt`, no ciphertext) on erasure. Operations both DynamoDB Local and dynalite serve.
 */
import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { CONTENT_ALGORITHM } from "../../ports/content-cipher.ts";
import type { ContentStore, RetainedContent, StoredContent } from "../../ports/content-store.ts";
import { type Item, isConditionFailure } from "./item.ts";
import { contentKey } from "./table.ts";

const WRITE_CHUNK = 25;
/** Conditional puts in flight at once for one request with an Idempotency-Key. */
const PUT_CONCURRENCY = 16;
const MAX_BATCH_ATTEMPTS = 10;

export interface DynamoDbContentStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

function contentItem({ entryId, sealed }: RetainedContent): Item {
  const key = contentKey(entryId);
  return {
    pk: { S: key.pk },
    sk: { S: key.sk },
    algorithm: { S: sealed.algorithm },
    keyId: { S: sealed.keyId },
    encryptedDataKey: { B: sealed.encryptedDataKey },
    iv: { B: sealed.iv },
    ciphertext: { B: sealed.ciphertext },
  };
}

/** A stored item this adapter did not write: the table holds someone else's data. */
export class CorruptContentItemError extends Error {
  constructor(entryId: string, detail: string) {
    super(`stored content of entry ${entryId} is not what this adapter writes: ${detail}`);
    this.name = "CorruptContentItemError";
  }
}

function toStoredContent(entryId: string, item: Item): StoredContent {
  const erasedAt = item.erasedAt?.S;
  if (erasedAt !== undefined) return { state: "erased", erasedAt };
  const { algorithm, keyId, encryptedDataKey, iv, ciphertext } = item;
  if (
    algorithm?.S !== CONTENT_ALGORITHM ||
    keyId?.S === undefined ||
    encryptedDataKey?.B === undefined ||
    iv?.B === undefined ||
    ciphertext?.B === undefined
  ) {
    throw new CorruptContentItemError(entryId, "a field is missing or the algorithm is unknown");
  }
  return {
    state: "kept",
    sealed: {
      algorithm: CONTENT_ALGORITHM,
      keyId: keyId.S,
      encryptedDataKey: encryptedDataKey.B,
      iv: iv.B,
      ciphertext: ciphertext.B,
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class DynamoDbContentStore implements ContentStore {
  readonly #client: DynamoDBClient;
  readonly #table: string;

  constructor(options: DynamoDbContentStoreOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
  }

  async putNewContents(contents: readonly RetainedContent[]): Promise<void> {
    // New entry ids: nothing can be stored under them yet, so unconditional batch writes do.
    for (let i = 0; i < contents.length; i += WRITE_CHUNK) {
      let requests: WriteRequest[] = contents
        .slice(i, i + WRITE_CHUNK)
        .map((content) => ({ PutRequest: { Item: contentItem(content) } }));
      for (let attempt = 1; requests.length > 0; attempt++) {
        if (attempt > MAX_BATCH_ATTEMPTS) {
          throw new Error(
            `BatchWriteItem left ${requests.length} content item(s) unprocessed after ` +
              `${MAX_BATCH_ATTEMPTS} attempts: the table is throttling; retry later`,
          );
        }
        if (attempt > 1) await sleep(Math.random() * Math.min(2_000, 25 * 2 ** attempt));
        const { UnprocessedItems } = await this.#client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.#table]: requests } }),
        );
        requests = UnprocessedItems?.[this.#table] ?? [];
      }
    }
  }

  async restoreContents(contents: readonly RetainedContent[]): Promise<void> {
    const queue = contents.values();
    const worker = async () => {
      for (const content of queue) {
        try {
          await this.#client.send(
            new PutItemCommand({
              TableName: this.#table,
              Item: contentItem(content),
              // Kept by the first attempt, or erased since: either way it stays as it is.
              ConditionExpression: "attribute_not_exists(pk)",
            }),
          );
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PUT_CONCURRENCY, contents.length) }, worker));
  }

  async getContent(entryId: string): Promise<StoredContent | undefined> {
    const key = contentKey(entryId);
    const { Item } = await this.#client.send(
      new GetItemCommand({
        TableName: this.#table,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : toStoredContent(entryId, Item);
  }

  async eraseContent(entryId: string, erasedAt: string): Promise<string> {
    const key = contentKey(entryId);
    const { Attributes } = await this.#client.send(
      new UpdateItemCommand({
        TableName: this.#table,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        // One write whatever is there: the first erasure's time stays; the ciphertext and its
        // wrapped data key go.
        UpdateExpression:
          "SET erasedAt = if_not_exists(erasedAt, :erasedAt) " +
          "REMOVE algorithm, keyId, encryptedDataKey, iv, ciphertext",
        ExpressionAttributeValues: { ":erasedAt": { S: erasedAt } },
        ReturnValues: "ALL_NEW",
      }),
    );
    const stored = Attributes?.erasedAt?.S;
    if (stored === undefined)
      throw new CorruptContentItemError(entryId, "no erasedAt after erasing");
    return stored;
  }
}
