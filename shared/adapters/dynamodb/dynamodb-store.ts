/**
 * EntryStore, LogStore and ApiKeyStore on one DynamoDB table (layout in table.ts). Only
 * operations that both DynamoDB Local and dynalite serve: single-item reads and writes with
 * conditions, Query, BatchWriteItem and BatchGetItem; no transactions.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { SteleError } from "../../domain/errors.ts";
import type { Batch, BatchEntry, SequencedBatch } from "../../domain/ledger/batch.ts";
import type { TileWrite } from "../../domain/merkle/append-leaves.ts";
import { HASH_BYTES } from "../../domain/merkle/hasher.ts";
import type { TileReader } from "../../domain/merkle/tile-reader.ts";
import type { AnchorRecord, AnchorStore } from "../../ports/anchor-store.ts";
import type { ApiKeyRecord, ApiKeyStore, ApiScope } from "../../ports/api-key-store.ts";
import type { Clock } from "../../ports/clock.ts";
import type { ContentIndexEntry, EntryStore, IdempotencyRecord } from "../../ports/entry-store.ts";
import type {
  LedgerHead,
  LogStore,
  SequencingPlan,
  StoredCheckpoint,
} from "../../ports/log-store.ts";
import type {
  StoredSubjectHead,
  SubjectEvent,
  SubjectKey,
  SubjectStore,
} from "../../ports/subject-store.ts";
import { type Item, isConditionFailure, keyItem } from "./item.ts";
import {
  subjectEventItem,
  subjectHeadItem,
  toStoredHead,
  toSubjectEvent,
} from "./subject-items.ts";
import {
  anchorKey,
  anchorPartition,
  apiKeyKey,
  batchKey,
  batchPartition,
  batchSequencedKey,
  checkpointKey,
  contentHashPartition,
  contentIndexKey,
  contentIndexLedgerPrefix,
  headKey,
  IDEMPOTENCY_TTL_SECONDS,
  type ItemKey,
  idempotencyKey,
  LEDGER_REGISTRY_PARTITION,
  ledgerRegistryKey,
  pendingKey,
  pendingPartition,
  planKey,
  RETIRED_PLAN_TTL_SECONDS,
  subjectEventKey,
  subjectHeadKey,
  tileItemKey,
} from "./table.ts";

/** Backoff for the items and keys a batch call hands back unprocessed (throttling). */
export interface BatchRetryOptions {
  /** Calls per chunk before giving up (the first call included). */
  readonly maxAttempts: number;
  /** Backoff before retry n is uniform in [0, min(maxDelayMs, baseDelayMs · 2^n)) ("full jitter"). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface DynamoDbStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly retry?: Partial<BatchRetryOptions>;
  /**
   * Ages pending marks whose batch is missing (see listPending) and dates plans (see retirePlan);
   * the system clock by default.
   */
  readonly clock?: Clock;
  /**
   * A pending mark whose batch is missing is removed only once its batchId is older than this:
   * before that, the batch may still be on its way (a BatchWriteItem that stored the mark and is
   * retrying the batch). Longer than any call that writes a batch can take: Lambda's 15 minutes.
   */
  readonly orphanMarkAgeMs?: number;
}

/** DynamoDB's item size limit: attribute names and values, in bytes. */
const MAX_ITEM_BYTES = 400 * 1024;
const DEFAULT_RETRY: BatchRetryOptions = { maxAttempts: 10, baseDelayMs: 25, maxDelayMs: 2_000 };
const WRITE_CHUNK = 25;
const READ_CHUNK = 100;
/** BatchWriteItem calls in flight at once for one large write. */
const WRITE_CONCURRENCY = 4;
/** Conditional PutItem calls in flight at once for the tiles of one write (thousands in bulk). */
const TILE_CONCURRENCY = 16;

/** Thrown when a batch call still has unprocessed items or keys after every retry. */
export class BatchRetriesExhaustedError extends Error {
  constructor(operation: string, left: number, attempts: number) {
    super(
      `${operation} left ${left} item(s) unprocessed after ${attempts} attempts: the table is ` +
        "throttling; retry later or raise its capacity",
    );
    this.name = "BatchRetriesExhaustedError";
  }
}

/**
 * A request's batch (or its Idempotency-Key record) over DynamoDB's 400 KB item limit. AWS and
 * DynamoDB Local reject such an item; dynalite stores it in a BatchWriteItem, so the adapter
 * checks the size itself, to behave alike everywhere. A SteleError, so the HTTP layer answers it.
 */
export class ItemTooLargeError extends SteleError {
  readonly sizeBytes: number;

  constructor(key: string, sizeBytes: number) {
    super(
      "too_large",
      `the request's entries take ${sizeBytes} bytes to store, over the ${MAX_ITEM_BYTES}-byte ` +
        "limit of one request: send fewer entries (or shorter clientRefs) per request",
      { item: key, sizeBytes, maxBytes: MAX_ITEM_BYTES },
    );
    this.sizeBytes = sizeBytes;
  }
}

/** A stored item lacks what this adapter always writes: the table holds someone else's data. */
export class CorruptItemError extends Error {
  constructor(key: string, detail: string) {
    super(`stored item ${key} is not what this adapter writes: ${detail}`);
    this.name = "CorruptItemError";
  }
}

function itemName(item: Item): string {
  return `${item.pk?.S ?? "?"}/${item.sk?.S ?? "?"}`;
}

function str(item: Item, name: string): string {
  const value = item[name]?.S;
  if (value === undefined) throw new CorruptItemError(itemName(item), `no string ${name}`);
  return value;
}

function num(item: Item, name: string): number {
  const value = item[name]?.N;
  if (value === undefined) throw new CorruptItemError(itemName(item), `no number ${name}`);
  return Number(value);
}

function json<T>(item: Item, name: string): T {
  return JSON.parse(str(item, name)) as T;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/** Runs `task` on every value, at most `concurrency` at once; rejects with the first failure. */
async function eachConcurrently<T>(
  values: readonly T[],
  concurrency: number,
  task: (value: T) => Promise<void>,
): Promise<void> {
  // One iterator shared by the workers: each takes the next value when it is free.
  const next = values.values();
  const worker = async () => {
    for (const value of next) await task(value);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, values.length) }, worker));
}

/** A key as one string, for maps and for finding duplicates. */
function keyString(key: ItemKey): string {
  return `${key.pk}\u0000${key.sk}`;
}

function keyOf(item: Item): ItemKey {
  return { pk: item.pk?.S ?? "", sk: item.sk?.S ?? "" };
}

/** Milliseconds encoded in a ULID's first 10 characters (Crockford base 32), if it is one. */
function ulidTimeMs(id: string): number | undefined {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  if (id.length < 10) return undefined;
  let ms = 0;
  for (const char of id.slice(0, 10)) {
    const digit = alphabet.indexOf(char);
    if (digit < 0) return undefined;
    ms = ms * 32 + digit;
  }
  return ms;
}

/** An item's size as DynamoDB counts it, at most (for the string, number and binary items here). */
function itemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (value.S !== undefined) bytes += Buffer.byteLength(value.S);
    else if (value.N !== undefined) bytes += value.N.length;
    else if (value.B !== undefined) bytes += value.B.length;
  }
  return bytes;
}

function fitting(item: Item): Item {
  const bytes = itemBytes(item);
  if (bytes > MAX_ITEM_BYTES) throw new ItemTooLargeError(itemName(item), bytes);
  return item;
}

function batchItem(batch: Batch): Item {
  return fitting({
    ...keyItem(batchKey(batch.batchId)),
    ledger: { S: batch.ledger },
    ...(batch.tenant === undefined ? {} : { tenant: { S: batch.tenant } }),
    receivedAt: { S: batch.receivedAt },
    // One JSON string, not a list of maps: a fraction of the size and of the (un)marshalling.
    entries: { S: JSON.stringify(batch.entries) },
  });
}

function toBatch(item: Item): Batch {
  return {
    batchId: str(item, "pk").slice(batchPartition("").length),
    ledger: str(item, "ledger"),
    ...(item.tenant?.S === undefined ? {} : { tenant: item.tenant.S }),
    receivedAt: str(item, "receivedAt"),
    entries: json<BatchEntry[]>(item, "entries"),
  };
}

function isSequenced(batch: Batch | SequencedBatch): batch is SequencedBatch {
  return "firstLeafIndex" in batch;
}

function pendingItem(batch: Batch): Item {
  return keyItem(pendingKey(batch.ledger, batch.batchId));
}

export class DynamoDbStore implements EntryStore, LogStore, ApiKeyStore, AnchorStore, SubjectStore {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #retry: BatchRetryOptions;
  readonly #clock: Clock;
  readonly #orphanMarkAgeMs: number;

  constructor(options: DynamoDbStoreOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#clock = options.clock ?? { nowMs: () => Date.now() };
    this.#orphanMarkAgeMs = options.orphanMarkAgeMs ?? 15 * 60_000;
  }

  // ---- EntryStore -------------------------------------------------------------------------

  async putBatch(batch: Batch): Promise<void> {
    // May run again after the batch is sequenced (an SDK retry of a call that had succeeded): it
    // never writes the SEQ item, so the batch stays sequenced, and listPending drops the new mark.
    const retried = await this.#batchWrite([
      { PutRequest: { Item: batchItem(batch) } },
      { PutRequest: { Item: pendingItem(batch) } },
    ]);
    // Throttled, the mark may have been stored before the batch; an integrator whose clock runs
    // more than orphanMarkAgeMs ahead of ours then takes it for an orphan and deletes it
    // (listPending), and the batch would never be sequenced. Marked again now the batch is stored.
    if (retried) {
      await this.#client.send(
        new PutItemCommand({ TableName: this.#table, Item: pendingItem(batch) }),
      );
    }
  }

  async restoreBatch(batch: Batch): Promise<void> {
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: batchItem(batch),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const stored = await this.getBatch(batch.batchId);
      // Sequenced (or, impossibly, gone): nothing is pending. Should integrate sequence it right
      // after this read, the mark put below is stale, and listPending skips and removes it.
      if (stored === undefined || isSequenced(stored)) return;
    }
    await this.#client.send(
      new PutItemCommand({ TableName: this.#table, Item: pendingItem(batch) }),
    );
  }

  async claimIdempotencyKey(record: IdempotencyRecord): Promise<IdempotencyRecord> {
    const key = idempotencyKey(record.scope, record.key);
    // The clock of the record is the batch's receivedAt, so the adapter reads no time of its own.
    const createdMs = Date.parse(record.batch.receivedAt);
    if (Number.isNaN(createdMs)) {
      throw new RangeError(`batch receivedAt is not a date: ${record.batch.receivedAt}`);
    }
    const createdSeconds = Math.floor(createdMs / 1000);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.#client.send(
          new PutItemCommand({
            TableName: this.#table,
            Item: fitting({
              ...keyItem(key),
              requestHash: { S: record.requestHash },
              batch: { S: JSON.stringify(record.batch) },
              expiresAt: { N: String(createdSeconds + IDEMPOTENCY_TTL_SECONDS) },
            }),
            // DynamoDB deletes expired items only within a few days: an expired record
            // still present must behave as absent.
            ConditionExpression: "attribute_not_exists(pk) OR expiresAt <= :now",
            ExpressionAttributeValues: { ":now": { N: String(createdSeconds) } },
          }),
        );
        return record;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const stored = await this.#get(key);
      // Absent again only if TTL deleted it between the two calls: claim again.
      if (stored !== undefined) {
        return {
          scope: record.scope,
          key: record.key,
          requestHash: str(stored, "requestHash"),
          batch: json<Batch>(stored, "batch"),
        };
      }
    }
    throw new Error(`idempotency key ${record.scope}/${record.key} flickered on every claim`);
  }

  async storeBatch(batch: Batch): Promise<void> {
    // Its content is decided by the plan, so a rerun writes the same item again.
    await this.#client.send(new PutItemCommand({ TableName: this.#table, Item: batchItem(batch) }));
  }

  async getHeads(keys: readonly SubjectKey[]): Promise<(StoredSubjectHead | undefined)[]> {
    const itemKeys = keys.map((key) => subjectHeadKey(key.tenant, key.subject, key.ledger));
    const found = await this.#batchGet(itemKeys);
    return itemKeys.map((key) => {
      const item = found.get(keyString(key));
      return item === undefined ? undefined : toStoredHead(item);
    });
  }

  async putEvents(
    events: readonly (SubjectKey & { readonly event: SubjectEvent })[],
    heads: readonly (SubjectKey & { readonly stored: StoredSubjectHead })[],
  ): Promise<void> {
    // Events before heads: a head never names an event that is not stored. An event is the same
    // whichever run of its plan writes it (see link-subjects), so a plain put may repeat it.
    await this.#batchWrite(
      events.map(({ event, ...key }) => ({ PutRequest: { Item: subjectEventItem(key, event) } })),
    );
    // A head only moves forward: a late run of an older plan must not put its head back.
    await eachConcurrently(heads, TILE_CONCURRENCY, async ({ stored, ...key }) => {
      try {
        await this.#client.send(
          new PutItemCommand({
            TableName: this.#table,
            Item: subjectHeadItem(key, stored),
            ConditionExpression: "attribute_not_exists(pk) OR asOfSize <= :asOf",
            ExpressionAttributeValues: { ":asOf": { N: String(stored.asOfSize) } },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    });
  }

  async listEvents(key: SubjectKey, afterSequence: number, limit: number): Promise<SubjectEvent[]> {
    const from = subjectEventKey(key.tenant, key.subject, key.ledger, afterSequence + 1);
    const { Items = [] } = await this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: {
          ":pk": { S: from.pk },
          ":from": { S: from.sk },
          ":to": {
            S: subjectEventKey(key.tenant, key.subject, key.ledger, 9_007_199_254_740_991).sk,
          },
        },
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return Items.map(toSubjectEvent);
  }

  async getBatch(batchId: string): Promise<Batch | SequencedBatch | undefined> {
    const items = await this.#queryAll({
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": { S: batchPartition(batchId) } },
      ConsistentRead: true,
    });
    const item = items.find((found) => found.sk?.S === batchKey(batchId).sk);
    if (item === undefined) return undefined;
    const batch = toBatch(item);
    const sequenced = items.find((found) => found.sk?.S === batchSequencedKey(batchId).sk);
    return sequenced === undefined
      ? batch
      : { ...batch, firstLeafIndex: num(sequenced, "firstLeafIndex") };
  }

  async listPending(ledger: string, maxBatches: number): Promise<Batch[]> {
    const pending: Batch[] = [];
    const staleMarks: WriteRequest[] = [];
    let startKey: Item | undefined;
    while (pending.length < maxBatches) {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": { S: pendingPartition(ledger) } },
          ProjectionExpression: "sk",
          ConsistentRead: true,
          ScanIndexForward: true,
          Limit: maxBatches - pending.length,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      const batchIds = (page.Items ?? []).map((item) => str(item, "sk"));
      const found = await this.#batchGet(
        batchIds.flatMap((batchId) => [batchKey(batchId), batchSequencedKey(batchId)]),
      );
      for (const batchId of batchIds) {
        const item = found.get(keyString(batchKey(batchId)));
        const sequenced = found.has(keyString(batchSequencedKey(batchId)));
        if (item !== undefined && !sequenced) {
          pending.push(toBatch(item));
        } else if (item !== undefined || sequenced || this.#isOrphanMark(batchId)) {
          // The batch is sequenced (restoreBatch or a repeated putBatch put its mark back), or
          // the mark is an old orphan.
          staleMarks.push({ DeleteRequest: { Key: keyItem(pendingKey(ledger, batchId)) } });
        }
        // A missing batch with a young mark may still be being written: skip it, keep the mark.
      }
      startKey = page.LastEvaluatedKey;
      if (startKey === undefined) break;
    }
    if (staleMarks.length > 0) await this.#batchWrite(staleMarks);
    return pending;
  }

  async markSequenced(batch: Batch, firstLeafIndex: number): Promise<void> {
    const cannot = (detail: string) =>
      new Error(
        `cannot mark batch ${batch.batchId} sequenced at leaf ${firstLeafIndex}: ${detail}`,
      );
    // Never records leaves for a missing batch. Batches are never deleted, so a batch read here
    // is still there below; the read costs little next to the content index's write per entry.
    if ((await this.#get(batchKey(batch.batchId), true, "pk")) === undefined) {
      throw cannot("it is not stored");
    }
    // Record the leaves first, then drop the mark. A crash between the two leaves a stale mark,
    // which listPending skips and removes. The other order would open a window in which the batch
    // is neither pending nor sequenced, and a retried request (restoreBatch) would then mark it
    // pending again, getting its entries sequenced twice.
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: {
            ...keyItem(batchSequencedKey(batch.batchId)),
            firstLeafIndex: { N: String(firstLeafIndex) },
          },
          // Never moves a batch's leaves.
          ConditionExpression: "attribute_not_exists(pk) OR firstLeafIndex = :first",
          ExpressionAttributeValues: { ":first": { N: String(firstLeafIndex) } },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const stored = await this.#get(batchSequencedKey(batch.batchId));
      const at = stored === undefined ? "?" : num(stored, "firstLeafIndex");
      throw cannot(`it is already sequenced at ${at}`);
    }
    await this.#client.send(
      new DeleteItemCommand({ TableName: this.#table, Key: pendingItem(batch) }),
    );
  }

  async putContentIndex(entries: readonly ContentIndexEntry[]): Promise<void> {
    await this.#batchWrite(
      entries.map((entry) => ({
        PutRequest: {
          Item: {
            ...keyItem(contentIndexKey(entry.contentHash, entry.ledger, entry.leafIndex)),
            entryId: { S: entry.entryId },
          },
        },
      })),
    );
  }

  async registerLedger(ledger: string): Promise<void> {
    await this.#client.send(
      new PutItemCommand({ TableName: this.#table, Item: keyItem(ledgerRegistryKey(ledger)) }),
    );
  }

  async listLedgers(): Promise<string[]> {
    const items = await this.#queryAll({
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": { S: LEDGER_REGISTRY_PARTITION } },
      ConsistentRead: true,
    });
    return items.map((item) => str(item, "sk"));
  }

  async findByContentHash(contentHash: string, ledger?: string): Promise<ContentIndexEntry[]> {
    const items = await this.#queryAll({
      KeyConditionExpression:
        ledger === undefined ? "pk = :pk" : "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: {
        ":pk": { S: contentHashPartition(contentHash) },
        ...(ledger === undefined ? {} : { ":prefix": { S: contentIndexLedgerPrefix(ledger) } }),
      },
    });
    const found = items.map((item) => {
      const sk = str(item, "sk");
      const split = sk.lastIndexOf("#");
      return {
        contentHash,
        ledger: sk.slice(0, split),
        entryId: str(item, "entryId"),
        leafIndex: Number(sk.slice(split + 1)),
      };
    });
    // One ledger: log order (the sort key). Across ledgers leaf indices do not compare; entry ids
    // are ULIDs, which sort by accept time.
    if (ledger === undefined)
      found.sort((a, b) => (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0));
    return found;
  }

  // ---- LogStore ---------------------------------------------------------------------------

  tiles(ledger: string): TileReader {
    return {
      readTiles: async (tiles) => {
        const keys = tiles.map((tile) => tileItemKey(ledger, tile.level, tile.index));
        const found = await this.#batchGet(keys, "pk, sk, hashes");
        return keys.map((key) => {
          const item = found.get(keyString(key));
          // Missing: empty, which the domain reports as a MissingDataError.
          return item?.hashes?.B ?? new Uint8Array(0);
        });
      },
    };
  }

  async getHead(ledger: string): Promise<LedgerHead | undefined> {
    const item = await this.#get(headKey(ledger));
    if (item === undefined) return undefined;
    return {
      ledger,
      treeSize: num(item, "treeSize"),
      checkpoint: json<StoredCheckpoint>(item, "checkpoint"),
    };
  }

  async claimPlan(plan: SequencingPlan): Promise<SequencingPlan> {
    const key = planKey(plan.ledger, plan.fromSize);
    // A retired plan is returned too: its size is taken for good (see retirePlan).
    const stored = await this.#claim(key, {
      toSize: { N: String(plan.toSize) },
      batches: { S: JSON.stringify(plan.batches) },
      // Where the retired plan's TTL starts: retirePlan then needs no clock of its own.
      createdAt: { N: String(Math.floor(this.#clock.nowMs() / 1000)) },
    });
    return stored === undefined ? plan : this.#toPlan(plan.ledger, plan.fromSize, stored);
  }

  async getPlan(ledger: string, fromSize: number): Promise<SequencingPlan | undefined> {
    const item = await this.#get(planKey(ledger, fromSize));
    // A retired plan is done: there is nothing to resume.
    if (item === undefined || item.retired?.BOOL === true) return undefined;
    return this.#toPlan(ledger, fromSize, item);
  }

  async retirePlan(ledger: string, fromSize: number): Promise<void> {
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: keyItem(planKey(ledger, fromSize)),
          // From the plan's own createdAt, so a repeated retire sets the same expiry.
          UpdateExpression: "SET retired = :retired, expiresAt = createdAt + :ttl",
          // Never creates a stub of a missing plan.
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: {
            ":retired": { BOOL: true },
            ":ttl": { N: String(RETIRED_PLAN_TTL_SECONDS) },
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async writeTiles(ledger: string, tiles: readonly TileWrite[]): Promise<void> {
    const items = tiles.map(({ tile, hashes }): Item => {
      if (hashes.length !== tile.width * HASH_BYTES) {
        throw new RangeError(
          `tile ${tile.level}/${tile.index} has ${hashes.length} bytes, want ${tile.width * HASH_BYTES}`,
        );
      }
      return {
        ...keyItem(tileItemKey(ledger, tile.level, tile.index)),
        // A copy: `hashes` is often a view into a larger buffer.
        hashes: { B: hashes.slice() },
        width: { N: String(tile.width) },
      };
    });
    // One conditional PutItem per tile (BatchWriteItem takes no conditions), so that a late or
    // repeated run never puts a narrower tile over a wider one.
    await eachConcurrently(items, TILE_CONCURRENCY, async (item) => {
      try {
        await this.#client.send(
          new PutItemCommand({
            TableName: this.#table,
            Item: item,
            ConditionExpression: "attribute_not_exists(pk) OR width <= :width",
            ExpressionAttributeValues: { ":width": { N: String(num(item, "width")) } },
          }),
        );
      } catch (error) {
        // A wider tile is stored: the log only grows, so it starts with these same hashes.
        if (!isConditionFailure(error)) throw error;
      }
    });
  }

  async putCheckpoint(ledger: string, checkpoint: StoredCheckpoint): Promise<StoredCheckpoint> {
    const stored = await this.#claim(checkpointKey(ledger, checkpoint.treeSize), {
      checkpoint: { S: JSON.stringify(checkpoint) },
    });
    return stored === undefined ? checkpoint : json<StoredCheckpoint>(stored, "checkpoint");
  }

  async getCheckpoint(ledger: string, treeSize: number): Promise<StoredCheckpoint | undefined> {
    const item = await this.#get(checkpointKey(ledger, treeSize));
    return item === undefined ? undefined : json<StoredCheckpoint>(item, "checkpoint");
  }

  async listCheckpoints(
    ledger: string,
    fromSize: number,
    throughSize: number,
    limit: number,
  ): Promise<StoredCheckpoint[]> {
    if (limit < 1 || fromSize > throughSize) return [];
    const from = checkpointKey(ledger, fromSize);
    const items: Item[] = [];
    let startKey: Item | undefined;
    // A page of Query stops at 1 MB: ask again until `limit` items or the range's end.
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :through",
          ExpressionAttributeValues: {
            ":pk": { S: from.pk },
            ":from": { S: from.sk },
            ":through": { S: checkpointKey(ledger, throughSize).sk },
          },
          ConsistentRead: true,
          Limit: limit - items.length,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && items.length < limit);
    return items.map((item) => json<StoredCheckpoint>(item, "checkpoint"));
  }

  async advanceHead(fromSize: number, head: LedgerHead): Promise<boolean> {
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: {
            ...keyItem(headKey(head.ledger)),
            treeSize: { N: String(head.treeSize) },
            checkpoint: { S: JSON.stringify(head.checkpoint) },
          },
          ...(fromSize === 0
            ? { ConditionExpression: "attribute_not_exists(pk)" }
            : {
                ConditionExpression: "treeSize = :from",
                ExpressionAttributeValues: { ":from": { N: String(fromSize) } },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  // ---- ApiKeyStore ------------------------------------------------------------------------

  async putAnchor(record: AnchorRecord): Promise<void> {
    const key = anchorKey(record.ledger, record.chainId, record.treeSize, record.attempt);
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#table,
        Item: { ...keyItem(key), anchor: { S: JSON.stringify(record) } },
      }),
    );
  }

  async recentAnchors(ledger: string, chainId: number, limit: number): Promise<AnchorRecord[]> {
    const page = await this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": { S: anchorPartition(ledger, chainId) } },
        ConsistentRead: true,
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map((item) => json<AnchorRecord>(item, "anchor"));
  }

  async anchorsBetween(
    ledger: string,
    chainId: number,
    fromSize: number,
    throughSize: number,
  ): Promise<AnchorRecord[]> {
    if (fromSize > throughSize) return [];
    const from = anchorKey(ledger, chainId, fromSize, 0);
    const items = await this.#queryAll({
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :through",
      ExpressionAttributeValues: {
        ":pk": { S: from.pk },
        ":from": { S: from.sk },
        ":through": {
          S: anchorKey(ledger, chainId, throughSize, Number.MAX_SAFE_INTEGER).sk,
        },
      },
      ConsistentRead: true,
    });
    return items.map((item) => json<AnchorRecord>(item, "anchor"));
  }

  async putApiKey(record: ApiKeyRecord): Promise<void> {
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#table,
        Item: {
          ...keyItem(apiKeyKey(record.keyHash)),
          keyId: { S: record.keyId },
          scopes: { L: record.scopes.map((scope) => ({ S: scope })) },
          label: { S: record.label },
          ...(record.tenant === undefined ? {} : { tenant: { S: record.tenant } }),
          ...(record.ledgers === undefined
            ? {}
            : { ledgers: { L: record.ledgers.map((ledger) => ({ S: ledger })) } }),
        },
      }),
    );
  }

  async getApiKey(keyHash: string): Promise<ApiKeyRecord | undefined> {
    // Read on every authenticated request: an eventually consistent read (half the cost) is
    // enough, since keys are created well before use.
    const item = await this.#get(apiKeyKey(keyHash), false);
    if (item === undefined) return undefined;
    return {
      keyHash,
      keyId: str(item, "keyId"),
      scopes: (item.scopes?.L ?? []).map((scope) => (scope.S ?? "") as ApiScope),
      label: str(item, "label"),
      ...(item.tenant?.S === undefined ? {} : { tenant: item.tenant.S }),
      ...(item.ledgers?.L === undefined
        ? {}
        : { ledgers: item.ledgers.L.map((ledger) => ledger.S ?? "") }),
    };
  }

  // ---- helpers ----------------------------------------------------------------------------

  #isOrphanMark(batchId: string): boolean {
    const createdMs = ulidTimeMs(batchId);
    return createdMs === undefined || this.#clock.nowMs() - createdMs > this.#orphanMarkAgeMs;
  }

  #toPlan(ledger: string, fromSize: number, item: Item): SequencingPlan {
    return {
      ledger,
      fromSize,
      toSize: num(item, "toSize"),
      batches: json<SequencingPlan["batches"]>(item, "batches"),
    };
  }

  async #get(key: ItemKey, consistent = true, projection?: string): Promise<Item | undefined> {
    const { Item } = await this.#client.send(
      new GetItemCommand({
        TableName: this.#table,
        Key: keyItem(key),
        ConsistentRead: consistent,
        ...(projection === undefined ? {} : { ProjectionExpression: projection }),
      }),
    );
    return Item;
  }

  /**
   * Puts `attributes` at `key` unless an item is there: undefined when this call stored it,
   * else the item that was there (read consistently after the failed condition).
   */
  async #claim(key: ItemKey, attributes: Item): Promise<Item | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.#client.send(
          new PutItemCommand({
            TableName: this.#table,
            Item: { ...keyItem(key), ...attributes },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
        return undefined;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const stored = await this.#get(key);
      // Gone again only if TTL deleted it between the two calls (a retired plan): claim again.
      if (stored !== undefined) return stored;
    }
    throw new Error(`${key.pk}/${key.sk} was created and deleted under every claim`);
  }

  /** All items of a Query, page after page (strongly consistent only where asked). */
  async #queryAll(
    query: Pick<
      QueryCommand["input"],
      "KeyConditionExpression" | "ExpressionAttributeValues" | "ConsistentRead"
    >,
  ): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          ...query,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  /** Writes and deletes in chunks of 25, retrying unprocessed items with backoff. */
  /** Writes `requests`; true when some had to be retried (handed back unprocessed). */
  async #batchWrite(requests: readonly WriteRequest[]): Promise<boolean> {
    // One request per key: BatchWriteItem rejects a call that names a key twice.
    const byKey = new Map<string, WriteRequest>();
    for (const request of requests) {
      byKey.set(
        keyString(keyOf(request.PutRequest?.Item ?? request.DeleteRequest?.Key ?? {})),
        request,
      );
    }
    let retried = false;
    await eachConcurrently(
      chunks([...byKey.values()], WRITE_CHUNK),
      WRITE_CONCURRENCY,
      async (chunk) => {
        if (await this.#writeChunk(chunk)) retried = true;
      },
    );
    return retried;
  }

  /** Writes one chunk; true when some of it had to be retried. */
  async #writeChunk(chunk: WriteRequest[]): Promise<boolean> {
    let left = chunk;
    for (let attempt = 1; ; attempt++) {
      const { UnprocessedItems } = await this.#client.send(
        new BatchWriteItemCommand({ RequestItems: { [this.#table]: left } }),
      );
      left = UnprocessedItems?.[this.#table] ?? [];
      if (left.length === 0) return attempt > 1;
      if (attempt >= this.#retry.maxAttempts) {
        throw new BatchRetriesExhaustedError("BatchWriteItem", left.length, attempt);
      }
      await this.#backoff(attempt);
    }
  }

  /**
   * Reads items by key (strongly consistent) in chunks of 100, retrying unprocessed keys with
   * backoff; returns them by keyString (a projection must keep pk and sk).
   */
  async #batchGet(keys: readonly ItemKey[], projection?: string): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    // One entry per key: BatchGetItem rejects a call that names a key twice.
    const unique = new Map(keys.map((key) => [keyString(key), key]));
    await Promise.all(
      chunks([...unique.values()], READ_CHUNK).map(async (chunk) => {
        let left = chunk.map(keyItem);
        for (let attempt = 1; ; attempt++) {
          const { Responses, UnprocessedKeys } = await this.#client.send(
            new BatchGetItemCommand({
              RequestItems: {
                [this.#table]: {
                  Keys: left,
                  ConsistentRead: true,
                  ...(projection === undefined ? {} : { ProjectionExpression: projection }),
                },
              },
            }),
          );
          for (const item of Responses?.[this.#table] ?? []) {
            found.set(keyString(keyOf(item)), item);
          }
          left = UnprocessedKeys?.[this.#table]?.Keys ?? [];
          if (left.length === 0) return;
          if (attempt >= this.#retry.maxAttempts) {
            throw new BatchRetriesExhaustedError("BatchGetItem", left.length, attempt);
          }
          await this.#backoff(attempt);
        }
      }),
    );
    return found;
  }

  #backoff(attempt: number): Promise<void> {
    const { baseDelayMs, maxDelayMs } = this.#retry;
    return sleep(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt));
  }
}
