/**
 * Webhook events: what Stele tells a tenant about its entries and anchors. An event's id is
 * derived from what it reports, never drawn at random, so a notifier that runs twice over the
 * same log emits the same ids and the deliverer (and the receiver) can drop the repeats.
 */

export const WEBHOOK_EVENT_TYPES = [
  "entry.sequenced",
  "entry.anchored",
  "entry.final",
  "anchor.reorged",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Where an anchor is on its chain, as events report it. */
export interface AnchorRef {
  readonly chainId: number;
  readonly contract: string;
  /** The anchored checkpoint's size: it covers leaves 0 to treeSize - 1. */
  readonly treeSize: number;
  /** 64 lowercase hex: the anchored checkpoint's root. */
  readonly rootHash: string;
  /** Counts re-anchorings of one checkpoint after a reorg (0 for the first). */
  readonly attempt: number;
  readonly txHash: string;
  readonly blockNumber: number;
  readonly blockHash: string;
}

/**
 * What the notifier puts on the delivery queue: the event minus the entries, which the deliverer
 * reads from the batch (a batch of 1000 entries would not fit in one SQS message).
 */
export type WebhookEventRef =
  | {
      readonly type: "entry.sequenced";
      readonly ledger: string;
      readonly batchId: string;
      /** The signed checkpoint that first covers the batch. */
      readonly treeSize: number;
    }
  | {
      readonly type: "entry.anchored" | "entry.final";
      readonly ledger: string;
      readonly batchId: string;
      readonly anchor: AnchorRef;
    }
  | { readonly type: "anchor.reorged"; readonly ledger: string; readonly anchor: AnchorRef };

/** One entry of a batch as entry events list it. */
export interface EventEntry {
  readonly id: string;
  readonly leafIndex: number;
  readonly contentHash: string;
  readonly clientRef?: string;
}

/** The deterministic id of an event: its type and what it is about. */
export function webhookEventId(ref: WebhookEventRef): string {
  switch (ref.type) {
    case "entry.sequenced":
      return `${ref.type}:${ref.batchId}`;
    case "entry.anchored":
    case "entry.final":
      return `${ref.type}:${ref.batchId}:${anchorKeyOf(ref.anchor)}`;
    case "anchor.reorged":
      return `${ref.type}:${ref.ledger}:${anchorKeyOf(ref.anchor)}`;
  }
}

/** `<chainId>:<treeSize>:<attempt>`: one anchoring of one checkpoint on one chain. */
export function anchorKeyOf(anchor: Pick<AnchorRef, "chainId" | "treeSize" | "attempt">): string {
  return `${anchor.chainId}:${anchor.treeSize}:${anchor.attempt}`;
}

/** The JSON body a receiver gets: `{id, type, createdAt, data}`. */
export interface WebhookEventBody {
  readonly id: string;
  readonly type: WebhookEventType;
  /** RFC 3339 UTC: when the notifier emitted the event (the same on every retry). */
  readonly createdAt: string;
  readonly data: Record<string, unknown>;
}

/** The body of an event about a batch's entries, or of a reorg (entries then absent). */
export function webhookEventBody(
  ref: WebhookEventRef,
  createdAt: string,
  entries: readonly EventEntry[] | undefined,
): WebhookEventBody {
  const id = webhookEventId(ref);
  switch (ref.type) {
    case "entry.sequenced":
      return {
        id,
        type: ref.type,
        createdAt,
        data: { ledger: ref.ledger, treeSize: ref.treeSize, entries: entries ?? [] },
      };
    case "entry.anchored":
    case "entry.final":
      return {
        id,
        type: ref.type,
        createdAt,
        data: { ledger: ref.ledger, anchor: ref.anchor, entries: entries ?? [] },
      };
    case "anchor.reorged":
      return { id, type: ref.type, createdAt, data: { ledger: ref.ledger, anchor: ref.anchor } };
  }
}
