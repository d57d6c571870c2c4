/**
 * What a million entries cost against the gas price, from the gas an anchor was measured to
 * use. One anchor covers every entry signed since the ledger's last anchor, and a ledger gets a
 * new anchor at most once per anchor interval (STELE_ANCHOR_INTERVAL_MS, 10 s by default): at a
 * steady rate r entries/s an anchor covers r × 10 entries, so a million entries need
 * 1e6 / (r × 10) anchors. AWS's share (gas excluded, aws.usdPerMillionEntries) does not move
 * with the gas price and is shown beside it.
 */
import type { GasCostSeries } from "./report/results.ts";

export const GAS_PRICES_GWEI = [1, 2, 5, 10, 20, 50, 100, 200] as const;
/** The deployed default of STELE_ANCHOR_INTERVAL_MS. */
export const ANCHOR_INTERVAL_SECONDS = 10;
/** Steady ingest rates, entries per second, each one line of the chart. */
export const INGEST_RATES = [100, 1_000, 10_000] as const;

export function gasCostSeries(
  gasPerAnchor: number,
  awsUsdPerMillion: number,
  usdPerEth: number,
): GasCostSeries {
  const assumptions: Record<string, string> = {};
  for (const rate of INGEST_RATES) {
    const perAnchor = rate * ANCHOR_INTERVAL_SECONDS;
    assumptions[String(perAnchor)] =
      `${rate.toLocaleString("en-US")} entries/s, one anchor per ${ANCHOR_INTERVAL_SECONDS} s: ${perAnchor.toLocaleString("en-US")} entries per anchor`;
  }
  const points = GAS_PRICES_GWEI.map((gwei) => {
    const usdPerAnchor = gasPerAnchor * gwei * 1e-9 * usdPerEth;
    const gasUsdPerMillion: Record<string, number> = {};
    for (const perAnchor of Object.keys(assumptions))
      gasUsdPerMillion[perAnchor] = Number(
        ((1e6 / Number(perAnchor)) * usdPerAnchor).toPrecision(4),
      );
    return { gwei, gasUsdPerMillion };
  });
  return {
    gasPerAnchor,
    usdPerEth,
    anchorIntervalSeconds: ANCHOR_INTERVAL_SECONDS,
    awsUsdPerMillion,
    assumptions,
    points,
  };
}
