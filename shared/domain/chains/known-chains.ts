/**
 * Names and block explorers of well-known EVM chains, by chain id, for pages people read.
 * Nothing is verified with this table: a chain missing here is shown by its id, without a link.
 */

export interface KnownChain {
  readonly name: string;
  /** Base URL of a block explorer with `/tx/<hash>` and `/block/<number>` pages. */
  readonly explorer?: string;
}

const KNOWN_CHAINS: ReadonlyMap<number, KnownChain> = new Map([
  [1, { name: "Ethereum", explorer: "https://etherscan.io" }],
  [11155111, { name: "Sepolia", explorer: "https://sepolia.etherscan.io" }],
  [17000, { name: "Holesky", explorer: "https://holesky.etherscan.io" }],
  [10, { name: "OP Mainnet", explorer: "https://optimistic.etherscan.io" }],
  [137, { name: "Polygon PoS", explorer: "https://polygonscan.com" }],
  [8453, { name: "Base", explorer: "https://basescan.org" }],
  [84532, { name: "Base Sepolia", explorer: "https://sepolia.basescan.org" }],
  [42161, { name: "Arbitrum One", explorer: "https://arbiscan.io" }],
  [31337, { name: "Hardhat local chain" }],
]);

/** The chain's name and explorer, or its id as its name. */
export function knownChain(chainId: number): KnownChain {
  return KNOWN_CHAINS.get(chainId) ?? { name: `chain ${chainId}` };
}

/** The explorer page of a transaction, when the chain has an explorer. */
export function explorerTxUrl(chainId: number, txHash: string): string | undefined {
  const { explorer } = knownChain(chainId);
  return explorer === undefined ? undefined : `${explorer}/tx/${txHash}`;
}
