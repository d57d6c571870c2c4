/** A chain's JSON-RPC endpoint, asked its chain id with a deadline (ethers would retry forever). */
import { CliError } from "./usage-error.ts";

const CONNECT_TIMEOUT_MS = 10_000;

export async function chainIdOf(url: string): Promise<number> {
  let body: { result?: unknown; error?: { message?: string } };
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    body = (await response.json()) as typeof body;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new CliError(`cannot use RPC endpoint ${url}: ${cause ?? (error as Error).message}`);
  }
  if (typeof body.result !== "string") {
    throw new CliError(
      `RPC endpoint ${url} gave no chain id: ${body.error?.message ?? "no result"}`,
    );
  }
  return Number(BigInt(body.result));
}
