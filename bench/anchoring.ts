/**
 * Anchoring on the local stack at its defaults (a new anchor per ledger at most every 10 s, a
 * block every second, 2 confirmations): gas per anchor from the receipts, seconds from signed
 * checkpoint to included and to final, and what anchoring costs per million documents at a
 * stated price. A checkpoint waits for the interval since the last anchor, so its wait depends
 * on when it comes: the samples are submitted at phases spread over the interval.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider } from "ethers";
import { ApiClient } from "../test/support/local/api-client.ts";
import { startStackProcess } from "../test/support/local/stack-process.ts";
import { type BenchProfile, FULL } from "./profile.ts";
import { type Distribution, distribution } from "./stats.ts";

/** The price assumptions of issue 4: 10 gwei per gas, $3,000 per ETH. */
export const GAS_PRICE_GWEI = 10;
export const USD_PER_ETH = 3000;

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now();
}

export interface AnchoringMeasurement {
  readonly figures: Record<string, number>;
  /** Accepted → signed, → anchored (in a block), → final, for the same entries. */
  readonly timeTo: Record<"signed" | "anchored" | "final", Distribution>;
}

export async function measureAnchoring(
  profile: BenchProfile = FULL,
): Promise<AnchoringMeasurement> {
  const { samples: SAMPLES, intervalMs: ANCHOR_INTERVAL_MS } = profile.anchoring;
  const dataDir = await mkdtemp(join(tmpdir(), "stele-bench-anchor-"));
  const stack = await startStackProcess({
    STELE_DATA_DIR: dataDir,
    STELE_ANCHOR_INTERVAL_MS: String(ANCHOR_INTERVAL_MS),
    // The bench polls an entry's status every 50 ms: no dev-stage throttling in its way.
    STELE_RATE_LIMIT_PER_SEC: "0",
  });
  try {
    const api = new ApiClient(stack.url, stack.apiKey);
    const chainUrl = /chain\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stack.output())?.[1] ?? "";
    const provider = new JsonRpcProvider(chainUrl, 31337, {
      staticNetwork: true,
      cacheTimeout: -1,
    });
    const toIncluded: number[] = [];
    const toFinal: number[] = [];
    const gas: bigint[] = [];
    const fromAccepted = {
      signed: [] as number[],
      anchored: [] as number[],
      final: [] as number[],
    };
    for (let i = 0; i < SAMPLES; i++) {
      // Sample i comes i/SAMPLES of an interval later than the one before it was final.
      await new Promise((resolve) => setTimeout(resolve, (i * ANCHOR_INTERVAL_MS) / SAMPLES));
      const sent = performance.now();
      const response = await api.request<{ entries: { id: string }[] }>("POST", "/v1/entries", {
        body: { entries: [{ kind: "document", contentHash: randomBytes(32).toString("hex") }] },
      });
      const id = response.body.entries[0]?.id ?? "";
      const status = async () =>
        (await api.request<{ status: string }>("GET", `/v1/entries/${id}`)).body.status;
      const signed = await waitFor(async () => (await status()) !== "pending", 30_000);
      const included = await waitFor(
        async () => ["anchored", "final"].includes(await status()),
        60_000,
      );
      const final = await waitFor(async () => (await status()) === "final", 60_000);
      toIncluded.push((included - signed) / 1000);
      toFinal.push((final - signed) / 1000);
      fromAccepted.signed.push(signed - sent);
      fromAccepted.anchored.push(included - sent);
      fromAccepted.final.push(final - sent);
      const bundle = (
        await api.request<{ anchors: { txHash: string }[] }>("GET", `/v1/entries/${id}/proof`)
      ).body;
      const receipt = await provider.getTransactionReceipt(bundle.anchors[0]?.txHash ?? "");
      if (receipt !== null) gas.push(receipt.gasUsed);
    }
    provider.destroy();
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const gasPerAnchor = Number(gas.reduce((a, b) => (b > a ? b : a), 0n));
    const usdPerAnchor = gasPerAnchor * GAS_PRICE_GWEI * 1e-9 * USD_PER_ETH;
    const figures = {
      "anchor.intervalMs": ANCHOR_INTERVAL_MS,
      "anchor.gasPerAnchor": gasPerAnchor,
      "anchor.secondsToIncluded": Number(median(toIncluded).toFixed(1)),
      "anchor.secondsToIncluded.max": Number(Math.max(...toIncluded).toFixed(1)),
      "anchor.secondsToFinal": Number(median(toFinal).toFixed(1)),
      "anchor.secondsToFinal.max": Number(Math.max(...toFinal).toFixed(1)),
      "anchor.usdPerAnchor": Number(usdPerAnchor.toFixed(4)),
      // One anchor per batch of documents: a million documents need 1e6 / batch anchors.
      "anchor.usdPerMillionDocs.batch1k": Number((usdPerAnchor * 1000).toFixed(2)),
      "anchor.usdPerMillionDocs.batch1M": Number(usdPerAnchor.toFixed(4)),
    };
    const about = `${SAMPLES} entries at phases spread over the ${ANCHOR_INTERVAL_MS / 1000} s anchor interval`;
    return {
      figures,
      timeTo: {
        signed: distribution(`accepted → signed checkpoint, ${about}`, fromAccepted.signed, 10),
        anchored: distribution(`accepted → anchor in a block, ${about}`, fromAccepted.anchored, 10),
        final: distribution(`accepted → final, ${about}`, fromAccepted.final, 10),
      },
    };
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
