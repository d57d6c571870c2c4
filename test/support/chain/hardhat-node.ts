// A real EVM for tests: the local stack's embedded hardhat node on a free loopback port, with
// automine only (tests mine blocks themselves), stopped by the test.
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type EmbeddedChain, startEmbeddedChain } from "../../../local/embedded-chain.ts";

const here = dirname(fileURLToPath(import.meta.url));

/** The chain id a node has unless a test asks for another. */
export const DEFAULT_CHAIN_ID = 31337;

export interface HardhatNode extends EmbeddedChain {
  readonly chainId: number;
}

export interface HardhatNodeOptions {
  /** Chain id of the node (default 31337): two nodes with different ids are two chains. */
  readonly chainId?: number;
  readonly timeoutMs?: number;
}

/** A loopback port that nothing listens on at the moment of asking. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/** Starts a hardhat node (automine; chain id 31337 unless asked) and waits until it serves JSON-RPC. */
export async function startHardhatNode(options: HardhatNodeOptions = {}): Promise<HardhatNode> {
  const chainId = options.chainId ?? DEFAULT_CHAIN_ID;
  const port = await freePort();
  const chain = await startEmbeddedChain({
    port,
    config: join(here, "hardhat.config.cjs"),
    env: { STELE_TEST_CHAIN_ID: String(chainId) },
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  return { url: chain.url, chainId, stop: () => chain.stop() };
}
