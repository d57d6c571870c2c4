// A real EVM for tests: the local stack's embedded hardhat node on a free loopback port, with
// automine only (tests mine blocks themselves), stopped by the test.
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type EmbeddedChain, startEmbeddedChain } from "../../../local/embedded-chain.ts";

const here = dirname(fileURLToPath(import.meta.url));

export type HardhatNode = EmbeddedChain;

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

/** Starts a hardhat node (chain id 31337, automine) and waits until it serves JSON-RPC. */
export async function startHardhatNode(timeoutMs = 60_000): Promise<HardhatNode> {
  return startEmbeddedChain({
    port: await freePort(),
    config: join(here, "hardhat.config.cjs"),
    timeoutMs,
  });
}
