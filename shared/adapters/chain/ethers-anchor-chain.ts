/** The anchorer's view of one EVM chain, through ethers v6 and a signer holding the anchor key. */
import { type AbstractSigner, type JsonRpcProvider, Transaction } from "ethers";
import type {
  AnchorChain,
  BroadcastOutcome,
  ChainReceipt,
  Eip1559Fees,
} from "../../ports/anchor-chain.ts";
import { encodeAnchorCall } from "./anchor-call.ts";

/** ~27k is used; the rest of the limit is never paid for, and covers a future cold-storage read. */
const ANCHOR_GAS_LIMIT = 60_000n;

/** How nodes word the broadcast refusals the anchorer recovers from (geth, hardhat, others). */
const OUTCOMES: readonly [RegExp, BroadcastOutcome][] = [
  [/already known|already imported|known transaction/i, "known"],
  [/nonce too low|nonce has already been used|nonce is too low/i, "nonce-too-low"],
  [/underpriced/i, "underpriced"],
];

export interface EthersAnchorChainOptions {
  readonly provider: JsonRpcProvider;
  /** Signs with the anchor key (KmsTransactionSigner in AWS, a dev wallet locally). */
  readonly signer: AbstractSigner;
  readonly chainId: number;
  readonly contract: string;
}

/** An RPC endpoint that serves another chain than the one configured for it. */
export class WrongChainError extends Error {
  constructor(expected: number, served: number) {
    super(
      `the RPC endpoint serves chain ${served}, not chain ${expected}: check the chain's rpcUrls`,
    );
    this.name = "WrongChainError";
  }
}

export class EthersAnchorChain implements AnchorChain {
  readonly chainId: number;
  readonly contract: string;
  readonly #provider: JsonRpcProvider;
  readonly #signer: AbstractSigner;
  #chainChecked: Promise<JsonRpcProvider> | undefined;

  constructor(options: EthersAnchorChainOptions) {
    this.chainId = options.chainId;
    this.contract = options.contract;
    this.#provider = options.provider;
    this.#signer = options.signer;
  }

  address(): Promise<string> {
    return this.#signer.getAddress();
  }

  /**
   * The provider, once its node has said it serves this chain. The provider is static (it never
   * asks by itself), and a node of another chain would answer receipts and blocks of that chain:
   * asked before the first call, and again after a failure to ask.
   */
  #node(): Promise<JsonRpcProvider> {
    this.#chainChecked ??= (async () => {
      const served = Number(await this.#provider.send("eth_chainId", []));
      if (served !== this.chainId) throw new WrongChainError(this.chainId, served);
      return this.#provider;
    })().catch((error: unknown) => {
      this.#chainChecked = undefined;
      throw error;
    });
    return this.#chainChecked;
  }

  async suggestedFees(): Promise<Eip1559Fees> {
    const fees = await (await this.#node()).getFeeData();
    if (fees.maxFeePerGas === null || fees.maxPriorityFeePerGas === null) {
      throw new Error(
        `chain ${this.chainId} offers no EIP-1559 fee data: the anchorer needs a London-or-later chain`,
      );
    }
    return { maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas };
  }

  async minedNonce(): Promise<number> {
    return (await this.#node()).getTransactionCount(await this.address(), "latest");
  }

  async signAnchor(
    call: Parameters<AnchorChain["signAnchor"]>[0],
  ): Promise<{ txHash: string; rawTx: string }> {
    const rawTx = await this.#signer.signTransaction({
      type: 2,
      chainId: this.chainId,
      to: this.contract,
      from: await this.address(),
      data: encodeAnchorCall(call.logId, call.treeSize, call.rootHash),
      nonce: call.nonce,
      gasLimit: ANCHOR_GAS_LIMIT,
      maxFeePerGas: call.fees.maxFeePerGas,
      maxPriorityFeePerGas: call.fees.maxPriorityFeePerGas,
      value: 0n,
    });
    const hash = Transaction.from(rawTx).hash;
    if (hash === null) throw new Error("the signer returned an unsigned transaction");
    return { txHash: hash, rawTx };
  }

  async broadcast(rawTx: string): Promise<BroadcastOutcome> {
    try {
      await (await this.#node()).send("eth_sendRawTransaction", [rawTx]);
      return "accepted";
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const known = OUTCOMES.find(([pattern]) => pattern.test(message));
      if (known !== undefined) return known[1];
      throw error;
    }
  }

  async receipt(txHash: string): Promise<ChainReceipt | null> {
    const receipt = await (await this.#node()).getTransactionReceipt(txHash);
    if (receipt === null) return null;
    return {
      txHash: receipt.hash,
      status: receipt.status ?? 0,
      blockNumber: receipt.blockNumber,
      blockHash: receipt.blockHash,
      logs: receipt.logs.map(({ address, topics, data }) => ({ address, topics, data })),
    };
  }

  async blockTimestampSeconds(blockHash: string): Promise<number | null> {
    return (await (await this.#node()).getBlock(blockHash))?.timestamp ?? null;
  }

  async blockHash(blockNumber: number): Promise<string | null> {
    return (await (await this.#node()).getBlock(blockNumber))?.hash ?? null;
  }

  async headNumber(): Promise<number> {
    return (await this.#node()).getBlockNumber();
  }

  async balanceWei(): Promise<bigint> {
    return (await this.#node()).getBalance(await this.address(), "latest");
  }
}
