/**
 * A block's timestamp, for the anchors table. (Anchors themselves are checked through
 * shared/adapters/chain/connect-evidence-readers.ts, as `stele verify --rpc` checks them.)
 */

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
