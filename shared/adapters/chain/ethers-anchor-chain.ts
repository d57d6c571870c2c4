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

export class EthersAnchorChain implements AnchorChain {
  readonly chainId: number;
  readonly contract: string;
  readonly #provider: JsonRpcProvider;
  readonly #signer: AbstractSigner;

  constructor(options: EthersAnchorChainOptions) {
    this.chainId = options.chainId;
    this.contract = options.contract;
    this.#provider = options.provider;
    this.#signer = options.signer;
  }

  address(): Promise<string> {
    return this.#signer.getAddress();
  }

  async suggestedFees(): Promise<Eip1559Fees> {
    const fees = await this.#provider.getFeeData();
    if (fees.maxFeePerGas === null || fees.maxPriorityFeePerGas === null) {
      throw new Error(
        `chain ${this.chainId} offers no EIP-1559 fee data: the anchorer needs a London-or-later chain`,
      );
    }
    return { maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas };
  }

  async minedNonce(): Promise<number> {
    return this.#provider.getTransactionCount(await this.address(), "latest");
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
      await this.#provider.send("eth_sendRawTransaction", [rawTx]);
      return "accepted";
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const known = OUTCOMES.find(([pattern]) => pattern.test(message));
      if (known !== undefined) return known[1];
      throw error;
    }
  }

  async receipt(txHash: string): Promise<ChainReceipt | null> {
    const receipt = await this.#provider.getTransactionReceipt(txHash);
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
    return (await this.#provider.getBlock(blockHash))?.timestamp ?? null;
  }

  async blockHash(blockNumber: number): Promise<string | null> {
    return (await this.#provider.getBlock(blockNumber))?.hash ?? null;
  }

  headNumber(): Promise<number> {
    return this.#provider.getBlockNumber();
  }

  async balanceWei(): Promise<bigint> {
    return this.#provider.getBalance(await this.address(), "latest");
  }
}
