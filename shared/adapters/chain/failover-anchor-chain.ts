/**
 * One chain through several JSON-RPC endpoints: a call that throws on one endpoint is repeated on
 * the next. That is safe because every AnchorChain call is idempotent: reads, a broadcast of bytes
 * already signed (a second copy is "known" or "nonce-too-low"), signing in the signer.
 */
import type {
  AnchorChain,
  BroadcastOutcome,
  ChainReceipt,
  Eip1559Fees,
} from "../../ports/anchor-chain.ts";

export interface FailoverAnchorChainOptions {
  /** Told each time a call leaves endpoint `from`, which threw `error`, for endpoint `to`. */
  readonly onFailover?: (from: number, to: number, error: unknown) => void;
  /**
   * Calls go back to the first endpoint this long after they left it (default 5 minutes). A node
   * that lags behind the chain answers as readily as a fresh one, so without this a failover to
   * a stale node would hold the anchorer there (nothing seen mined) for as long as it answers.
   */
  readonly retryFirstAfterMs?: number;
  /** Milliseconds since the epoch, for retryFirstAfterMs; Date.now by default. */
  readonly nowMs?: () => number;
}

const RETRY_FIRST_AFTER_MS = 5 * 60_000;

export class FailoverAnchorChain implements AnchorChain {
  readonly chainId: number;
  readonly contract: string;
  readonly #endpoints: readonly AnchorChain[];
  readonly #onFailover: FailoverAnchorChainOptions["onFailover"];
  /**
   * The endpoint that answered last, where every call starts (back to the first after
   * retryFirstAfterMs). Nodes lag each other, so the reads of one run should come from one node
   * as long as it answers.
   */
  #current = 0;
  /** When calls last moved off the first endpoint. */
  #leftFirstAtMs = 0;
  readonly #retryFirstAfterMs: number;
  readonly #nowMs: () => number;

  /** Requires at least one endpoint, all on one chain with one Anchor contract. */
  constructor(endpoints: readonly AnchorChain[], options: FailoverAnchorChainOptions = {}) {
    const [first] = endpoints;
    if (first === undefined) throw new Error("FailoverAnchorChain needs at least one endpoint");
    for (const [index, endpoint] of endpoints.entries()) {
      if (endpoint.chainId !== first.chainId) {
        throw new Error(
          `RPC endpoint ${index} is on chain ${endpoint.chainId}, endpoint 0 on chain ${first.chainId}: all endpoints must serve one chain`,
        );
      }
      if (endpoint.contract.toLowerCase() !== first.contract.toLowerCase()) {
        throw new Error(
          `RPC endpoint ${index} anchors to contract ${endpoint.contract}, endpoint 0 to ${first.contract}: all endpoints must use one contract`,
        );
      }
    }
    this.chainId = first.chainId;
    this.contract = first.contract;
    this.#endpoints = [...endpoints];
    this.#onFailover = options.onFailover;
    this.#retryFirstAfterMs = options.retryFirstAfterMs ?? RETRY_FIRST_AFTER_MS;
    this.#nowMs = options.nowMs ?? Date.now;
  }

  /**
   * Runs `call` on the current endpoint, then on each next one (wrapping round) while they
   * throw. Whatever an endpoint returns is its answer, null or a refusal included: only a thrown
   * error says the endpoint could not answer.
   */
  async #call<T>(operation: string, call: (endpoint: AnchorChain) => Promise<T>): Promise<T> {
    if (this.#current !== 0 && this.#nowMs() - this.#leftFirstAtMs >= this.#retryFirstAfterMs)
      this.#current = 0;
    const order = [...this.#endpoints.entries()];
    order.push(...order.splice(0, this.#current));
    const errors: unknown[] = [];
    for (const [step, [index, endpoint]] of order.entries()) {
      try {
        const answer = await call(endpoint);
        if (index !== 0 && this.#current === 0) this.#leftFirstAtMs = this.#nowMs();
        this.#current = index;
        return answer;
      } catch (error) {
        errors.push(error);
        const next = order[step + 1];
        if (next !== undefined) this.#onFailover?.(index, next[0], error);
      }
    }
    throw new AggregateError(
      errors,
      `${operation} failed on all ${errors.length} RPC endpoints of chain ${this.chainId}`,
    );
  }

  address(): Promise<string> {
    return this.#call("address", (e) => e.address());
  }

  suggestedFees(): Promise<Eip1559Fees> {
    return this.#call("suggestedFees", (e) => e.suggestedFees());
  }

  minedNonce(): Promise<number> {
    return this.#call("minedNonce", (e) => e.minedNonce());
  }

  signAnchor(
    call: Parameters<AnchorChain["signAnchor"]>[0],
  ): Promise<{ txHash: string; rawTx: string }> {
    return this.#call("signAnchor", (e) => e.signAnchor(call));
  }

  broadcast(rawTx: string): Promise<BroadcastOutcome> {
    return this.#call("broadcast", (e) => e.broadcast(rawTx));
  }

  receipt(txHash: string): Promise<ChainReceipt | null> {
    return this.#call("receipt", (e) => e.receipt(txHash));
  }

  blockTimestampSeconds(blockHash: string): Promise<number | null> {
    return this.#call("blockTimestampSeconds", (e) => e.blockTimestampSeconds(blockHash));
  }

  blockHash(blockNumber: number): Promise<string | null> {
    return this.#call("blockHash", (e) => e.blockHash(blockNumber));
  }

  headNumber(): Promise<number> {
    return this.#call("headNumber", (e) => e.headNumber());
  }

  balanceWei(): Promise<bigint> {
    return this.#call("balanceWei", (e) => e.balanceWei());
  }
}
