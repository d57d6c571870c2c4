/**
 * One anchor-evidence reader per JSON-RPC URL, connected all at once — what `stele verify --rpc`
 * and the verify page both need. Every failure names its endpoint: a person who gave several
 * must learn which one failed.
 */
import type { AnchorEvidenceReader } from "../../ports/anchor-evidence-reader.ts";
import { EthersAnchorEvidenceReader } from "./ethers-anchor-evidence-reader.ts";

/** An endpoint could not be connected to or read from; the message names its URL. */
export class ChainEndpointError extends Error {
  override name = "ChainEndpointError";
}

/** A reader whose read failures name its endpoint. */
function namingEndpoint(url: string, reader: AnchorEvidenceReader): AnchorEvidenceReader {
  return {
    chainId: reader.chainId,
    readEvidence: (anchor) =>
      reader.readEvidence(anchor).catch((error: Error) => {
        throw new ChainEndpointError(
          `could not check the anchors through ${url}: ${error.message}`,
        );
      }),
    close: () => reader.close(),
  };
}

/** Connects to every URL at once; on any failure closes those that connected and throws. */
export async function connectEvidenceReaders(
  urls: readonly string[],
): Promise<AnchorEvidenceReader[]> {
  const settled = await Promise.allSettled(
    urls.map((url) => EthersAnchorEvidenceReader.connect(url)),
  );
  const readers: AnchorEvidenceReader[] = [];
  const failures: string[] = [];
  settled.forEach((outcome, i) => {
    const url = urls[i] ?? "";
    if (outcome.status === "fulfilled") readers.push(namingEndpoint(url, outcome.value));
    else failures.push(`cannot use RPC endpoint ${url}: ${(outcome.reason as Error).message}`);
  });
  if (failures.length > 0) {
    for (const reader of readers) reader.close();
    throw new ChainEndpointError(failures.join("; "));
  }
  return readers;
}
