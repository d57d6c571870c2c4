/** The page's chain reads: the same ethers reader the CLI uses, and a block's timestamp. */
import { EthersAnchorEvidenceReader } from "../../shared/adapters/chain/ethers-anchor-evidence-reader.ts";
import type { AnchorEvidenceReader } from "../../shared/ports/anchor-evidence-reader.ts";

/** A chain endpoint could not be used; the message names its URL. */
export class ChainEndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChainEndpointError";
  }
}

/** A reader whose failures name its endpoint. */
function namingEndpoint(url: string, reader: AnchorEvidenceReader): AnchorEvidenceReader {
  return {
    chainId: reader.chainId,
    readEvidence: (anchor) =>
      reader.readEvidence(anchor).catch((error: Error) => {
        throw new ChainEndpointError(`could not read the anchor through ${url}: ${error.message}`);
      }),
    close: () => reader.close(),
  };
}

/** Connects to every URL at once; on any failure closes those that connected and throws. */
export async function connectReaders(urls: readonly string[]): Promise<AnchorEvidenceReader[]> {
  const settled = await Promise.allSettled(
    urls.map((url) => EthersAnchorEvidenceReader.connect(url)),
  );
  const readers: AnchorEvidenceReader[] = [];
  const failures: string[] = [];
  settled.forEach((outcome, i) => {
    const url = urls[i] ?? "";
    if (outcome.status === "fulfilled") readers.push(namingEndpoint(url, outcome.value));
    else
      failures.push(
        `cannot reach the JSON-RPC endpoint ${url}: ${(outcome.reason as Error).message}`,
      );
  });
  if (failures.length > 0) {
    for (const reader of readers) reader.close();
    throw new ChainEndpointError(failures.join("; "));
  }
  return readers;
}

/** The timestamp of block `blockNumber` (RFC 3339), or undefined when the endpoint cannot say. */
export async function blockTimeOf(url: string, blockNumber: number): Promise<string | undefined> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "eth_getBlockByNumber",
        params: [`0x${blockNumber.toString(16)}`, false],
      }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { result?: { timestamp?: unknown } | null };
    const timestamp = body.result?.timestamp;
    if (typeof timestamp !== "string") return undefined;
    return new Date(Number(BigInt(timestamp)) * 1000).toISOString();
  } catch {
    return undefined;
  }
}
