/**
 * Use case: GET /v1/ledgers/{ledger}/checkpoints — every signed checkpoint the ledger published,
 * oldest first, each with its standing anchors, a page at a time. An export of the log needs all
 * of them: each is checked against the tiles and against the next (`stele verify-log`).
 */
import { InvalidArgumentError, NotFoundError } from "../domain/errors.ts";
import type { Anchor } from "../domain/proof/bundle-schema.ts";
import type { AnchorStore } from "../ports/anchor-store.ts";
import type { LogStore, StoredCheckpoint } from "../ports/log-store.ts";
import { toBundleAnchor } from "./anchored-view.ts";

export const DEFAULT_CHECKPOINT_PAGE = 100;
export const MAX_CHECKPOINT_PAGE = 1000;

/** An anchor as a bundle carries it, plus what it put on chain: the checkpoint's size and root. */
export type ListedAnchor = Anchor & { readonly treeSize: number; readonly rootHash: string };

export interface ListedCheckpoint extends StoredCheckpoint {
  readonly anchors: readonly ListedAnchor[];
}

export interface CheckpointPage {
  readonly checkpoints: readonly ListedCheckpoint[];
  /** The `after` of the next page: the last tree size of this one; null on the last page. */
  readonly next: number | null;
}

export interface CheckpointListDeps {
  readonly log: Pick<LogStore, "getHead" | "listCheckpoints">;
  /** The chains this deployment anchors on; absent: no anchors are listed. */
  readonly anchors?: {
    readonly store: Pick<AnchorStore, "anchorsBetween">;
    readonly chainIds: readonly number[];
  };
}

export interface CheckpointPageQuery {
  /** Only checkpoints of a larger tree size (absent: from the first). */
  readonly after?: number;
  readonly limit?: number;
}

function checkQuery(query: CheckpointPageQuery): { fromSize: number; limit: number } {
  const { after, limit = DEFAULT_CHECKPOINT_PAGE } = query;
  const errors = [
    ...(after === undefined ||
    (Number.isSafeInteger(after) && after >= 0 && after + 1 <= Number.MAX_SAFE_INTEGER)
      ? []
      : [{ path: "after", message: "a tree size: a whole number below 2^53 - 1" }]),
    ...(Number.isSafeInteger(limit) && limit >= 1 && limit <= MAX_CHECKPOINT_PAGE
      ? []
      : [{ path: "limit", message: `1 to ${MAX_CHECKPOINT_PAGE}` }]),
  ];
  if (errors.length > 0) {
    throw new InvalidArgumentError(errors.map((e) => `${e.path} must be ${e.message}`).join("; "), {
      errors,
    });
  }
  return { fromSize: after === undefined ? 0 : after + 1, limit };
}

/** The standing anchors of each tree size in [fromSize, throughSize], one per chain, in chain order. */
async function anchorsBySize(
  deps: CheckpointListDeps,
  ledger: string,
  fromSize: number,
  throughSize: number,
): Promise<Map<number, ListedAnchor[]>> {
  const bySize = new Map<number, ListedAnchor[]>();
  if (deps.anchors === undefined) return bySize;
  const { store, chainIds } = deps.anchors;
  const perChain = await Promise.all(
    chainIds.map((chainId) => store.anchorsBetween(ledger, chainId, fromSize, throughSize)),
  );
  for (const records of perChain) {
    // Oldest attempt first: a later attempt that stands replaces an earlier one of its size.
    const standing = new Map<number, ListedAnchor>();
    for (const record of records) {
      const anchor = toBundleAnchor(record);
      if (anchor === undefined) continue;
      standing.set(record.treeSize, {
        ...anchor,
        treeSize: record.treeSize,
        rootHash: record.rootHash,
      });
    }
    for (const [treeSize, anchor] of standing) {
      bySize.set(treeSize, [...(bySize.get(treeSize) ?? []), anchor]);
    }
  }
  return bySize;
}

/**
 * A page of the ledger's checkpoints up to its head, oldest first; NotFoundError for a ledger
 * without one, InvalidArgumentError (naming the parameter) for a bad `after` or `limit`.
 */
export async function listCheckpoints(
  deps: CheckpointListDeps,
  ledger: string,
  query: CheckpointPageQuery = {},
): Promise<CheckpointPage> {
  const { fromSize, limit } = checkQuery(query);
  const head = await deps.log.getHead(ledger);
  if (head === undefined) {
    throw new NotFoundError(`ledger ${ledger} has no checkpoint yet`, { ledger });
  }
  // Only published checkpoints: one stored by a run that has not moved the head yet waits.
  const stored = await deps.log.listCheckpoints(ledger, fromSize, head.treeSize, limit);
  const last = stored.at(-1);
  if (last === undefined) return { checkpoints: [], next: null };
  const anchors = await anchorsBySize(deps, ledger, fromSize, last.treeSize);
  return {
    checkpoints: stored.map((checkpoint) => ({
      ...checkpoint,
      anchors: anchors.get(checkpoint.treeSize) ?? [],
    })),
    next: stored.length === limit && last.treeSize < head.treeSize ? last.treeSize : null,
  };
}
