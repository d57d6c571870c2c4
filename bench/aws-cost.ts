/**
 * What a million entries cost on AWS, gas excluded, from what the local stack is seen to do:
 * DynamoDB capacity units counted call by call (item sizes by DynamoDB's rules, from the
 * requests and answers that pass the embedded DynamoDB), requests, and the time each function
 * takes here, priced at published on-demand prices (us-east-1, ARM Lambda). Entries come in
 * batches of 100 over HTTPS; integrate runs once over all of them.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { FUNCTIONS } from "../infra/catalog.ts";
import { startLocalStack } from "../local/stack.ts";
import { ApiClient } from "../test/support/local/api-client.ts";

/** Published prices, USD (aws.amazon.com/<service>/pricing, us-east-1, on demand). */
export const PRICES = {
  httpApiPerMillionRequests: 1.0,
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  dynamoDbPerMillionWriteUnits: 0.625,
  dynamoDbPerMillionReadUnits: 0.125,
  /** Requests with asymmetric keys (a checkpoint signature is one Sign). */
  kmsAsymmetricPer10kRequests: 0.15,
};

/** The steady load at which a checkpoint is signed every second for the ledger. */
export const ENTRIES_PER_SECOND = 100;
const BATCH = 100;
const BATCHES = 50;

type AttributeValue = Record<string, unknown>;

/** Bytes of one attribute value, by DynamoDB's item-size rules. */
function valueBytes(value: AttributeValue): number {
  const [type, content] = Object.entries(value)[0] ?? ["NULL", true];
  switch (type) {
    case "S":
      return Buffer.byteLength(String(content));
    case "N":
      return Math.ceil(String(content).replace(/^-|\.|^0+/g, "").length / 2) + 1;
    case "B":
      return Buffer.from(String(content), "base64").length;
    case "SS":
      return (content as string[]).reduce((sum, s) => sum + Buffer.byteLength(s), 0);
    case "L":
      return 3 + (content as AttributeValue[]).reduce((sum, v) => sum + 1 + valueBytes(v), 0);
    case "M":
      return 3 + itemBytes(content as Record<string, AttributeValue>);
    default:
      return 1;
  }
}

export function itemBytes(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value),
    0,
  );
}

const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const readUnits = (bytes: number, consistent: boolean) =>
  Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

type Item = Record<string, AttributeValue>;
interface Request {
  Item?: Item;
  Key?: Item;
  ConsistentRead?: boolean;
  RequestItems?: Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>;
}

/** Counts capacity units per DynamoDB call; updates and deletes are priced at the item's size. */
class CapacityMeter {
  writeUnits = 0;
  readUnits = 0;
  readonly #sizes = new Map<string, number>();

  #key(key: Item | undefined): string {
    return JSON.stringify([key?.pk, key?.sk]);
  }

  #put(item: Item): void {
    const bytes = itemBytes(item);
    this.#sizes.set(this.#key(item), bytes);
    this.writeUnits += writeUnits(bytes);
  }

  observe(operation: string, body: string, answer: string): void {
    const request = JSON.parse(body) as Request;
    const response = (answer === "" ? {} : JSON.parse(answer)) as {
      __type?: string;
      Item?: Item;
      Items?: Item[];
      Responses?: Record<string, Item[]>;
    };
    const consistent = request.ConsistentRead === true;
    switch (operation) {
      case "PutItem":
        if (request.Item) this.#put(request.Item);
        break;
      case "UpdateItem":
      case "DeleteItem":
        // A conditional write that fails costs the same units as one that succeeds.
        this.writeUnits += writeUnits(this.#sizes.get(this.#key(request.Key)) ?? 1);
        break;
      case "BatchWriteItem":
        for (const writes of Object.values(request.RequestItems ?? {})) {
          for (const write of writes) {
            if (write.PutRequest) this.#put(write.PutRequest.Item);
            else
              this.writeUnits += writeUnits(
                this.#sizes.get(this.#key(write.DeleteRequest?.Key)) ?? 1,
              );
          }
        }
        break;
      case "GetItem":
        this.readUnits += readUnits(response.Item ? itemBytes(response.Item) : 0, consistent);
        break;
      case "Query": {
        const bytes = (response.Items ?? []).reduce((sum, item) => sum + itemBytes(item), 0);
        this.readUnits += readUnits(bytes, consistent);
        break;
      }
      case "BatchGetItem": {
        const tables = (
          JSON.parse(body) as { RequestItems: Record<string, { ConsistentRead?: boolean }> }
        ).RequestItems;
        for (const [table, items] of Object.entries(response.Responses ?? {})) {
          const strong = tables[table]?.ConsistentRead === true;
          for (const item of items) this.readUnits += readUnits(itemBytes(item), strong);
        }
        break;
      }
    }
  }
}

const usd = (value: number) => Number(value.toFixed(4));

export async function measureAwsCost(batches = BATCHES): Promise<Record<string, number>> {
  const dataDir = await mkdtemp(join(tmpdir(), "stele-bench-cost-"));
  const meter = new CapacityMeter();
  let metering = false;
  const stack = await startLocalStack({
    dataDir,
    port: 0,
    integrateIntervalMs: 3_600_000,
    originPrefix: "stele.bench",
    log: () => undefined,
    dynamoDbObserver: (operation, body, answer) => {
      if (metering) meter.observe(operation, body, answer);
    },
  });
  try {
    const api = new ApiClient(stack.url, stack.apiKey);
    const batch = () => ({
      entries: Array.from({ length: BATCH }, () => ({
        kind: "document",
        contentHash: randomBytes(32).toString("hex"),
      })),
    });
    // Warm up (the ledger is registered once, the code is compiled) and start from a clean log.
    for (let i = 0; i < 5; i++) await api.request("POST", "/v1/entries", { body: batch() });
    await stack.integrateNow();

    metering = true;
    const acceptMs: number[] = [];
    for (let i = 0; i < batches; i++) {
      const started = performance.now();
      const answer = await api.request("POST", "/v1/entries", { body: batch() });
      acceptMs.push(performance.now() - started);
      if (answer.status !== 202) throw new Error(`accept answered ${answer.status}`);
    }
    const acceptUnits = { write: meter.writeUnits, read: meter.readUnits };
    const integrateStarted = performance.now();
    await stack.integrateNow();
    const integrateMs = performance.now() - integrateStarted;
    metering = false;

    const entries = BATCH * batches;
    const perMillion = 1_000_000 / entries;
    const acceptMedianMs = [...acceptMs].sort((a, b) => a - b)[Math.floor(batches / 2)] ?? 0;
    // Lambda bills whole milliseconds of the configured memory; the handler's time here
    // (measured from the client, so HTTP included) stands for its time there.
    const gbSeconds = (ms: number, memoryMb: number) => (Math.ceil(ms) / 1000) * (memoryMb / 1024);
    const acceptRequests = entries / BATCH;
    const api$ = acceptRequests * perMillion * (PRICES.httpApiPerMillionRequests / 1e6);
    const acceptLambda$ =
      acceptRequests *
      perMillion *
      (PRICES.lambdaPerMillionRequests / 1e6 +
        gbSeconds(acceptMedianMs, FUNCTIONS["accept-entries"].memoryMb) *
          PRICES.lambdaArmPerGbSecond);
    const integrateLambda$ =
      gbSeconds(integrateMs, FUNCTIONS["integrate-ledgers"].memoryMb) *
      perMillion *
      PRICES.lambdaArmPerGbSecond;
    const dynamo$ =
      meter.writeUnits * perMillion * (PRICES.dynamoDbPerMillionWriteUnits / 1e6) +
      meter.readUnits * perMillion * (PRICES.dynamoDbPerMillionReadUnits / 1e6);
    // One checkpoint signature per second while entries arrive: a million at 100/s is 10,000 s.
    const kms$ = (1_000_000 / ENTRIES_PER_SECOND) * (PRICES.kmsAsymmetricPer10kRequests / 1e4);
    return {
      "aws.writeUnitsPerEntry.accept": Number((acceptUnits.write / entries).toFixed(3)),
      "aws.writeUnitsPerEntry.total": Number((meter.writeUnits / entries).toFixed(3)),
      "aws.readUnitsPerEntry.total": Number((meter.readUnits / entries).toFixed(3)),
      "aws.acceptMsPerBatch100": Number(acceptMedianMs.toFixed(1)),
      "aws.integrateMsPerEntry": Number((integrateMs / entries).toFixed(3)),
      "aws.usdPerMillionEntries.apiGateway": usd(api$),
      "aws.usdPerMillionEntries.lambda": usd(acceptLambda$ + integrateLambda$),
      "aws.usdPerMillionEntries.dynamoDb": usd(dynamo$),
      "aws.usdPerMillionEntries.kmsAt100PerSecond": usd(kms$),
      "aws.usdPerMillionEntries": usd(api$ + acceptLambda$ + integrateLambda$ + dynamo$ + kms$),
    };
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * measureAwsCost in a process of its own: the functions read their configuration once, at
 * import, so the in-process local stack it starts must be the first of its process.
 */
export async function measureAwsCostInFreshProcess(
  batches = BATCHES,
): Promise<Record<string, number>> {
  const script = fileURLToPath(import.meta.url);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", script, String(batches)],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const last = stdout.trim().split("\n").at(-1) ?? "{}";
  return JSON.parse(last) as Record<string, number>;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(
    `${JSON.stringify(await measureAwsCost(Number(process.argv[2] ?? BATCHES)))}\n`,
  );
}
