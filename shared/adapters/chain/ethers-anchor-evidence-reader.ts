/** Step 5 evidence from a chain's JSON-RPC endpoint, read with ethers v6. */
import { JsonRpcProvider } from "ethers";
import type { AnchorEvidence } from "../../domain/proof/anchor-check.ts";
import type { Anchor } from "../../domain/proof/bundle-schema.ts";
import type { AnchorEvidenceReader } from "../../ports/anchor-evidence-reader.ts";

const CONNECT_TIMEOUT_MS = 10_000;

/** eth_chainId with a deadline, so an unreachable endpoint fails fast instead of retrying forever. */
async function fetchChainId(url: string): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const body = (await response.json()) as { result?: unknown; error?: { message?: string } };
  if (typeof body.result !== "string")
    throw new Error(body.error?.message ?? "no chain id in the answer");
  return Number(BigInt(body.result));
}

export class EthersAnchorEvidenceReader implements AnchorEvidenceReader {
  readonly chainId: number;
  readonly #provider: JsonRpcProvider;

  private constructor(provider: JsonRpcProvider, chainId: number) {
    this.#provider = provider;
    this.chainId = chainId;
  }

  /** Connects to `url`, learning its chain id once (the provider then never re-detects it). */
  static async connect(url: string): Promise<EthersAnchorEvidenceReader> {
    const chainId = await fetchChainId(url);
    return new EthersAnchorEvidenceReader(
      new JsonRpcProvider(url, chainId, { staticNetwork: true }),
      chainId,
    );
  }

  async readEvidence(anchor: Anchor): Promise<AnchorEvidence> {
    const [receipt, block, head] = await Promise.all([
      this.#provider.getTransactionReceipt(anchor.txHash),
      this.#provider.getBlock(anchor.blockNumber),
      this.#provider.getBlockNumber(),
    ]);
    return {
      chainId: this.chainId,
      receipt:
        receipt === null
          ? null
          : {
              status: receipt.status ?? 0,
              blockNumber: receipt.blockNumber,
              blockHash: receipt.blockHash,
              logs: receipt.logs.map(({ address, topics, data }) => ({ address, topics, data })),
            },
      canonicalBlockHash: block?.hash ?? null,
      headBlockNumber: head,
    };
  }

  close(): void {
    this.#provider.destroy();
  }
}
