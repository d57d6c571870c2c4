/** Use cases that read a ledger's log: latest checkpoint and consistency proofs. */
import { toHex } from "../domain/bytes.ts";
import { InvalidArgumentError, NotFoundError } from "../domain/errors.ts";
import { buildConsistencyProof } from "../domain/merkle/build-proof.ts";
import type { Anchor } from "../domain/proof/bundle-schema.ts";
import type { LogStore, StoredCheckpoint } from "../ports/log-store.ts";
import { type AnchorReads, anchoredView } from "./anchored-view.ts";

export interface CheckpointView extends StoredCheckpoint {
  readonly anchors: readonly Anchor[];
}

/**
 * GET /v1/ledgers/{ledger}/checkpoint: the latest signed checkpoint with its anchors (if it has
 * any yet), or with `anchored` the latest checkpoint that has anchors.
 */
export async function getLatestCheckpoint(
  log: Pick<LogStore, "getHead" | "getCheckpoint">,
  ledger: string,
  options: { anchored?: boolean; anchors?: AnchorReads } = {},
): Promise<CheckpointView> {
  const view = await anchoredView(options.anchors, ledger);
  if (options.anchored === true) {
    const checkpoint = view.latest && (await log.getCheckpoint(ledger, view.latest.treeSize));
    if (view.latest === undefined || checkpoint === undefined) {
      throw new NotFoundError(`ledger ${ledger} has no anchored checkpoint yet`, { ledger });
    }
    return { ...checkpoint, anchors: view.latest.anchors };
  }
  const head = await log.getHead(ledger);
  if (head === undefined)
    throw new NotFoundError(`ledger ${ledger} has no checkpoint yet`, { ledger });
  const anchors = view.latest?.treeSize === head.treeSize ? view.latest.anchors : [];
  return { ...head.checkpoint, anchors };
}

/** GET /v1/ledgers/{ledger}/consistency?from=N&to=M, for 0 < N <= M <= size. */
export async function getConsistency(
  log: LogStore,
  ledger: string,
  from: number,
  to: number,
): Promise<{ from: number; to: number; path: string[] }> {
  const head = await log.getHead(ledger);
  if (head === undefined)
    throw new NotFoundError(`ledger ${ledger} has no checkpoint yet`, { ledger });
  if (
    !(
      Number.isSafeInteger(from) &&
      Number.isSafeInteger(to) &&
      0 < from &&
      from <= to &&
      to <= head.treeSize
    )
  ) {
    throw new InvalidArgumentError(
      `need 0 < from <= to <= ${head.treeSize}, got from=${from} to=${to}`,
      {
        errors: [
          ...(0 < from && from <= to ? [] : [{ path: "from", message: `0 < from <= to` }]),
          ...(to <= head.treeSize
            ? []
            : [{ path: "to", message: `at most the tree size ${head.treeSize}` }]),
        ],
      },
    );
  }
  const path = await buildConsistencyProof(log.tiles(ledger), from, to);
  return { from, to, path: path.map(toHex) };
}
