/**
 * The end of a soak: every acknowledged entry final, shown by the log itself and checked on a
 * sample. The soak's stack starts on an empty data dir and only the soak writes to it, so the
 * log holds exactly the acknowledged entries: when the latest anchored checkpoint has
 * treeSize = acknowledged and all its anchors are `final`, every entry is under a final anchor
 * (the log is append-only). A sample of entries is then read back one by one: status `final`,
 * and its anchored bundle verifies (steps 1–5) against the chain and the published signer.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { EthersAnchorEvidenceReader } from "../../shared/adapters/chain/ethers-anchor-evidence-reader.ts";
import { verifyBundle } from "../../shared/app/verify-bundle.ts";
import { parseBundle } from "../../shared/domain/proof/bundle-codec.ts";
import type { ApiClient } from "../../test/support/local/api-client.ts";

interface AnchoredCheckpoint {
  readonly treeSize: number;
  readonly anchors: readonly { readonly status: string }[];
}

export interface AllFinal {
  /** Seconds from the call until the anchored checkpoint covered every entry, final. */
  readonly secondsToAllFinal: number | undefined;
  readonly finalTreeSize: number;
  readonly sampled: number;
  /** What went wrong, one line each; empty when all is well. */
  readonly problems: readonly string[];
}

/** Waits until the log's latest anchored checkpoint covers `acknowledged` entries, final. */
async function waitForFinalCheckpoint(
  api: ApiClient,
  ledger: string,
  acknowledged: number,
  timeoutMs: number,
): Promise<{ ms: number | undefined; treeSize: number; problems: string[] }> {
  const start = performance.now();
  let last = "no anchored checkpoint yet";
  let treeSize = 0;
  while (performance.now() - start < timeoutMs) {
    const response = await api.request<AnchoredCheckpoint>(
      "GET",
      `/v1/ledgers/${ledger}/checkpoint?anchored=true`,
      { auth: false },
    );
    if (response.status === 200) {
      const { anchors } = response.body;
      treeSize = response.body.treeSize;
      last = `anchored treeSize ${treeSize}, anchors ${anchors.map((a) => a.status).join(",")}`;
      if (treeSize > acknowledged) {
        return {
          ms: undefined,
          treeSize,
          problems: [`the log holds ${treeSize} entries, ${acknowledged} were acknowledged`],
        };
      }
      if (treeSize === acknowledged && anchors.length > 0) {
        if (anchors.every((a) => a.status === "final")) {
          return { ms: performance.now() - start, treeSize, problems: [] };
        }
      }
    }
    await sleep(250);
  }
  return {
    ms: undefined,
    treeSize,
    problems: [`not all final after ${timeoutMs / 1000} s: ${last}; want treeSize ${acknowledged}`],
  };
}

/** `count` distinct indexes of 0..n−1, always with the first and the last. */
function sampleIndexes(n: number, count: number): number[] {
  const chosen = new Set<number>(n === 0 ? [] : [0, n - 1]);
  while (chosen.size < Math.min(n, count)) chosen.add(Math.floor(Math.random() * n));
  return [...chosen].sort((a, b) => a - b);
}

export async function checkAllFinal(options: {
  readonly api: ApiClient;
  readonly ledger: string;
  readonly ids: readonly string[];
  readonly chainUrl: string;
  readonly sample: number;
  readonly timeoutMs: number;
}): Promise<AllFinal> {
  const { api, ledger, ids } = options;
  const waited = await waitForFinalCheckpoint(api, ledger, ids.length, options.timeoutMs);
  const problems = [...waited.problems];
  const indexes = sampleIndexes(ids.length, options.sample);
  if (waited.problems.length === 0) {
    const log = (
      await api.request<{ checkpointSigner: string; chains: { confirmations: number }[] }>(
        "GET",
        "/v1/log",
        { auth: false },
      )
    ).body;
    const reader = await EthersAnchorEvidenceReader.connect(options.chainUrl);
    try {
      for (const index of indexes) {
        const id = ids[index] as string;
        const entry = await api.request<{ status: string }>("GET", `/v1/entries/${id}`);
        if (entry.body.status !== "final") {
          problems.push(`entry ${index} (${id}) is ${entry.body.status}, not final`);
          continue;
        }
        const proof = await api.request("GET", `/v1/entries/${id}/proof?anchored=true`);
        if (proof.status !== 200) {
          problems.push(`proof of entry ${index} (${id}): HTTP ${proof.status}`);
          continue;
        }
        const bundle = parseBundle(proof.body);
        const verdict = await verifyBundle(bundle, {
          trustedSigner: log.checkpointSigner,
          chain: {
            // One reader for the whole sample; verifyBundle closes what connect hands it.
            connect: async () => [
              {
                chainId: reader.chainId,
                readEvidence: (anchor) => reader.readEvidence(anchor),
                close: () => undefined,
              },
            ],
            confirmations: log.chains[0]?.confirmations ?? 1,
          },
        });
        if (!verdict.valid) {
          problems.push(
            `bundle of entry ${index} (${id}) does not verify: ${verdict.failure?.detail}`,
          );
        } else if (bundle.anchors.some((anchor) => anchor.status !== "final")) {
          problems.push(`bundle of entry ${index} (${id}) has an anchor that is not final`);
        }
      }
    } finally {
      reader.close();
    }
  }
  return {
    secondsToAllFinal: waited.ms === undefined ? undefined : waited.ms / 1000,
    finalTreeSize: waited.treeSize,
    sampled: waited.problems.length === 0 ? indexes.length : 0,
    problems,
  };
}
