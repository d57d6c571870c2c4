/** The anchors' block times, read from the chain wherever a JSON-RPC URL is given. */
import type { Anchor, ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { type ChainBlockTimes, renderAnchors } from "./anchors-table.ts";
import { blockTimeOf } from "./chain.ts";
import { ui } from "./elements.ts";
import { state } from "./state.ts";

/** Redraws the anchors with their block times, unless verification run `run` is no longer the latest. */
export async function showBlockTimes(bundle: ProofBundle, run: number): Promise<void> {
  const times: ChainBlockTimes = await readBlockTimes(bundle.anchors);
  if (run === state.verifyRun) renderAnchors(ui.anchorsTable, bundle.anchors, times);
}

async function readBlockTimes(anchors: readonly Anchor[]): Promise<ChainBlockTimes> {
  const times = new Map<Anchor, string | null>();
  await Promise.all(
    anchors.map(async (anchor) => {
      const url = state.rpcByChain.get(anchor.chainId) ?? "";
      if (url === "") return;
      times.set(anchor, (await blockTimeOf(url, anchor.blockNumber)) ?? null);
    }),
  );
  return times;
}
