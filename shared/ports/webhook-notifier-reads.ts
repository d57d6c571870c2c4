/** Port: what the webhook notifier reads of the log beyond LogStore, and its own cursors. */
import type { AnchorRef } from "../domain/webhooks/webhook-event.ts";
import type { SequencingPlan } from "./log-store.ts";

/** How far the notifier has told tenants about one ledger (see shared/app/webhooks/notify.ts). */
export interface NotifyCursor {
  readonly ledger: string;
  /** Bumped by every write: the compare-and-set that keeps two notifiers from interleaving. */
  readonly version: number;
  /** entry.sequenced was emitted for every leaf below this size. */
  readonly sequencedSize: number;
  /** Per chain id: entry.anchored and entry.final emitted below these sizes. */
  readonly chains: Readonly<
    Record<string, { readonly anchoredSize: number; readonly finalSize: number }>
  >;
  /** The anchors events were emitted for, to tell the same tenants when one is reorged. */
  readonly notified: readonly NotifiedAnchor[];
}

export interface NotifiedAnchor {
  readonly anchor: AnchorRef;
  readonly stage: "anchored" | "final";
  /** The events covered leaves fromSize to treeSize - 1. */
  readonly fromSize: number;
  readonly tenants: readonly string[];
}

/** A batch as the notifier needs it: whose it is. */
export interface BatchOwner {
  readonly batchId: string;
  readonly tenant?: string;
}

export interface NotifierReads {
  /** The plan that started at `fromSize`, retired or not (plans are kept for days). */
  readPlan(ledger: string, fromSize: number): Promise<SequencingPlan | undefined>;
  /** The smallest checkpoint size above `treeSize`: where a plan that expired ended. */
  nextCheckpointSize(ledger: string, treeSize: number): Promise<number | undefined>;
  /** The owners of these batches, read strongly consistent (missing ones left out). */
  batchOwners(batchIds: readonly string[]): Promise<Map<string, BatchOwner>>;
  getCursor(ledger: string): Promise<NotifyCursor | undefined>;
  /** Stores `cursor` if the stored one is still at `cursor.version - 1` (absent for 0). */
  putCursor(cursor: NotifyCursor): Promise<boolean>;
}
