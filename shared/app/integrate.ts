/**
 * Use case: integrate one ledger. Pending batches become leaves in batchId order, the tiles
 * grow at their right edge, a checkpoint is signed, and the head moves by compare-and-set.
 *
 * Entries that name a subject are followed, in the same plan, by their links (link-subjects.ts):
 * batches the run computes from the plan's batches and stores itself, never pending.
 *
 * Crash safety: the plan (which batch gets which leaves) is stored before any effect and every
 * later write is idempotent, so a run that dies anywhere is finished by the next one with the
 * same result; a batch is in exactly one plan because it leaves the pending list (markSequenced)
 * before the head moves past the plan, and a plan is claimed by one writer per tree size.
 */
import { fromHex, toHex, utf8 } from "../domain/bytes.ts";
import { InvalidArgumentError } from "../domain/errors.ts";
import type { Batch } from "../domain/ledger/batch.ts";
import { entryId } from "../domain/ledger/entry-id.ts";
import { appendLeaves } from "../domain/merkle/append-leaves.ts";
import { appendEntryTiles } from "../domain/merkle/entry-tiles.ts";
import { hashLeaves32 } from "../domain/merkle/sha256-batch.ts";
import { checkpointBody } from "../domain/proof/checkpoint.ts";
import { subjectEntryCount } from "../domain/subjects/plan-links.ts";
import type { CheckpointSigner } from "../ports/checkpoint-signer.ts";
import type { EntryStore } from "../ports/entry-store.ts";
import type { LogStore, SequencingPlan, StoredCheckpoint } from "../ports/log-store.ts";
import type { SubjectStore } from "../ports/subject-store.ts";
import { linkSubjects } from "./link-subjects.ts";

export interface IntegrateDeps {
  readonly entries: EntryStore;
  readonly log: LogStore;
  readonly signer: CheckpointSigner;
  readonly subjects: SubjectStore;
  /** The checkpoint origin of a ledger. */
  readonly originOf: (ledger: string) => string;
}

export interface IntegrateOptions {
  /** Most entries one run sequences; the rest wait for the next run. */
  readonly maxEntries: number;
}

export interface IntegrateResult {
  readonly ledger: string;
  readonly fromSize: number;
  readonly treeSize: number;
}

/**
 * Batches one plan may name: a plan is one item, and DynamoDB items hold at most 400 KB
 * (a batch costs ~60 bytes of it).
 */
export const MAX_PLAN_BATCHES = 4000;

/** Pending batches, oldest first, up to `maxEntries` entries (always at least one batch). */
async function draftPlan(
  deps: IntegrateDeps,
  ledger: string,
  fromSize: number,
  maxEntries: number,
) {
  // Every batch holds at least one entry, so maxEntries batches are always enough.
  const pending = await deps.entries.listPending(ledger, Math.min(maxEntries, MAX_PLAN_BATCHES));
  const batches: { batchId: string; firstLeafIndex: number }[] = [];
  let size = fromSize;
  let links = 0;
  for (const batch of pending) {
    const leaves = batch.entries.length + subjectEntryCount(batch);
    if (batches.length > 0 && size + links - fromSize + leaves > maxEntries) break;
    batches.push({ batchId: batch.batchId, firstLeafIndex: size });
    size += batch.entries.length;
    links += subjectEntryCount(batch);
  }
  // The batches' entries, then a link for each entry that names a subject (see link-subjects).
  const plan: SequencingPlan = { ledger, fromSize, toSize: size + links, batches };
  return { plan, loaded: new Map(pending.map((batch) => [batch.batchId, batch])) };
}

async function loadBatches(deps: IntegrateDeps, plan: SequencingPlan, loaded: Map<string, Batch>) {
  return Promise.all(
    plan.batches.map(async ({ batchId }) => {
      const batch = loaded.get(batchId) ?? (await deps.entries.getBatch(batchId));
      if (batch === undefined)
        throw new InvalidArgumentError(`plan names batch ${batchId}, which is not stored`);
      return batch;
    }),
  );
}

/** Signs the checkpoint for `treeSize`; the first stored signature of a size is the one kept. */
async function signCheckpoint(
  deps: IntegrateDeps,
  ledger: string,
  treeSize: number,
  rootHash: Uint8Array,
): Promise<StoredCheckpoint> {
  const origin = deps.originOf(ledger);
  const body = checkpointBody(origin, treeSize, rootHash);
  const checkpoint: StoredCheckpoint = {
    origin,
    treeSize,
    rootHash: toHex(rootHash),
    body,
    signature: {
      algorithm: "eip191-secp256k1",
      signer: await deps.signer.address(),
      value: await deps.signer.signPersonalMessage(utf8(body)),
    },
  };
  return deps.log.putCheckpoint(ledger, checkpoint);
}

/** Runs one integrate step for `ledger`; does nothing when nothing is pending. */
export async function integrate(
  deps: IntegrateDeps,
  ledger: string,
  options: IntegrateOptions,
): Promise<IntegrateResult> {
  const head = await deps.log.getHead(ledger);
  const fromSize = head?.treeSize ?? 0;
  let plan = await deps.log.getPlan(ledger, fromSize);
  let loaded = new Map<string, Batch>();
  if (plan === undefined) {
    const draft = await draftPlan(deps, ledger, fromSize, options.maxEntries);
    if (draft.plan.batches.length === 0) return { ledger, fromSize, treeSize: fromSize };
    plan = await deps.log.claimPlan(draft.plan);
    loaded = draft.loaded;
  }
  const eventBatches = await loadBatches(deps, plan, loaded);
  const planned = eventBatches.map((batch, i) => ({
    batch,
    firstLeafIndex: plan.batches[i]?.firstLeafIndex ?? 0,
  }));
  const linked = await linkSubjects(deps, plan, planned);
  // Subject heads show a later plan done: so is this one, by another run; nothing is left to do.
  if (linked.late) return { ledger, fromSize: plan.fromSize, treeSize: plan.toSize };
  const batches = [...planned, ...linked.batches].map(({ batch }) => batch);
  const firstLeaves = [...planned, ...linked.batches].map(({ firstLeafIndex }) => firstLeafIndex);

  const contentHashes = new Uint8Array((plan.toSize - plan.fromSize) * 32);
  const index: { contentHash: string; ledger: string; entryId: string; leafIndex: number }[] = [];
  batches.forEach((batch, i) => {
    const firstLeafIndex = firstLeaves[i] ?? 0;
    batch.entries.forEach((entry, position) => {
      const leafIndex = firstLeafIndex + position;
      contentHashes.set(fromHex(entry.contentHash), (leafIndex - plan.fromSize) * 32);
      index.push({
        contentHash: entry.contentHash,
        ledger,
        entryId: entryId(batch.batchId, position),
        leafIndex,
      });
    });
  });
  const leafHashes = new Uint8Array(contentHashes.length);
  hashLeaves32(contentHashes, leafHashes);

  const tiles = deps.log.tiles(ledger);
  const [appended, entryTiles] = await Promise.all([
    appendLeaves(tiles, plan.fromSize, leafHashes),
    appendEntryTiles(tiles, plan.fromSize, contentHashes),
  ]);
  // Entry tiles (the leaf data, for tlog-tiles mirrors and exports) are written with the hash
  // tiles, before the checkpoint that covers them, and are as idempotent.
  await deps.log.writeTiles(ledger, [...entryTiles, ...appended.tiles]);
  await deps.entries.putContentIndex(index);
  await Promise.all(linked.batches.map(({ batch }) => deps.entries.storeBatch(batch)));
  await Promise.all(
    batches.map((batch, i) => deps.entries.markSequenced(batch, firstLeaves[i] ?? 0)),
  );
  await linked.record();
  const checkpoint = await signCheckpoint(deps, ledger, plan.toSize, appended.rootHash);
  // False only when a concurrent run of this same plan published first: the same result.
  await deps.log.advanceHead(plan.fromSize, { ledger, treeSize: plan.toSize, checkpoint });
  await deps.log.retirePlan(ledger, plan.fromSize);
  return { ledger, fromSize: plan.fromSize, treeSize: plan.toSize };
}
