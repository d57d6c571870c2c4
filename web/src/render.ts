/** The verdict, the five steps, the bundle's summary and its anchors, as the page shows them. */
import type { Anchor, ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import {
  STEP_NAMES,
  type StepNumber,
  type StepOutcome,
} from "../../shared/domain/proof/verdict.ts";
import { chainLabel, explorerBlockUrl, explorerTxUrl } from "./chains.ts";
import { externalLink, h, shortHash } from "./dom.ts";

/**
 * A step as the page shows it: the domain's outcome, or one the page adds itself: `not-run`
 * after an earlier failure, `error` when a chain endpoint could not be used (no verdict).
 */
export interface PageStep {
  readonly step: StepNumber;
  readonly status: StepOutcome["status"] | "not-run" | "error";
  /** One line per outcome (step 5 has one per anchor). */
  readonly details: readonly string[];
  readonly expected?: string;
  readonly found?: string;
}

export type VerdictState = "checking" | "valid" | "partial" | "invalid" | "error";

const MARKS: Record<PageStep["status"], { mark: string; word: string }> = {
  passed: { mark: "✓", word: "passed" },
  failed: { mark: "✗", word: "failed" },
  skipped: { mark: "–", word: "skipped" },
  "not-run": { mark: "–", word: "not checked" },
  error: { mark: "!", word: "could not be checked" },
};

/** `text` with its first letter in upper case, to follow a full stop. */
const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const STATUS_RANK: Record<PageStep["status"], number> = {
  failed: 5,
  error: 4,
  passed: 3,
  skipped: 2,
  "not-run": 1,
};

/** Folds the outcomes of each step (step 5 may have several) into one page step per number. */
export function pageSteps(outcomes: readonly PageStep[]): PageStep[] {
  const steps: PageStep[] = [];
  const failedAt = outcomes.find((o) => o.status === "failed" || o.status === "error")?.step;
  for (const step of [1, 2, 3, 4, 5] as const) {
    const mine = outcomes.filter((o) => o.step === step);
    if (mine.length === 0) {
      steps.push({
        step,
        status: "not-run",
        details: [
          failedAt === undefined
            ? "not checked"
            : `not checked: step ${failedAt} (${STEP_NAMES[failedAt]}) did not pass`,
        ],
      });
      continue;
    }
    const worst = mine.reduce((a, b) => (STATUS_RANK[b.status] > STATUS_RANK[a.status] ? b : a));
    steps.push({
      step,
      status: worst.status,
      details: mine.flatMap((o) => o.details),
      ...(worst.expected === undefined ? {} : { expected: worst.expected }),
      ...(worst.found === undefined ? {} : { found: worst.found }),
    });
  }
  return steps;
}

/** One `<li>` per step: a tick, a cross or a dash, the step's name, and what was found. */
export function renderSteps(list: HTMLElement, steps: readonly PageStep[]): void {
  list.replaceChildren(
    ...steps.map((step) => {
      const { mark, word } = MARKS[step.status];
      return h(
        "li",
        { "data-step": String(step.step), "data-status": step.status },
        h("span", { class: "mark", "aria-hidden": "true" }, mark),
        h(
          "div",
          {},
          h("span", { class: "name" }, `Step ${step.step}: ${STEP_NAMES[step.step]} — ${word}`),
          ...step.details.map((detail) => h("p", { class: "detail" }, detail)),
          step.status === "failed" &&
            h(
              "dl",
              {},
              h("dt", {}, "expected"),
              h("dd", {}, step.expected ?? ""),
              h("dt", {}, "found"),
              h("dd", {}, step.found ?? ""),
            ),
        ),
      );
    }),
  );
}

/** The sentence at the top of the result, and its state. */
export function verdictOf(
  bundle: ProofBundle,
  steps: readonly PageStep[],
  signerCompared: boolean,
): { state: VerdictState; text: string } {
  const failure = steps.find((step) => step.status === "failed");
  if (failure !== undefined) {
    return {
      state: "invalid",
      text: `Not valid: step ${failure.step} (${STEP_NAMES[failure.step]}) failed. ${sentence(failure.details[0] ?? "")}`,
    };
  }
  const error = steps.find((step) => step.status === "error");
  if (error !== undefined) {
    return {
      state: "error",
      text: `Could not finish: step ${error.step} (${STEP_NAMES[error.step]}) could not be checked. ${sentence(error.details[0] ?? "")}`,
    };
  }
  const { entry, leafIndex, checkpoint } = bundle;
  const claim = `${entry.kind === "document" ? "The document" : "The transaction"} ${shortHash(entry.contentHash)} is leaf ${leafIndex} of ${checkpoint.origin} at tree size ${checkpoint.treeSize}`;
  const unchecked = steps
    .filter((step) => step.status === "skipped")
    .map((step) => STEP_NAMES[step.step]);
  if (!signerCompared) unchecked.push("published signer");
  if (unchecked.length === 0) {
    const chains = [...new Set(bundle.anchors.map((a) => chainLabel(a.chainId)))].join(", ");
    return {
      state: "valid",
      text: `Verified. ${claim}, signed by the log's published signer and anchored on ${chains}.`,
    };
  }
  return {
    state: "partial",
    text: `Valid as far as checked. ${claim}; not checked: ${unchecked.join(", ")}.`,
  };
}

function row(term: string, ...value: (Node | string)[]): Node[] {
  return [h("dt", {}, term), h("dd", {}, ...value)];
}

/** What the bundle states and what the checks were made against. */
export function renderSummary(
  list: HTMLElement,
  bundle: ProofBundle,
  checkedWith: { signer?: string; rpcUrls: readonly string[]; confirmations: number },
): void {
  const { entry, checkpoint } = bundle;
  list.replaceChildren(
    ...row("Entry", h("code", {}, entry.id), ` in ledger ${entry.ledger} (${entry.kind})`),
    ...row("Content hash", h("code", { class: "hash" }, entry.contentHash)),
    ...row("Received at", `${entry.receivedAt} (the service's statement; no step proves it)`),
    ...row("Leaf index", `${bundle.leafIndex} of ${checkpoint.treeSize}`),
    ...row("Log", h("code", {}, checkpoint.origin)),
    ...row("Checkpoint root", h("code", { class: "hash" }, checkpoint.rootHash)),
    ...row("Checkpoint signer", h("code", {}, checkpoint.signature.signer)),
    ...row(
      "Compared with",
      checkedWith.signer === undefined
        ? "no published signer given"
        : h("code", {}, checkedWith.signer),
    ),
    ...row(
      "Chain endpoints",
      checkedWith.rpcUrls.length === 0 ? "none given" : checkedWith.rpcUrls.join(", "),
    ),
    ...row("Confirmations required", String(checkedWith.confirmations)),
  );
}

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
