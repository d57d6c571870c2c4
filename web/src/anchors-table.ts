/** The anchors table: chain, block, block time (the chain's, where read), transaction, contract. */
import type { Anchor } from "../../shared/domain/proof/bundle-schema.ts";
import { chainLabel, explorerBlockUrl, explorerTxUrl } from "./chains.ts";
import { externalLink, h } from "./dom.ts";

/**
 * A block's time as read from the chain: the timestamp, or null when a JSON-RPC URL was given
 * but the chain could not say. Anchors without an entry had no JSON-RPC URL for their chain.
 */
export type ChainBlockTimes = ReadonlyMap<Anchor, string | null>;

/** The block time cell: the chain's time where read, the bundle's only when nothing could check it. */
function blockTimeCell(anchor: Anchor, blockTimes: ChainBlockTimes): Node | string {
  const recorded = anchor.blockTime;
  if (!blockTimes.has(anchor)) {
    return recorded !== undefined
      ? `${recorded} (as the bundle records it, not checked)`
      : "unknown (give a JSON-RPC URL to read it)";
  }
  const chainTime = blockTimes.get(anchor);
  if (chainTime === null || chainTime === undefined) {
    return recorded !== undefined
      ? `${recorded} (as the bundle records it, not checked: could not read the block from the chain)`
      : "unknown (could not read the block from the chain)";
  }
  const read = `${chainTime} (read from the chain)`;
  if (recorded === undefined || Date.parse(recorded) === Date.parse(chainTime)) return read;
  return h(
    "span",
    {},
    read,
    h("br", {}),
    h(
      "strong",
      { class: "message error", "data-block-time-mismatch": "" },
      `Warning: the bundle records ${recorded}, which does not match the chain.`,
    ),
  );
}

/** One row per anchor: chain, block, time, transaction, with explorer links where known. */
export function renderAnchors(
  container: HTMLElement,
  anchors: readonly Anchor[],
  blockTimes: ChainBlockTimes,
): void {
  if (anchors.length === 0) {
    container.replaceChildren(
      h("p", {}, "None yet: the checkpoint this bundle proves against is not anchored."),
    );
    return;
  }
  const linked = (href: string | undefined, text: string, code: boolean) => {
    const label = code ? h("code", {}, text) : text;
    if (href === undefined) return label;
    const link = externalLink(href, "");
    link.append(label);
    return link;
  };
  container.replaceChildren(
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["Chain", "Block", "Block time", "Transaction", "Contract", "Status"].map((name) =>
            h("th", { scope: "col" }, name),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        ...anchors.map((anchor) => {
          const time = blockTimeCell(anchor, blockTimes);
          return h(
            "tr",
            {},
            h("td", {}, chainLabel(anchor.chainId)),
            h(
              "td",
              {},
              linked(
                explorerBlockUrl(anchor.chainId, anchor.blockNumber),
                String(anchor.blockNumber),
                false,
              ),
            ),
            h("td", {}, time),
            h(
              "td",
              { class: "hash" },
              linked(explorerTxUrl(anchor.chainId, anchor.txHash), anchor.txHash, true),
            ),
            h("td", { class: "hash" }, h("code", {}, anchor.contract)),
            h("td", {}, `${anchor.status}, log ${anchor.logIndex}`),
          );
        }),
      ),
    ),
  );
}
