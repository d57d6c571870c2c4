/**
 * Use case: the webhook notifier, run on a schedule beside integrate and the anchorer, never on
 * their paths. Per ledger it keeps a cursor — entry.sequenced sent below one tree size, and per
 * chain entry.anchored and entry.final below others — and each run compares it with the head
 * and the anchor records: the leaves in between are found through the sequencing plans (which
 * batches became which leaves), and each batch of a tenant with a webhook gets one event.
 *
 * At least once: the events are queued before the cursor moves (by compare-and-set), so a run
 * that dies in between is redone by the next with the same event ids, which the deliverer drops.
 * An anchor that events were sent for and that is then orphaned (a reorg) gets anchor.reorged,
 * sent to the tenants told of it, and the cursor moves back so the re-anchoring is told too.
 */
import { tenantOf } from "../../domain/ledger/tenant.ts";
import {
  type AnchorRef,
  anchorKeyOf,
  type WebhookEventRef,
} from "../../domain/webhooks/webhook-event.ts";
import type { AnchorRecord, AnchorStore } from "../../ports/anchor-store.ts";
import type { Clock } from "../../ports/clock.ts";
import type { EntryStore } from "../../ports/entry-store.ts";
import type { LogStore } from "../../ports/log-store.ts";
import type {
  NotifiedAnchor,
  NotifierReads,
  NotifyCursor,
} from "../../ports/webhook-notifier-reads.ts";
import type { WebhookQueue } from "../../ports/webhook-queue.ts";
import type { WebhookStore } from "../../ports/webhook-store.ts";
import type { WebhookMessage } from "../../schemas/webhook-message.ts";

export interface NotifyDeps {
  readonly ledgers: Pick<EntryStore, "listLedgers">;
  readonly log: Pick<LogStore, "getHead">;
  /** The chains anchored on; absent: no anchor events. */
  readonly anchors?: {
    readonly store: Pick<AnchorStore, "recentAnchors">;
    readonly chainIds: readonly number[];
  };
  readonly reads: NotifierReads;
  readonly webhooks: Pick<WebhookStore, "listWebhooks">;
  readonly queue: Pick<WebhookQueue, "send">;
  readonly clock: Clock;
}

export interface NotifyOptions {
  /** Sequencing plans one run reads per ledger at most; the rest waits for the next run. */
  readonly maxPlansPerLedger: number;
}

export interface NotifyResult {
  readonly ledger: string;
  /** Events queued by this run. */
  readonly events: number;
  /** Leaves whose plan had expired (kept 7 days): their events could not be sent. */
  readonly skippedLeaves: number;
  /** False when another notifier moved the cursor first (its events and these are the same). */
  readonly cursorMoved: boolean;
}

/** Anchor records kept per chain in the cursor, to notice their reorgs. */
const NOTIFIED_PER_CHAIN = 40;
const RECENT_ANCHORS = 20;

type ChainCursor = { anchoredSize: number; finalSize: number };

/** What one run over one ledger shares between its steps. */
interface LedgerRun {
  readonly ledger: string;
  /** The tenants with a webhook. */
  readonly tenants: ReadonlySet<string>;
  readonly walker: PlanWalker;
  /** Resolves the owners of these batches; answers a batch's tenant. */
  readonly ownersOf: (batchIds: readonly string[]) => Promise<(batchId: string) => string>;
  readonly emit: (tenant: string, event: WebhookEventRef) => void;
}

interface PlanStep {
  readonly batchIds: readonly string[];
  readonly toSize: number;
}

/** Walks a ledger's plans from one tree size to another, within a budget of plan reads. */
class PlanWalker {
  readonly #reads: NotifierReads;
  readonly #ledger: string;
  readonly #cache = new Map<number, PlanStep | undefined>();
  #budget: number;
  skippedLeaves = 0;

  constructor(reads: NotifierReads, ledger: string, budget: number) {
    this.#reads = reads;
    this.#ledger = ledger;
    this.#budget = budget;
  }

  async #step(fromSize: number): Promise<PlanStep | undefined> {
    if (this.#cache.has(fromSize)) return this.#cache.get(fromSize);
    this.#budget--;
    const plan = await this.#reads.readPlan(this.#ledger, fromSize);
    let step: PlanStep | undefined;
    if (plan !== undefined) {
      step = { batchIds: plan.batches.map((batch) => batch.batchId), toSize: plan.toSize };
    } else {
      // Expired (older than its TTL): the next checkpoint says where it ended.
      const next = await this.#reads.nextCheckpointSize(this.#ledger, fromSize);
      if (next !== undefined) {
        this.skippedLeaves += next - fromSize;
        step = { batchIds: [], toSize: next };
      }
    }
    this.#cache.set(fromSize, step);
    return step;
  }

  /** The batches sequenced in [fromSize, toSize), each with its plan's end; and how far it got. */
  async batches(
    fromSize: number,
    toSize: number,
  ): Promise<{ reached: number; batches: { batchId: string; treeSize: number }[] }> {
    const batches: { batchId: string; treeSize: number }[] = [];
    let size = fromSize;
    while (size < toSize && (this.#budget > 0 || this.#cache.has(size))) {
      const step = await this.#step(size);
      if (step === undefined || step.toSize <= size) break;
      for (const batchId of step.batchIds) batches.push({ batchId, treeSize: step.toSize });
      size = step.toSize;
    }
    return { reached: size, batches };
  }
}

function anchorRef(record: AnchorRecord): AnchorRef | undefined {
  const { inclusion } = record;
  if (inclusion === undefined) return undefined;
  return {
    chainId: record.chainId,
    contract: record.contract,
    treeSize: record.treeSize,
    rootHash: record.rootHash,
    attempt: record.attempt,
    txHash: inclusion.txHash,
    blockNumber: inclusion.blockNumber,
    blockHash: inclusion.blockHash,
  };
}

const STANDING = new Set(["included", "final"]);

export class WebhookNotifier {
  readonly #deps: NotifyDeps;
  readonly #options: NotifyOptions;

  constructor(deps: NotifyDeps, options: NotifyOptions) {
    this.#deps = deps;
    this.#options = options;
  }

  /** One run over every ledger. */
  async run(): Promise<NotifyResult[]> {
    const webhooks = await this.#deps.webhooks.listWebhooks();
    const tenants = new Set(webhooks.map((webhook) => webhook.tenant));
    const results: NotifyResult[] = [];
    for (const ledger of await this.#deps.ledgers.listLedgers()) {
      results.push(await this.#runLedger(ledger, tenants));
    }
    return results;
  }

  async #runLedger(ledger: string, tenants: ReadonlySet<string>): Promise<NotifyResult> {
    const { reads, log, clock } = this.#deps;
    const [stored, head] = await Promise.all([reads.getCursor(ledger), log.getHead(ledger)]);
    const headSize = head?.treeSize ?? 0;
    const chainIds = this.#deps.anchors?.chainIds ?? [];
    const recentByChain = new Map<number, AnchorRecord[]>();
    for (const chainId of chainIds) {
      const records = await this.#deps.anchors?.store.recentAnchors(
        ledger,
        chainId,
        RECENT_ANCHORS,
      );
      recentByChain.set(chainId, records ?? []);
    }
    // Nobody listens: the cursor follows the log, so a webhook set later starts from there.
    const following = tenants.size === 0;
    const cursor = {
      sequencedSize: stored?.sequencedSize ?? (following ? headSize : 0),
      chains: { ...(stored?.chains ?? {}) } as Record<string, ChainCursor>,
      notified: [...(stored?.notified ?? [])],
    };
    const messages: WebhookMessage[] = [];
    const createdAt = new Date(clock.nowMs()).toISOString();
    const emit = (tenant: string, event: WebhookEventRef) =>
      messages.push({ tenant, event, createdAt, attempts: 0 });
    const walker = new PlanWalker(reads, ledger, this.#options.maxPlansPerLedger);
    const ownerCache = new Map<string, string>();
    // A batch that a plan names is written before the plan: one not found is a fault to retry
    // (the run fails before its cursor moves), never an owner to guess.
    const ownersOf = async (batchIds: readonly string[]) => {
      const missing = batchIds.filter((batchId) => !ownerCache.has(batchId));
      if (missing.length > 0) {
        const owners = await reads.batchOwners(missing);
        const unfound = missing.filter((batchId) => !owners.has(batchId));
        if (unfound.length > 0) {
          throw new Error(
            `ledger ${ledger}: the sequencing plans name ${unfound.length} batch(es) not found ` +
              `(${unfound.slice(0, 3).join(", ")}): their owners are unknown, so no event is sent`,
          );
        }
        for (const batchId of missing) {
          const owner = owners.get(batchId);
          if (owner !== undefined) ownerCache.set(batchId, tenantOf(owner));
        }
      }
      return (batchId: string) => {
        const tenant = ownerCache.get(batchId);
        if (tenant === undefined) throw new Error(`batch ${batchId}: its owner was not read`);
        return tenant;
      };
    };

    const run: LedgerRun = { ledger, tenants, walker, ownersOf, emit };

    if (following) {
      cursor.sequencedSize = headSize;
      cursor.notified = [];
      for (const [chainId, records] of recentByChain) {
        const standing = records.filter((r) => STANDING.has(r.status));
        cursor.chains[chainId] = {
          anchoredSize: Math.max(0, ...standing.map((r) => r.treeSize)),
          finalSize: Math.max(
            0,
            ...standing.filter((r) => r.status === "final").map((r) => r.treeSize),
          ),
        };
      }
    } else {
      // entry.sequenced, for the leaves signed since the cursor.
      const sequenced = await walker.batches(cursor.sequencedSize, headSize);
      const ownerOf = await ownersOf(sequenced.batches.map((batch) => batch.batchId));
      for (const { batchId, treeSize } of sequenced.batches) {
        const tenant = ownerOf(batchId);
        if (tenants.has(tenant))
          emit(tenant, { type: "entry.sequenced", ledger, batchId, treeSize });
      }
      cursor.sequencedSize = sequenced.reached;

      for (const [chainId, records] of recentByChain) {
        const chain: ChainCursor = {
          ...(cursor.chains[chainId] ?? { anchoredSize: 0, finalSize: 0 }),
        };
        cursor.notified = this.#reorgs(run, chainId, records, cursor.notified, chain);
        cursor.notified = await this.#anchorEvents(run, records, cursor.notified, chain);
        cursor.chains[chainId] = chain;
      }
      cursor.notified = prune(cursor.notified);
    }

    const next: NotifyCursor = {
      ledger,
      version: (stored?.version ?? -1) + 1,
      ...cursor,
    };
    const changed =
      stored === undefined ||
      JSON.stringify({ ...stored, version: 0 }) !== JSON.stringify({ ...next, version: 0 });
    if (messages.length > 0) {
      await this.#deps.queue.send(
        messages.map((message) => ({ body: JSON.stringify(message), delaySeconds: 0 })),
      );
    }
    const cursorMoved = changed ? await reads.putCursor(next) : true;
    return { ledger, events: messages.length, skippedLeaves: walker.skippedLeaves, cursorMoved };
  }

  /**
   * entry.anchored, then entry.final, for the leaves that standing anchors of one chain cover
   * beyond the chain's sizes, each range told with the smallest anchor that covers it. Moves
   * `chain` on; returns the notified anchors with these added.
   */
  async #anchorEvents(
    run: LedgerRun,
    records: readonly AnchorRecord[],
    notified: readonly NotifiedAnchor[],
    chain: ChainCursor,
  ): Promise<NotifiedAnchor[]> {
    const { ledger, tenants, walker, ownersOf, emit } = run;
    let told = [...notified];
    const standing = records
      .filter((r) => STANDING.has(r.status))
      .sort((a, b) => a.treeSize - b.treeSize || a.attempt - b.attempt);
    for (const stage of ["anchored", "final"] as const) {
      const sizeKey = stage === "anchored" ? "anchoredSize" : "finalSize";
      for (const record of standing) {
        if (stage === "final" && record.status !== "final") continue;
        const anchor = anchorRef(record);
        if (anchor === undefined || record.treeSize <= chain[sizeKey]) continue;
        const fromSize = chain[sizeKey];
        const walked = await walker.batches(fromSize, record.treeSize);
        const ownerOf = await ownersOf(walked.batches.map((batch) => batch.batchId));
        const tenantsTold = new Set<string>();
        for (const { batchId } of walked.batches) {
          const tenant = ownerOf(batchId);
          if (!tenants.has(tenant)) continue;
          tenantsTold.add(tenant);
          emit(tenant, { type: `entry.${stage}`, ledger, batchId, anchor });
        }
        told = remember(told, { anchor, stage, fromSize, tenants: [...tenantsTold] });
        chain[sizeKey] = walked.reached;
        // Out of plan reads for this run: the rest of this range is told by the next run.
        if (walked.reached < record.treeSize) break;
      }
    }
    return told;
  }

  /**
   * Anchors told to tenants and since orphaned: anchor.reorged to those tenants, and the
   * chain's sizes moved back to where the orphaned ranges began. Returns the notified left.
   */
  #reorgs(
    run: LedgerRun,
    chainId: number,
    records: readonly AnchorRecord[],
    notified: readonly NotifiedAnchor[],
    chain: ChainCursor,
  ): NotifiedAnchor[] {
    const { ledger, tenants, emit } = run;
    const orphaned = new Set(
      records.filter((r) => r.status === "orphaned").map((r) => anchorKeyOf(r)),
    );
    const gone = notified.filter(
      (n) => n.anchor.chainId === chainId && orphaned.has(anchorKeyOf(n.anchor)),
    );
    const told = new Map<string, { anchor: AnchorRef; tenants: Set<string> }>();
    for (const n of gone) {
      const key = anchorKeyOf(n.anchor);
      const entry = told.get(key) ?? { anchor: n.anchor, tenants: new Set<string>() };
      for (const tenant of n.tenants) entry.tenants.add(tenant);
      told.set(key, entry);
      if (n.stage === "anchored") chain.anchoredSize = Math.min(chain.anchoredSize, n.fromSize);
      else chain.finalSize = Math.min(chain.finalSize, n.fromSize);
    }
    for (const { anchor, tenants: toTell } of told.values()) {
      for (const tenant of toTell)
        if (tenants.has(tenant)) emit(tenant, { type: "anchor.reorged", ledger, anchor });
    }
    return notified.filter((n) => !gone.includes(n));
  }
}

/** Adds `entry`, merged with an earlier part of the same anchor and stage (a walk cut short). */
function remember(notified: readonly NotifiedAnchor[], entry: NotifiedAnchor): NotifiedAnchor[] {
  const key = `${anchorKeyOf(entry.anchor)}:${entry.stage}`;
  const same = notified.find((n) => `${anchorKeyOf(n.anchor)}:${n.stage}` === key);
  if (same === undefined) return [...notified, entry];
  const merged: NotifiedAnchor = {
    ...entry,
    fromSize: Math.min(same.fromSize, entry.fromSize),
    tenants: [...new Set([...same.tenants, ...entry.tenants])],
  };
  return [...notified.filter((n) => n !== same), merged];
}

/** Keeps the newest NOTIFIED_PER_CHAIN anchors of each chain. */
function prune(notified: readonly NotifiedAnchor[]): NotifiedAnchor[] {
  const byChain = new Map<number, NotifiedAnchor[]>();
  for (const n of notified)
    byChain.set(n.anchor.chainId, [...(byChain.get(n.anchor.chainId) ?? []), n]);
  return [...byChain.values()].flatMap((list) =>
    list.sort((a, b) => b.anchor.treeSize - a.anchor.treeSize).slice(0, NOTIFIED_PER_CHAIN),
  );
}
