/**
 * The log's side of a fault-matrix cell: accepts and integrate runs through the real use cases
 * over any store (a DynamoDbStore through a fault proxy, typically), a record of what was
 * acknowledged, and the healing run and checks once the faults stop.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KMSClient } from "@aws-sdk/client-kms";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import type { DynamoDbStore } from "../../../shared/adapters/dynamodb/dynamodb-store.ts";
import { DevCheckpointSigner } from "../../../shared/adapters/local/dev-checkpoint-signer.ts";
import { systemClock, systemRandom } from "../../../shared/adapters/system/system-clock.ts";
import { type AcceptedEntry, acceptEntries } from "../../../shared/app/accept-entries.ts";
import { type IntegrateResult, integrate } from "../../../shared/app/integrate.ts";
import { originOf } from "../../../shared/domain/ledger/ledger-name.ts";
import type { CheckpointSigner } from "../../../shared/ports/checkpoint-signer.ts";
import type { Clock } from "../../../shared/ports/clock.ts";
import { entriesRequestSchema } from "../../../shared/schemas/entries-request.ts";
import { type AcknowledgedEntry, assertLedgerHealed, leafData } from "./log-invariants.ts";

export const TENANT = "matrix";
export const ORIGIN_PREFIX = "matrix.stele.test";
/** The checkpoint key of the cells that do not test KMS. */
export const DEV_SIGNER = new DevCheckpointSigner(new Uint8Array(32).fill(9));

/**
 * A client for a local endpoint with the SDK's standard retry strategy and its default 3
 * attempts: the SDK decides what is retried (throttling, 5xx) and keeps its retry quota; only the
 * backoff is shortened (AWS waits up to seconds on throttling), so a cell runs in seconds.
 */
export function sdkDynamoClient(endpoint: string, maxAttempts = 3): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, (attempt) => 5 * attempt),
  });
}

/** A KMS client for a local endpoint, retrying as sdkDynamoClient does. */
export function sdkKmsClient(endpoint: string, maxAttempts = 3): KMSClient {
  return new KMSClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, (attempt) => 5 * attempt),
  });
}

export interface AcceptOptions {
  readonly store: DynamoDbStore;
  readonly count: number;
  /** Every n-th entry names one of `subjects` (none when absent). */
  readonly subjectEvery?: number;
  readonly subjects?: readonly string[];
  readonly clock?: Clock;
  /** Sent with an Idempotency-Key (as a client retrying the same request would). */
  readonly idempotencyKey?: string;
}

/** One request's entries, built once so that a retry sends the very same request. */
export interface PreparedRequest {
  readonly body: ReturnType<typeof entriesRequestSchema.parse>;
  readonly idempotencyKey: string | undefined;
}

export class LedgerWorkload {
  readonly ledger: string;
  readonly signer: CheckpointSigner;
  readonly acknowledged: AcknowledgedEntry[] = [];
  acceptFailures = 0;
  integrateFailures = 0;

  constructor(ledger: string, signer: CheckpointSigner = DEV_SIGNER) {
    this.ledger = ledger;
    this.signer = signer;
  }

  originOf = (ledger: string): string => originOf(ORIGIN_PREFIX, ledger);

  /** A request of `count` fresh documents, some of them events of `subjects`. */
  prepare(
    count: number,
    options: { subjectEvery?: number; subjects?: readonly string[]; idempotencyKey?: string } = {},
  ): PreparedRequest {
    const subjects = options.subjects ?? ["lot-a", "lot-b"];
    const body = entriesRequestSchema.parse({
      ledger: this.ledger,
      entries: Array.from({ length: count }, (_, i) => {
        const contentHash = randomBytes(32).toString("hex");
        const every = options.subjectEvery;
        const subject =
          every !== undefined && i % every === 0 ? subjects[i % subjects.length] : undefined;
        return { kind: "document", contentHash, ...(subject === undefined ? {} : { subject }) };
      }),
    });
    return { body, idempotencyKey: options.idempotencyKey };
  }

  /**
   * Sends `request` through `store`; what it answers is acknowledged. A failure (the 500 a
   * client would see) is counted and returned, never acknowledged.
   */
  async send(
    store: DynamoDbStore,
    request: PreparedRequest,
    clock: Clock = systemClock,
  ): Promise<AcceptedEntry[] | Error> {
    try {
      await store.registerLedger(this.ledger);
      const key = request.idempotencyKey;
      const accepted = await acceptEntries(
        { entries: store, clock, random: systemRandom },
        request.body,
        {
          tenant: TENANT,
          ...(key === undefined
            ? {}
            : {
                idempotency: {
                  scope: "matrix-client",
                  key,
                  requestHash: JSON.stringify(request.body),
                },
              }),
        },
      );
      this.acknowledge(accepted);
      return accepted;
    } catch (error) {
      this.acceptFailures += 1;
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  acknowledge(accepted: readonly AcceptedEntry[]): void {
    for (const entry of accepted) {
      // A retry with the same Idempotency-Key answers the same entries: acknowledged once.
      if (this.acknowledged.some((known) => known.id === entry.id)) continue;
      this.acknowledged.push({
        id: entry.id,
        contentHash: entry.contentHash,
        ...(entry.subject === undefined ? {} : { subject: entry.subject }),
      });
    }
  }

  async accept(options: AcceptOptions): Promise<AcceptedEntry[] | Error> {
    return this.send(
      options.store,
      this.prepare(options.count, {
        ...(options.subjectEvery === undefined ? {} : { subjectEvery: options.subjectEvery }),
        ...(options.subjects === undefined ? {} : { subjects: options.subjects }),
        ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
      }),
      options.clock,
    );
  }

  /** One integrate run through `store`; a failure is counted and returned. */
  async integrate(
    store: DynamoDbStore,
    maxEntries = 1000,
    signer: CheckpointSigner = this.signer,
  ): Promise<IntegrateResult | Error> {
    try {
      return await integrate(
        { entries: store, log: store, signer, subjects: store, originOf: this.originOf },
        this.ledger,
        { maxEntries },
      );
    } catch (error) {
      this.integrateFailures += 1;
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /**
   * Integrate runs through `store` (fault-free by now) until a run finds nothing to do: what
   * the scheduler's next runs would do by themselves. Returns the runs it took.
   */
  async heal(store: DynamoDbStore, maxRuns = 50): Promise<number> {
    for (let run = 1; run <= maxRuns; run++) {
      const result = await this.integrate(store);
      if (result instanceof Error) throw result;
      if (result.treeSize === result.fromSize) return run;
    }
    assert.fail(`${this.ledger} still integrating after ${maxRuns} runs`);
  }

  /**
   * The invariants, read from `store`: every acknowledged entry once, checkpoints signed and
   * consistent, subjects chained; no leaf twice at all (not even an unacknowledged entry's);
   * nothing left pending, no plan left open.
   */
  async assertHealed(store: DynamoDbStore): Promise<number> {
    await assertLedgerHealed(
      { entries: store, log: store, subjects: store },
      {
        ledger: this.ledger,
        tenant: TENANT,
        signer: await this.signer.address(),
        acknowledged: this.acknowledged,
      },
    );
    const head = await store.getHead(this.ledger);
    const treeSize = head?.treeSize ?? 0;
    await assertNoLeafTwice(store, this.ledger, treeSize);
    assert.deepEqual(await store.listPending(this.ledger, 10), [], "nothing left pending");
    assert.equal(await store.getPlan(this.ledger, treeSize), undefined, "no plan left open");
    return treeSize;
  }
}

/** No two leaves of `ledger` hold the same data (every entry here has its own content hash). */
export async function assertNoLeafTwice(
  store: DynamoDbStore,
  ledger: string,
  treeSize: number,
): Promise<void> {
  const leaves = await leafData(store, ledger, treeSize);
  const seen = new Map<string, number>();
  leaves.forEach((hash, leafIndex) => {
    const earlier = seen.get(hash);
    assert.equal(earlier, undefined, `leaves ${earlier} and ${leafIndex} hold the same entry`);
    seen.set(hash, leafIndex);
  });
}
