/** Port: a ledger's Merkle log as stored: head, sequencing plans, tiles and checkpoints. */
import type { TileWrite } from "../domain/merkle/append-leaves.ts";
import type { TileReader } from "../domain/merkle/tile-reader.ts";
import type { SignedCheckpoint } from "../domain/proof/bundle-schema.ts";

/** A checkpoint with its signature, exactly as proof bundles and GET …/checkpoint carry it. */
export type StoredCheckpoint = SignedCheckpoint;

/** The ledger's current state: the size and root of the latest signed checkpoint. */
export interface LedgerHead {
  readonly ledger: string;
  readonly treeSize: number;
  readonly checkpoint: StoredCheckpoint;
}

/**
 * The integrate step's intent, written before any of its effects: which batches become which
 * leaves. A crashed run leaves it behind and the next run finishes it, so the leaves of a
 * batch are decided exactly once.
 */
export interface SequencingPlan {
  readonly ledger: string;
  readonly fromSize: number;
  /**
   * The batches' entries end before it when some name a subject: their links (one per such
   * entry, computed by the run from the batches, shared/app/link-subjects.ts) fill the rest.
   */
  readonly toSize: number;
  readonly batches: readonly { readonly batchId: string; readonly firstLeafIndex: number }[];
}

export interface LogStore {
  /** Reads the tiles of `ledger`. */
  tiles(ledger: string): TileReader;
  /** The head (strongly consistent), or undefined for a ledger with no checkpoint yet. */
  getHead(ledger: string): Promise<LedgerHead | undefined>;
  /** Stores `plan` unless a plan from the same size exists; returns whichever plan is stored. */
  claimPlan(plan: SequencingPlan): Promise<SequencingPlan>;
  /** The plan that starts at `fromSize`, if any. */
  getPlan(ledger: string, fromSize: number): Promise<SequencingPlan | undefined>;
  /**
   * Marks the plan done once the head has moved past it. It stays stored (until a TTL of days)
   * so that a late writer that read the old head cannot claim another plan for that size.
   */
  retirePlan(ledger: string, fromSize: number): Promise<void>;
  /** Stores tiles; each replaces a narrower tile of the same level and index, never a wider one. */
  writeTiles(ledger: string, tiles: readonly TileWrite[]): Promise<void>;
  /** Stores a checkpoint unless one of that size exists; returns whichever is stored. */
  putCheckpoint(ledger: string, checkpoint: StoredCheckpoint): Promise<StoredCheckpoint>;
  getCheckpoint(ledger: string, treeSize: number): Promise<StoredCheckpoint | undefined>;
  /** Up to `limit` stored checkpoints with fromSize <= treeSize <= throughSize, smallest first. */
  listCheckpoints(
    ledger: string,
    fromSize: number,
    throughSize: number,
    limit: number,
  ): Promise<StoredCheckpoint[]>;
  /**
   * Moves the head to `head` only if it is still at `fromSize` (0: no head yet): the single
   * compare-and-set that publishes an integrate run. False when another writer got there first.
   */
  advanceHead(fromSize: number, head: LedgerHead): Promise<boolean>;
}
