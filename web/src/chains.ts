/** What the page shows of a chain: the project's table of well-known chains, plus the RPC hint. */
import { explorerTxUrl, knownChain } from "../../shared/domain/chains/known-chains.ts";
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";

export { explorerTxUrl };

/** "Base (8453)", or "chain 12345" for a chain the table does not know. */
export function chainLabel(chainId: number): string {
  const { name } = knownChain(chainId);
  return name === `chain ${chainId}` ? name : `${name} (${chainId})`;
}

/** The explorer page of a block, when the chain has an explorer. */
export function explorerBlockUrl(chainId: number, blockNumber: number): string | undefined {
  const { explorer } = knownChain(chainId);
  return explorer === undefined ? undefined : `${explorer}/block/${blockNumber}`;
}

/** The RPC URL to suggest for a chain nobody named: the local stack's chain for 31337. */
export function defaultRpcUrl(chainId: number): string | undefined {
  return chainId === 31337 ? "http://127.0.0.1:8545" : undefined;
}

/** The chains a bundle's anchors are on, each once, in the order of its anchors. */
export function chainIdsOf(bundle: ProofBundle): number[] {
  return [...new Set(bundle.anchors.map((anchor) => anchor.chainId))];
}
