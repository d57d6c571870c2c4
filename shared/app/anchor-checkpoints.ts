/**
 * Use case: the anchorer of one chain. Each run first settles what it sent (broadcast a
 * recorded transaction again, notice inclusion, replace a stuck one with higher fees, notice a
 * reorg or a dropped transaction), then anchors each ledger's latest signed checkpoint that is
 * larger than its last anchored one.
 *
 * Crash safety: a transaction is recorded (status "sending", with its signed bytes) before it
 * is broadcast, so a crash between the two is finished by broadcasting the same bytes again;
 * the chain's nonce makes a duplicate impossible.
 */
import { ANCHORED_TOPIC, logIdOfOrigin } from "../domain/proof/anchor-check.ts";
import type { AnchorChain, ChainReceipt, Eip1559Fees } from "../ports/anchor-chain.ts";
import type { AnchorRecord, AnchorStore } from "../ports/anchor-store.ts";
import type { Clock } from "../ports/clock.ts";
import type { EntryStore } from "../ports/entry-store.ts";
import type { LedgerHead, LogStore } from "../ports/log-store.ts";

export interface AnchorDeps {
  readonly ledgers: Pick<EntryStore, "listLedgers">;
  readonly log: Pick<LogStore, "getHead">;
  readonly anchors: AnchorStore;
  readonly chain: AnchorChain;
  readonly clock: Clock;
  readonly originOf: (ledger: string) => string;
}

export interface AnchorOptions {
  readonly confirmations: number;
  /** Never offer more than this per gas (wei); above it, wait. */
  readonly maxFeePerGasCeiling: bigint;
  /** A transaction not mined after this long is replaced with higher fees. */
  readonly replaceAfterMs: number;
  /**
   * At most one new anchor per ledger this often, however often run() is called: callers run it
   * often (every second or so) to notice inclusion and finality promptly.
   */
  readonly minAnchorIntervalMs?: number;
  /** The anchor key's balance is read again when the last reading is this old (default 60 s). */
  readonly balanceMaxAgeMs?: number;
}

/**
 * Where one chain's anchoring stands after a run, for the alarms. A ledger's anchored size is
 * the largest tree size among its included or final anchors on this chain (0 if none), and it is
 * waiting when its head (latest signed checkpoint) is larger.
 */
export interface AnchorGauges {
  /** The most, over ledgers, of head size minus anchored size: entries signed but not on chain. */
  readonly lagEntries: number;
  /**
   * The most, over waiting ledgers, of the time since the anchorer started on what waits: the
   * first transaction of the oldest anchor beyond the anchored size (in flight, or orphaned and
   * redone); with none (held back by the interval, or by the fee ceiling), the first transaction
   * of the anchor of the anchored size. Checkpoints carry no time, so this is the anchorer's
   * view, not the entries' age: in steady state it stays below the anchor interval plus the
   * time to inclusion, and it grows while anchoring is stuck. A ledger never anchored on the
   * chain, with nothing sent yet, counts 0 here (it shows in lagEntries).
   */
  readonly lagMs: number;
  /** The anchor key's balance on this chain, in wei (read at most every balanceMaxAgeMs). */
  readonly balanceWei: bigint;
}

export type AnchorEvent =
  | {
      readonly kind: "sent" | "rebroadcast" | "replaced" | "orphaned";
      readonly ledger: string;
      readonly treeSize: number;
    }
  | {
      readonly kind: "included" | "final";
      readonly ledger: string;
      readonly treeSize: number;
      /** Since the anchor's first transaction was signed: the anchoring lag, for metrics. */
      readonly ageMs: number;
    }
  | {
      readonly kind: "fee-ceiling";
      readonly ledger: string;
      readonly treeSize: number;
      readonly maxFeePerGas: bigint;
    };

/** Replacement fees: at least 12.5% above the last offer (what nodes require), or today's if higher. */
function bumped(last: Eip1559Fees, now: Eip1559Fees): Eip1559Fees {
  const up = (value: bigint) => value + value / 8n + 1n;
  const max = (a: bigint, b: bigint) => (a > b ? a : b);
  return {
    maxFeePerGas: max(up(last.maxFeePerGas), now.maxFeePerGas),
    maxPriorityFeePerGas: max(up(last.maxPriorityFeePerGas), now.maxPriorityFeePerGas),
  };
}

const OPEN = new Set(["sending", "sent", "included"]);
const LIVE = new Set(["sending", "sent", "included", "final"]);
const ANCHORED = new Set(["included", "final"]);

/** When `record`'s first transaction was sent: when the anchorer started on that anchor. */
function startedMs(record: AnchorRecord): number {
  return Math.min(...record.transactions.map((tx) => tx.sentAtMs));
}

export class Anchorer {
  readonly #deps: AnchorDeps;
  readonly #options: AnchorOptions;
  readonly #events: AnchorEvent[] = [];
  /** The heads read during the current run, by ledger. */
  readonly #heads = new Map<string, LedgerHead | undefined>();
  #balance: { readonly wei: bigint; readonly readAtMs: number } | undefined;
  #gauges: AnchorGauges | undefined;

  constructor(deps: AnchorDeps, options: AnchorOptions) {
    this.#deps = deps;
    this.#options = options;
  }

  async #save(record: AnchorRecord, changes: Partial<AnchorRecord>): Promise<AnchorRecord> {
    const next = { ...record, ...changes, updatedAtMs: this.#deps.clock.nowMs() };
    await this.#deps.anchors.putAnchor(next);
    return next;
  }

  #about(record: AnchorRecord) {
    const ageMs = Math.max(0, this.#deps.clock.nowMs() - startedMs(record));
    return { ledger: record.ledger, treeSize: record.treeSize, ageMs };
  }

  /** Finds our mined transaction among those sent for `record`, if any. */
  async #mined(record: AnchorRecord): Promise<ChainReceipt | null> {
    for (const tx of [...record.transactions].reverse()) {
      const receipt = await this.#deps.chain.receipt(tx.txHash);
      if (receipt !== null) return receipt;
    }
    return null;
  }

  async #include(record: AnchorRecord, receipt: ChainReceipt): Promise<AnchorRecord> {
    const { chain } = this.#deps;
    const logIndex = receipt.logs.findIndex(
      (log) =>
        log.address.toLowerCase() === chain.contract.toLowerCase() &&
        log.topics[0] === ANCHORED_TOPIC,
    );
    if (receipt.status !== 1 || logIndex < 0) {
      // Reverted (for instance a key that is not authorised): record it and anchor again later.
      this.#events.push({ kind: "orphaned", ledger: record.ledger, treeSize: record.treeSize });
      return this.#save(record, { status: "orphaned" });
    }
    // The block's time is kept for certificates and pages; verifiers read it from the chain.
    const timestampSeconds = await chain.blockTimestampSeconds(receipt.blockHash);
    this.#events.push({ kind: "included", ...this.#about(record) });
    return this.#save(record, {
      status: "included",
      inclusion: {
        txHash: receipt.txHash,
        blockNumber: receipt.blockNumber,
        blockHash: receipt.blockHash,
        logIndex,
        ...(timestampSeconds === null
          ? {}
          : { blockTime: new Date(timestampSeconds * 1000).toISOString() }),
      },
    });
  }

  /**
   * Broadcasts the newest transaction of `record`. "underpriced" leaves it sent: an older offer
   * of ours is pending, and the next replacement bids above this one.
   */
  async #broadcast(record: AnchorRecord): Promise<AnchorRecord> {
    const last = record.transactions.at(-1);
    const outcome =
      last === undefined ? "nonce-too-low" : await this.#deps.chain.broadcast(last.rawTx);
    if (outcome === "nonce-too-low") {
      // The mined nonce first, then receipts (as in #settle): a node that lags behind the one
      // that answered must not make a mined anchor look dropped.
      const minedNonce = await this.#deps.chain.minedNonce();
      const receipt = await this.#mined(record);
      if (receipt !== null) return this.#include(record, receipt);
      if (minedNonce <= record.nonce) return this.#save(record, { status: "sent" });
      this.#events.push({ kind: "orphaned", ledger: record.ledger, treeSize: record.treeSize });
      return this.#save(record, { status: "orphaned" });
    }
    return this.#save(record, { status: "sent" });
  }

  /** Moves one open record on as far as the chain allows now. */
  async #settle(record: AnchorRecord): Promise<AnchorRecord> {
    const { chain, clock } = this.#deps;
    const last = record.transactions.at(-1);
    if (last === undefined) return this.#save(record, { status: "orphaned" });
    if (record.status === "sending") {
      // Recorded by a run that may have died before broadcasting it.
      this.#events.push({ kind: "rebroadcast", ledger: record.ledger, treeSize: record.treeSize });
      return this.#broadcast(record);
    }
    if (record.status === "sent") {
      // The nonce before the receipts: a transaction of ours mined between the two reads then
      // shows its receipt, instead of looking like another transaction took its nonce.
      const nonceUsed = (await chain.minedNonce()) > record.nonce;
      const receipt = await this.#mined(record);
      if (receipt !== null) return this.#include(record, receipt);
      if (nonceUsed) {
        // The nonce was used, and not by any transaction of ours that the chain still has.
        this.#events.push({ kind: "orphaned", ledger: record.ledger, treeSize: record.treeSize });
        return this.#save(record, { status: "orphaned" });
      }
      if (clock.nowMs() - last.sentAtMs < this.#options.replaceAfterMs) return record;
      const fees = bumped(
        {
          maxFeePerGas: BigInt(last.maxFeePerGas),
          maxPriorityFeePerGas: BigInt(last.maxPriorityFeePerGas),
        },
        await chain.suggestedFees(),
      );
      if (fees.maxFeePerGas > this.#options.maxFeePerGasCeiling) {
        this.#events.push({
          kind: "fee-ceiling",
          ledger: record.ledger,
          treeSize: record.treeSize,
          maxFeePerGas: fees.maxFeePerGas,
        });
        return record;
      }
      const signed = await chain.signAnchor({
        logId: logIdOfOrigin(this.#deps.originOf(record.ledger)),
        treeSize: record.treeSize,
        rootHash: record.rootHash,
        nonce: record.nonce,
        fees,
      });
      const sending = await this.#save(record, {
        status: "sending",
        transactions: [
          ...record.transactions,
          { ...signed, ...feeStrings(fees), sentAtMs: clock.nowMs() },
        ],
      });
      this.#events.push({ kind: "replaced", ledger: record.ledger, treeSize: record.treeSize });
      return this.#broadcast(sending);
    }
    if (record.status === "included" && record.inclusion !== undefined) {
      const { blockNumber, blockHash, txHash } = record.inclusion;
      const [canonical, receipt] = await Promise.all([
        chain.blockHash(blockNumber),
        chain.receipt(txHash),
      ]);
      if (
        canonical?.toLowerCase() !== blockHash.toLowerCase() ||
        receipt?.blockHash.toLowerCase() !== blockHash.toLowerCase()
      ) {
        return this.#relocate(record);
      }
      if ((await chain.headNumber()) - blockNumber + 1 >= this.#options.confirmations) {
        this.#events.push({ kind: "final", ...this.#about(record) });
        return this.#save(record, { status: "final" });
      }
    }
    return record;
  }

  /** Whether the block that holds `record`'s transaction is still on the canonical chain. */
  async #stillCanonical(record: AnchorRecord): Promise<boolean> {
    if (record.inclusion === undefined) return false;
    const { blockNumber, blockHash, txHash } = record.inclusion;
    const { chain } = this.#deps;
    const [canonical, receipt] = await Promise.all([
      chain.blockHash(blockNumber),
      chain.receipt(txHash),
    ]);
    const same = (hash: string | undefined | null) =>
      hash?.toLowerCase() === blockHash.toLowerCase();
    return same(canonical) && same(receipt?.blockHash);
  }

  async #orphan(record: AnchorRecord): Promise<AnchorRecord> {
    this.#events.push({ kind: "orphaned", ledger: record.ledger, treeSize: record.treeSize });
    return this.#save(record, { status: "orphaned" });
  }

  /**
   * `record`'s block left the canonical chain. A reorg's new branch often holds the same
   * transaction in another block: then it is the same anchor, included there; otherwise orphaned.
   */
  async #relocate(record: AnchorRecord): Promise<AnchorRecord> {
    const receipt = await this.#mined(record);
    return receipt === null ? this.#orphan(record) : this.#include(record, receipt);
  }

  /**
   * Final anchors are not watched block by block; but if the newest one is gone (a reorg deeper
   * than the confirmations, or a chain that was reset, like the local stack's after a restart),
   * every final anchor of the ledger is checked, so no bundle claims a block that is gone.
   */
  async #recheckFinal(recent: AnchorRecord[]): Promise<AnchorRecord[]> {
    const newestFinal = recent.find((record) => record.status === "final");
    if (newestFinal === undefined || (await this.#stillCanonical(newestFinal))) return recent;
    return Promise.all(
      recent.map(async (record) =>
        record.status === "final" && !(await this.#stillCanonical(record))
          ? this.#relocate(record)
          : record,
      ),
    );
  }

  /**
   * What `ledger` should anchor with `nonce` now, if anything: its newest orphaned checkpoint
   * again when that attempt held this very nonce (see run()); else its head, when it is beyond
   * every live anchor and the last new anchor is at least `minAnchorIntervalMs` old.
   */
  async #target(
    ledger: string,
    recent: readonly AnchorRecord[],
    nonce: number,
  ): Promise<{ treeSize: number; rootHash: string; origin: string } | undefined> {
    const { chain, clock } = this.#deps;
    const [newest] = recent;
    if (
      newest?.status === "orphaned" &&
      newest.nonce === nonce &&
      newest.contract === chain.contract
    )
      return {
        treeSize: newest.treeSize,
        rootHash: newest.rootHash,
        origin: this.#deps.originOf(ledger),
      };
    const live = recent.filter((r) => LIVE.has(r.status));
    const head = await this.#head(ledger);
    if (head === undefined || head.treeSize <= Math.max(0, ...live.map((r) => r.treeSize)))
      return undefined;
    // An orphaned checkpoint (none live) is anchored again at once; a new one keeps the interval.
    const lastStartedMs = Math.max(-Infinity, ...live.map(startedMs));
    if (clock.nowMs() - lastStartedMs < (this.#options.minAnchorIntervalMs ?? 0)) return undefined;
    return head.checkpoint;
  }

  /** Anchors what #target chooses for `ledger`, with `nonce`; the new record, if one was sent. */
  async #anchorLatest(
    ledger: string,
    recent: readonly AnchorRecord[],
    nonce: number,
  ): Promise<AnchorRecord | undefined> {
    const { chain, clock } = this.#deps;
    const target = await this.#target(ledger, recent, nonce);
    if (target === undefined) return undefined;
    const fees = await chain.suggestedFees();
    if (fees.maxFeePerGas > this.#options.maxFeePerGasCeiling) {
      this.#events.push({
        kind: "fee-ceiling",
        ledger,
        treeSize: target.treeSize,
        maxFeePerGas: fees.maxFeePerGas,
      });
      return undefined;
    }
    const { treeSize, rootHash, origin } = target;
    const signed = await chain.signAnchor({
      logId: logIdOfOrigin(origin),
      treeSize,
      rootHash,
      nonce,
      fees,
    });
    const attempt =
      1 + Math.max(-1, ...recent.filter((r) => r.treeSize === treeSize).map((r) => r.attempt));
    // An attempt orphaned by a reorg, whose nonce is free again, may still be mined (nodes put
    // the transactions of dropped blocks back in their pool): with that same nonce, its
    // transactions count as this attempt's, so whichever is mined is found, not anchored twice.
    const earlier = recent
      .filter(
        (r) =>
          r.treeSize === treeSize &&
          r.status === "orphaned" &&
          r.nonce === nonce &&
          r.rootHash === rootHash &&
          r.contract === chain.contract,
      )
      .flatMap((r) => r.transactions)
      .filter((tx) => tx.txHash !== signed.txHash);
    const record: AnchorRecord = {
      ledger,
      chainId: chain.chainId,
      treeSize,
      rootHash,
      contract: chain.contract,
      attempt,
      status: "sending",
      nonce,
      transactions: [...earlier, { ...signed, ...feeStrings(fees), sentAtMs: clock.nowMs() }],
      updatedAtMs: clock.nowMs(),
    };
    await this.#deps.anchors.putAnchor(record);
    this.#events.push({ kind: "sent", ledger, treeSize });
    return this.#broadcast(record);
  }

  /** `ledger`'s head, read once per run. */
  async #head(ledger: string): Promise<LedgerHead | undefined> {
    if (!this.#heads.has(ledger)) this.#heads.set(ledger, await this.#deps.log.getHead(ledger));
    return this.#heads.get(ledger);
  }

  /** The gauges after a run, from each ledger's records (newest first) as the run left them. */
  async #measure(
    recentByLedger: ReadonlyMap<string, readonly AnchorRecord[]>,
  ): Promise<AnchorGauges> {
    const { chain, clock } = this.#deps;
    const nowMs = clock.nowMs();
    let lagEntries = 0;
    let lagMs = 0;
    for (const [ledger, records] of recentByLedger) {
      const headSize = (await this.#head(ledger))?.treeSize ?? 0;
      const anchored = records
        .filter((r) => ANCHORED.has(r.status))
        .reduce<AnchorRecord | undefined>(
          (a, r) => (a === undefined || r.treeSize > a.treeSize ? r : a),
          undefined,
        );
      const anchoredSize = anchored?.treeSize ?? 0;
      if (headSize <= anchoredSize) continue;
      lagEntries = Math.max(lagEntries, headSize - anchoredSize);
      const beyond = records.filter((r) => r.treeSize > anchoredSize);
      const sinceMs =
        beyond.length > 0
          ? Math.min(...beyond.map(startedMs))
          : anchored === undefined
            ? undefined
            : startedMs(anchored);
      if (sinceMs !== undefined) lagMs = Math.max(lagMs, nowMs - sinceMs);
    }
    // Last, after every other call of the run; like them, a failed read fails the run.
    const maxAgeMs = this.#options.balanceMaxAgeMs ?? 60_000;
    if (this.#balance === undefined || nowMs - this.#balance.readAtMs >= maxAgeMs)
      this.#balance = { wei: await chain.balanceWei(), readAtMs: nowMs };
    return { lagEntries, lagMs, balanceWei: this.#balance.wei };
  }

  /** The gauges of the last run, or undefined if it failed (or none ran yet). */
  get lastRunGauges(): AnchorGauges | undefined {
    return this.#gauges;
  }

  /** One run over every ledger; returns what happened, for logs and metrics. */
  async run(): Promise<AnchorEvent[]> {
    this.#events.length = 0;
    this.#heads.clear();
    this.#gauges = undefined;
    const { anchors, chain, ledgers } = this.#deps;
    const names = await ledgers.listLedgers();
    const recentByLedger = new Map<string, AnchorRecord[]>();
    for (const ledger of names) {
      const recent = await this.#recheckFinal(
        await anchors.recentAnchors(ledger, chain.chainId, 20),
      );
      const settled = await Promise.all(
        recent.map((record) => (OPEN.has(record.status) ? this.#settle(record) : record)),
      );
      recentByLedger.set(ledger, settled);
    }
    // Nonces: the chain's count of mined transactions, past any of ours still pending.
    const pending = [...recentByLedger.values()]
      .flat()
      .filter((r) => r.status === "sent" || r.status === "sending");
    let nonce = Math.max(await chain.minedNonce(), ...pending.map((r) => r.nonce + 1));
    const waiting = [...recentByLedger.keys()];
    while (waiting.length > 0) {
      // A reorg's orphaned transaction may still be mined (nodes put the transactions of dropped
      // blocks back in their pool). Its nonce, when next, goes to its own ledger and checkpoint,
      // so that if it is mined it is that anchor, recorded; given to another ledger, it would
      // leave the orphan's checkpoint anchored on chain without a record, then anchored again.
      const heldBy = waiting.findIndex((ledger) => {
        const [newest] = recentByLedger.get(ledger) ?? [];
        return newest?.status === "orphaned" && newest.nonce === nonce;
      });
      const [ledger] = waiting.splice(Math.max(0, heldBy), 1);
      if (ledger === undefined) break;
      const recent = recentByLedger.get(ledger) ?? [];
      const sent = await this.#anchorLatest(ledger, recent, nonce);
      if (sent !== undefined) {
        nonce++;
        recentByLedger.set(ledger, [sent, ...recent]);
      }
    }
    this.#gauges = await this.#measure(recentByLedger);
    return [...this.#events];
  }
}

function feeStrings(fees: Eip1559Fees) {
  return {
    maxFeePerGas: fees.maxFeePerGas.toString(),
    maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
  };
}
