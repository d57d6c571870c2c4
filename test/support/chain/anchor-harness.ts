/**
 * A proving ground for the anchorer under chain faults: one hardhat node (an Anchor deployed by
 * account #0, a fresh dev anchor key authorised and funded), in-memory dynalite, and per
 * scenario a fresh table, a test clock and ledgers whose signed checkpoints come from the real
 * accept and integrate use cases. A scenario checks, after every run and at its end, what must
 * hold whatever the chain did: one anchor per checkpoint on the canonical chain, records that
 * point at canonical blocks, bundles that verify (step 5 included) and never claim a lost block.
 */

import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  Contract,
  JsonRpcProvider,
  type Log,
  parseEther,
  parseUnits,
  Transaction,
  Wallet,
} from "ethers";
import { ANCHOR_INTERFACE, deployAnchor } from "../../../shared/adapters/chain/anchor-contract.ts";
import { EthersAnchorChain } from "../../../shared/adapters/chain/ethers-anchor-chain.ts";
import { EthersAnchorEvidenceReader } from "../../../shared/adapters/chain/ethers-anchor-evidence-reader.ts";
import { DynamoDbStore } from "../../../shared/adapters/dynamodb/dynamodb-store.ts";
import { createTable } from "../../../shared/adapters/dynamodb/table.ts";
import { DevCheckpointSigner } from "../../../shared/adapters/local/dev-checkpoint-signer.ts";
import { acceptEntries } from "../../../shared/app/accept-entries.ts";
import {
  type AnchorEvent,
  Anchorer,
  type AnchorOptions,
} from "../../../shared/app/anchor-checkpoints.ts";
import { integrate } from "../../../shared/app/integrate.ts";
import { getProof, type ReadDeps } from "../../../shared/app/read-entries.ts";
import { verifyBundle } from "../../../shared/app/verify-bundle.ts";
import { originOf } from "../../../shared/domain/ledger/ledger-name.ts";
import { DEFAULT_TENANT } from "../../../shared/domain/ledger/tenant.ts";
import { ANCHORED_TOPIC, logIdOfOrigin } from "../../../shared/domain/proof/anchor-check.ts";
import type { AnchorChain, BroadcastOutcome } from "../../../shared/ports/anchor-chain.ts";
import type { AnchorRecord } from "../../../shared/ports/anchor-store.ts";
import type { Clock } from "../../../shared/ports/clock.ts";
import type { RandomSource } from "../../../shared/ports/random-source.ts";
import { entriesRequestSchema } from "../../../shared/schemas/entries-request.ts";
import { localClient } from "../dynamodb/backends.ts";
import { type DynamoDbBackend, startDynalite } from "../dynamodb/dynalite.ts";
import { freePort, type HardhatNode, startHardhatNode } from "./hardhat-node.ts";

export const CHAIN_ID = 31337;
export const CONFIRMATIONS = 2;
export const REPLACE_AFTER_MS = 60_000;
export const FEE_CEILING = parseUnits("50", "gwei");
export const ANCHOR_OPTIONS: AnchorOptions = {
  confirmations: CONFIRMATIONS,
  maxFeePerGasCeiling: FEE_CEILING,
  replaceAfterMs: REPLACE_AFTER_MS,
};
export const ORIGIN_PREFIX = "faults.stele.test";
const OPEN = new Set(["sending", "sent", "included"]);
const LIVE = new Set(["sending", "sent", "included", "final"]);

/** Time that moves only when the test says so, so `replaceAfterMs` is crossed without sleeping. */
export class TestClock implements Clock {
  #now: number;

  constructor(startMs: number) {
    this.#now = startMs;
  }

  nowMs(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}

/** Distinct bytes on every call (batch ids must differ), the same sequence in every scenario. */
function counterRandom(): RandomSource {
  let counter = 0;
  return {
    bytes: (length) => {
      counter += 1;
      const out = new Uint8Array(length);
      for (let i = 0; i < Math.min(4, length); i++) out[i] = (counter >>> (24 - 8 * i)) & 0xff;
      return out;
    },
  };
}

const same = (a: string | null | undefined, b: string | null | undefined) =>
  a !== null &&
  a !== undefined &&
  b !== null &&
  b !== undefined &&
  a.toLowerCase() === b.toLowerCase();

/**
 * A TCP proxy in front of the node: the anchorer's RPC endpoint, which a test takes down (every
 * connection cut, the port refusing) and brings back on the same port.
 */
export class TcpProxy {
  readonly port: number;
  readonly #targetPort: number;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #loseNextAnswer = false;

  private constructor(port: number, targetPort: number) {
    this.port = port;
    this.#targetPort = targetPort;
  }

  static async start(targetUrl: string): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), Number(new URL(targetUrl).port));
    await proxy.open();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get isOpen(): boolean {
    return this.#server !== undefined;
  }

  async open(): Promise<void> {
    if (this.#server !== undefined) return;
    const server = createServer((client) => {
      const upstream = connect(this.#targetPort, "127.0.0.1");
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.once("close", () => this.#sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.on("data", (chunk: Buffer) => {
        // The request reached the node; its answer is lost with the endpoint.
        if (this.#loseNextAnswer) void this.close();
        else client.write(chunk);
      });
      upstream.once("end", () => client.end());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.#server = server;
  }

  /** The next request reaches the node, but the endpoint goes down before its answer is back. */
  loseNextAnswer(): void {
    this.#loseNextAnswer = true;
  }

  /** Cuts every connection and stops listening: requests now fail with ECONNREFUSED. */
  async close(): Promise<void> {
    this.#loseNextAnswer = false;
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** What a wrapped chain call does to simulate a process that dies around a broadcast. */
export type BroadcastFault = "die-before-send" | "die-after-send";

export class SimulatedCrash extends Error {
  constructor(where: string) {
    super(`simulated crash ${where}`);
    this.name = "SimulatedCrash";
  }
}

/**
 * An AnchorChain around the real one that injects faults: the next broadcast dies before or
 * after sending, and `beforeCall(n, name)` runs before the n-th call (counted from 1), so a test
 * can mine a block or cut the RPC between any two calls of a run.
 */
export class FaultyChain implements AnchorChain {
  readonly #inner: AnchorChain;
  nextBroadcast: BroadcastFault | undefined;
  beforeCall: ((call: number, name: string) => Promise<void>) | undefined;
  calls = 0;

  constructor(inner: AnchorChain) {
    this.#inner = inner;
  }

  get chainId(): number {
    return this.#inner.chainId;
  }

  get contract(): string {
    return this.#inner.contract;
  }

  async #call<T>(name: string, call: () => Promise<T>): Promise<T> {
    this.calls += 1;
    await this.beforeCall?.(this.calls, name);
    return call();
  }

  address(): Promise<string> {
    return this.#call("address", () => this.#inner.address());
  }

  suggestedFees() {
    return this.#call("suggestedFees", () => this.#inner.suggestedFees());
  }

  minedNonce(): Promise<number> {
    return this.#call("minedNonce", () => this.#inner.minedNonce());
  }

  signAnchor(call: Parameters<AnchorChain["signAnchor"]>[0]) {
    return this.#call("signAnchor", () => this.#inner.signAnchor(call));
  }

  broadcast(rawTx: string): Promise<BroadcastOutcome> {
    return this.#call("broadcast", async () => {
      const fault = this.nextBroadcast;
      this.nextBroadcast = undefined;
      if (fault === "die-before-send") throw new SimulatedCrash("after recording, before sending");
      const outcome = await this.#inner.broadcast(rawTx);
      if (fault === "die-after-send") throw new SimulatedCrash(`after sending (${outcome})`);
      return outcome;
    });
  }

  receipt(txHash: string) {
    return this.#call("receipt", () => this.#inner.receipt(txHash));
  }

  blockTimestampSeconds(blockHash: string) {
    return this.#call("blockTimestampSeconds", () => this.#inner.blockTimestampSeconds(blockHash));
  }

  blockHash(blockNumber: number) {
    return this.#call("blockHash", () => this.#inner.blockHash(blockNumber));
  }

  headNumber(): Promise<number> {
    return this.#call("headNumber", () => this.#inner.headNumber());
  }

  balanceWei(): Promise<bigint> {
    return this.#call("balanceWei", () => this.#inner.balanceWei());
  }
}

export interface AnchorHarness {
  readonly node: HardhatNode;
  /** Straight to the node: the test's control of the chain and its view of it. */
  readonly provider: JsonRpcProvider;
  readonly contract: string;
  /** The anchor key (authorised on the contract, funded), connected to `provider`. */
  readonly anchorKey: Wallet;
  /** The dynalite every scenario's table is in (for functions run in other processes). */
  readonly dynamoDbEndpoint: string;
  /** A fresh scenario: the chain back at its state after provisioning, a new table. */
  scenario(): Promise<Scenario>;
  stop(): Promise<void>;
}

export async function startAnchorHarness(): Promise<AnchorHarness> {
  const node = await startHardhatNode();
  const provider = new JsonRpcProvider(node.url, CHAIN_ID, {
    staticNetwork: true,
    cacheTimeout: -1,
  });
  let dynamo: DynamoDbBackend | undefined;
  let client: DynamoDBClient | undefined;
  const stop = async () => {
    client?.destroy();
    provider.destroy();
    await Promise.all([node.stop(), dynamo?.stop()]);
  };
  try {
    dynamo = await startDynalite();
    const dynamoClient = localClient(dynamo.endpoint);
    client = dynamoClient;
    const owner = await provider.getSigner(0);
    const contract = await deployAnchor(owner);
    const anchorKey = new Wallet(Wallet.createRandom().privateKey, provider);
    const anchor = new Contract(contract, ANCHOR_INTERFACE, owner);
    await (await anchor.getFunction("authorize")(anchorKey.address)).wait();
    await (await owner.sendTransaction({ to: anchorKey.address, value: parseEther("100") })).wait();
    let base: string = await provider.send("evm_snapshot", []);
    const harness: AnchorHarness = {
      node,
      provider,
      contract,
      anchorKey,
      dynamoDbEndpoint: dynamo.endpoint,
      scenario: async () => {
        assert.equal(await provider.send("evm_revert", [base]), true, "evm_revert to the base");
        base = await provider.send("evm_snapshot", []);
        // Neither automine nor the mempool's mode is part of a snapshot.
        await provider.send("evm_setAutomine", [true]);
        const tableName = `anchor-faults-${randomUUID().slice(0, 8)}`;
        await createTable(dynamoClient, tableName);
        return new Scenario(
          harness,
          new DynamoDbStore({ client: dynamoClient, tableName }),
          tableName,
        );
      },
      stop,
    };
    return harness;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One scenario: a fresh store and clock over the shared chain, and the checks of the invariants. */
export class Scenario {
  readonly harness: AnchorHarness;
  readonly store: DynamoDbStore;
  readonly tableName: string;
  readonly clock = new TestClock(Date.parse("2026-05-01T00:00:00.000Z"));
  readonly checkpointSigner = new DevCheckpointSigner(new Uint8Array(32).fill(7));
  /** The real chain adapter over the node, as the anchor function wires it. */
  readonly chain: EthersAnchorChain;
  /** Entry ids per ledger, in acceptance order. */
  readonly entries = new Map<string, string[]>();
  /** Every event of every run, oldest first. */
  readonly events: AnchorEvent[] = [];
  /** Blocks that left the canonical chain: no bundle may claim one once the anchorer has run. */
  readonly lostBlocks = new Set<string>();
  readonly #random = counterRandom();

  constructor(harness: AnchorHarness, store: DynamoDbStore, tableName: string) {
    this.harness = harness;
    this.store = store;
    this.tableName = tableName;
    this.chain = this.chainOver(harness.provider);
  }

  /** The chain adapter over another provider (e.g. through the proxy). */
  chainOver(provider: JsonRpcProvider): EthersAnchorChain {
    return new EthersAnchorChain({
      provider,
      signer: this.harness.anchorKey.connect(provider),
      chainId: CHAIN_ID,
      contract: this.harness.contract,
    });
  }

  originOf = (ledger: string): string => originOf(ORIGIN_PREFIX, ledger);

  anchorer(chain: AnchorChain = this.chain, options: AnchorOptions = ANCHOR_OPTIONS): Anchorer {
    return new Anchorer(
      {
        ledgers: this.store,
        log: this.store,
        anchors: this.store,
        chain,
        clock: this.clock,
        originOf: this.originOf,
      },
      options,
    );
  }

  get provider(): JsonRpcProvider {
    return this.harness.provider;
  }

  /** Accepts `count` entries on `ledger` and integrates them: a new signed checkpoint. */
  async addEntries(count: number, ledger = "default"): Promise<number> {
    await this.store.registerLedger(ledger);
    const request = entriesRequestSchema.parse({
      ledger,
      entries: Array.from({ length: count }, (_, i) => ({
        kind: "document",
        contentHash: randomBytes(32).toString("hex"),
        clientRef: `entry-${i}`,
      })),
    });
    const accepted = await acceptEntries(
      { entries: this.store, clock: this.clock, random: this.#random },
      request,
      { tenant: DEFAULT_TENANT },
    );
    this.entries.set(ledger, [...(this.entries.get(ledger) ?? []), ...accepted.map((e) => e.id)]);
    const result = await integrate(
      {
        entries: this.store,
        log: this.store,
        signer: this.checkpointSigner,
        subjects: this.store,
        originOf: this.originOf,
      },
      ledger,
      { maxEntries: 1000 },
    );
    return result.treeSize;
  }

  async mine(blocks = 1): Promise<void> {
    await this.provider.send("hardhat_mine", [`0x${blocks.toString(16)}`]);
  }

  async setAutomine(on: boolean): Promise<void> {
    await this.provider.send("evm_setAutomine", [on]);
  }

  /**
   * The chain resumes: a block takes what is pending, then automine is back on. (Hardhat, when
   * automining, answers a replacement of a transaction still pending with "nonce too low", which
   * no real chain does; so a stalled mempool is flushed first.)
   */
  async resume(): Promise<void> {
    await this.mine();
    await this.setAutomine(true);
  }

  async setNextBaseFee(wei: bigint): Promise<void> {
    await this.provider.send("hardhat_setNextBlockBaseFeePerGas", [`0x${wei.toString(16)}`]);
  }

  async records(ledger = "default"): Promise<AnchorRecord[]> {
    return this.store.recentAnchors(ledger, CHAIN_ID, 1000);
  }

  /** One run; its events are kept, and after it no checkpoint is anchored twice. */
  async run(anchorer: Anchorer = this.anchorer()): Promise<AnchorEvent[]> {
    const events = await anchorer.run();
    this.events.push(...events);
    await this.assertRecordsWellFormed();
    await this.assertNoDoubleAnchor();
    await this.assertBundlesClaimCanonicalBlocks();
    return events;
  }

  /**
   * A run that must fail (a crash, the RPC down): it throws, and afterwards the same checks hold
   * as after any run. Returns the error.
   */
  async runFails(anchorer: Anchorer): Promise<unknown> {
    const error = await anchorer.run().then(
      () => undefined,
      (thrown: unknown) => thrown ?? new Error("rejected without a reason"),
    );
    assert.ok(error !== undefined, "the run was expected to fail");
    await this.assertRecordsWellFormed();
    await this.assertNoDoubleAnchor();
    await this.assertBundlesClaimCanonicalBlocks();
    return error;
  }

  /** Whether every ledger's head is anchored with a final anchor and nothing is open. */
  async settled(): Promise<boolean> {
    for (const ledger of this.entries.keys()) {
      const records = await this.records(ledger);
      const head = await this.store.getHead(ledger);
      if (records.some((r) => OPEN.has(r.status))) return false;
      if (!records.some((r) => r.status === "final" && r.treeSize === head?.treeSize)) return false;
    }
    return true;
  }

  /** Runs and mines a block, until settled; fails after `maxRuns` runs. */
  async settle(anchorer: Anchorer = this.anchorer(), maxRuns = 12): Promise<number> {
    for (let runs = 1; runs <= maxRuns; runs++) {
      await this.run(anchorer);
      if (await this.settled()) return runs;
      await this.mine();
    }
    const state = await Promise.all([...this.entries.keys()].map((l) => this.records(l)));
    assert.fail(`not settled after ${maxRuns} runs: ${JSON.stringify(state.flat().map(brief))}`);
  }

  /** The Anchored logs of `ledger`'s origin on the canonical chain, by tree size. */
  async chainAnchors(ledger = "default"): Promise<Map<number, Log[]>> {
    const found = await this.provider.getLogs({
      address: this.harness.contract,
      topics: [ANCHORED_TOPIC, logIdOfOrigin(this.originOf(ledger))],
      fromBlock: 0,
      toBlock: "latest",
    });
    const logs = new Map<number, Log[]>();
    for (const log of found) {
      const treeSize = Number(BigInt(log.topics[2] ?? "0x0"));
      logs.set(treeSize, [...(logs.get(treeSize) ?? []), log]);
    }
    return logs;
  }

  /**
   * Every record is one the anchorer could have written, whatever failed: its transactions are
   * signed `anchor` calls of its own checkpoint with its nonce, and an inclusion once included.
   */
  async assertRecordsWellFormed(): Promise<void> {
    for (const ledger of this.entries.keys()) {
      const logId = logIdOfOrigin(this.originOf(ledger));
      for (const record of await this.records(ledger)) {
        const where = brief(record);
        assert.ok(record.transactions.length > 0, `${where}: no transaction`);
        const checkpoint = await this.store.getCheckpoint(ledger, record.treeSize);
        assert.equal(record.rootHash, checkpoint?.rootHash, `${where}: the checkpoint's root`);
        for (const tx of record.transactions) {
          const parsed = Transaction.from(tx.rawTx);
          assert.equal(parsed.hash, tx.txHash, `${where}: hash of the recorded bytes`);
          assert.equal(parsed.nonce, record.nonce, `${where}: nonce`);
          assert.ok(same(parsed.to, this.harness.contract), `${where}: to the contract`);
          const [id, size, root] = ANCHOR_INTERFACE.decodeFunctionData("anchor", parsed.data);
          assert.deepEqual(
            [id, size, root],
            [logId, BigInt(record.treeSize), `0x${record.rootHash}`],
          );
        }
        const included = record.status === "included" || record.status === "final";
        assert.ok(!included || record.inclusion !== undefined, `${where}: where included`);
      }
    }
  }

  /** At any moment: at most one canonical Anchored log and one live record per checkpoint. */
  async assertNoDoubleAnchor(): Promise<void> {
    for (const ledger of this.entries.keys()) {
      const logs = await this.chainAnchors(ledger);
      for (const [treeSize, found] of logs) {
        assert.equal(
          found.length,
          1,
          `${ledger}@${treeSize} anchored ${found.length} times on the canonical chain: ` +
            found.map((l) => `${l.transactionHash}@${l.blockNumber}`).join(", "),
        );
      }
      const live = (await this.records(ledger)).filter((r) => LIVE.has(r.status));
      const sizes = live.map((r) => r.treeSize);
      assert.equal(
        new Set(sizes).size,
        sizes.length,
        `two live records of one checkpoint: ${sizes}`,
      );
    }
  }

  async isCanonical(blockNumber: number, blockHash: string): Promise<boolean> {
    return same((await this.provider.getBlock(blockNumber))?.hash, blockHash);
  }

  #readDeps(): ReadDeps {
    return {
      entries: this.store,
      log: this.store,
      anchors: { store: this.store, chainIds: [CHAIN_ID] },
    };
  }

  /**
   * Right after a run, no bundle claims a block that is not canonical (or that was lost). A
   * ledger's bundles all carry its latest anchors or none, so its first entry's bundle shows them.
   */
  async assertBundlesClaimCanonicalBlocks(): Promise<void> {
    for (const ids of this.entries.values()) {
      for (const id of ids.slice(0, 1)) {
        const bundle = await getProof(this.#readDeps(), id, { reader: { tenant: DEFAULT_TENANT } });
        for (const anchor of bundle.anchors) {
          assert.ok(
            !this.lostBlocks.has(anchor.blockHash.toLowerCase()),
            `bundle of ${id} claims lost block ${anchor.blockHash}`,
          );
          assert.ok(
            await this.isCanonical(anchor.blockNumber, anchor.blockHash),
            `bundle of ${id} claims block ${anchor.blockNumber} ${anchor.blockHash}, not canonical`,
          );
        }
      }
    }
  }

  /** Records `blockHash` as lost (the test reorganised it away). */
  lose(blockHash: string): void {
    this.lostBlocks.add(blockHash.toLowerCase());
  }

  /**
   * The end state: every checkpoint the anchorer chose is anchored exactly once on the canonical
   * chain, by the one live (final) record of it; the newest live record is on a canonical block;
   * every entry's bundle is against an anchored checkpoint and verifies, step 5 included.
   */
  async assertInvariants(): Promise<void> {
    await this.assertNoDoubleAnchor();
    for (const [ledger, ids] of this.entries) {
      const records = await this.records(ledger);
      const logs = await this.chainAnchors(ledger);
      const chosen = [...new Set(records.map((r) => r.treeSize))].sort((a, b) => a - b);
      assert.deepEqual(
        [...logs.keys()].sort((a, b) => a - b),
        chosen,
        `${ledger}: the checkpoints anchored on chain are the ones the anchorer chose`,
      );
      for (const treeSize of chosen) {
        const live = records.filter((r) => r.treeSize === treeSize && LIVE.has(r.status));
        assert.equal(live.length, 1, `${ledger}@${treeSize}: one live record`);
        const [record] = live;
        const [log] = logs.get(treeSize) ?? [];
        assert.ok(record !== undefined && log !== undefined);
        assert.equal(record.status, "final", `${ledger}@${treeSize}: ${brief(record)}`);
        assert.ok(record.inclusion !== undefined);
        assert.ok(same(record.inclusion.txHash, log.transactionHash), `${ledger}@${treeSize} tx`);
        assert.ok(same(record.inclusion.blockHash, log.blockHash), `${ledger}@${treeSize} block`);
        assert.equal(record.inclusion.blockNumber, log.blockNumber);
        assert.ok(same(log.data, `0x${record.rootHash}`), `${ledger}@${treeSize}: root on chain`);
      }
      const newest = records.find((r) => LIVE.has(r.status));
      assert.ok(newest?.inclusion !== undefined, `${ledger}: a live record with an inclusion`);
      assert.ok(
        await this.isCanonical(newest.inclusion.blockNumber, newest.inclusion.blockHash),
        `${ledger}: the newest live record's block is canonical`,
      );
      const head = await this.store.getHead(ledger);
      assert.equal(newest.treeSize, head?.treeSize, `${ledger}: the head is anchored`);
      for (const id of ids) {
        const bundle = await getProof(this.#readDeps(), id, {
          reader: { tenant: DEFAULT_TENANT },
          anchored: true,
        });
        assert.equal(bundle.checkpoint.treeSize, newest.treeSize);
        assert.equal(bundle.anchors.length, 1);
        assert.ok(same(bundle.anchors[0]?.txHash, newest.inclusion.txHash));
        const verdict = await verifyBundle(bundle, {
          trustedSigner: await this.checkpointSigner.address(),
          chain: {
            connect: async () => [await EthersAnchorEvidenceReader.connect(this.harness.node.url)],
            confirmations: CONFIRMATIONS,
          },
        });
        assert.equal(verdict.valid, true, JSON.stringify(verdict.failure ?? verdict.steps));
        assert.ok(
          verdict.steps.some((step) => step.step === 5 && step.status === "passed"),
          `${id}: step 5 passed`,
        );
      }
    }
  }

  /** Pending transactions of the anchor key in the node's mempool. */
  async pendingHashes(): Promise<string[]> {
    const pending: { hash: string; from: string }[] = await this.provider.send(
      "eth_pendingTransactions",
      [],
    );
    return pending
      .filter((tx) => same(tx.from, this.harness.anchorKey.address))
      .map((tx) => tx.hash.toLowerCase());
  }

  kinds(events: readonly AnchorEvent[]): string[] {
    return events.map((e) => `${e.kind}:${e.ledger}@${e.treeSize}`);
  }
}

/** A record in one line, for assertion messages. */
export function brief(record: AnchorRecord): string {
  return `${record.ledger}@${record.treeSize}#${record.attempt} ${record.status} nonce ${record.nonce} txs ${record.transactions.length}${
    record.inclusion === undefined ? "" : ` in ${record.inclusion.blockNumber}`
  }`;
}
