/**
 * What must hold of a ledger after any fault once the service has healed itself, checked from
 * the store the functions share (not from what the functions said):
 * - every acknowledged entry is in the log exactly once: its content hash is the data of one
 *   leaf (read from the entry tiles, which hold every leaf's data), and that leaf is the entry's;
 * - every signed checkpoint is signed by the checkpoint key, its root is the root of the stored
 *   tiles at its size, and it is consistent with its predecessor (RFC 9162 consistency proof):
 *   one log, never a fork;
 * - every subject's history holds its acknowledged events once, its links chained.
 */
import assert from "node:assert/strict";
import { fromHex, toHex, utf8 } from "../../../shared/domain/bytes.ts";
import { buildConsistencyProof, treeRoot } from "../../../shared/domain/merkle/build-proof.ts";
import { HASH_BYTES } from "../../../shared/domain/merkle/hasher.ts";
import { entryBundlesOfTree } from "../../../shared/domain/merkle/tree-tiles.ts";
import { verifyConsistency } from "../../../shared/domain/merkle/verify-consistency.ts";
import { recoverEip191Signer } from "../../../shared/domain/proof/checkpoint.ts";
import {
  checkSubjectChain,
  type SubjectLinkPayload,
} from "../../../shared/domain/subjects/subject-link.ts";
import type { EntryStore } from "../../../shared/ports/entry-store.ts";
import type { LogStore, StoredCheckpoint } from "../../../shared/ports/log-store.ts";
import type { SubjectStore } from "../../../shared/ports/subject-store.ts";

/** An entry the service acknowledged (202, or accepted off the queue). */
export interface AcknowledgedEntry {
  readonly id: string;
  readonly contentHash: string;
  readonly subject?: string;
}

export interface InvariantStores {
  readonly entries: EntryStore;
  readonly log: LogStore;
  readonly subjects?: SubjectStore;
}

/** Every checkpoint of `ledger`, smallest first. */
async function allCheckpoints(log: LogStore, ledger: string): Promise<StoredCheckpoint[]> {
  const found: StoredCheckpoint[] = [];
  for (;;) {
    const from = (found.at(-1)?.treeSize ?? 0) + 1;
    const page = await log.listCheckpoints(ledger, from, Number.MAX_SAFE_INTEGER, 1000);
    found.push(...page);
    if (page.length < 1000) return found;
  }
}

/** Checks the signed checkpoints of `ledger`; returns the head's size. */
export async function assertCheckpointsConsistent(
  log: LogStore,
  ledger: string,
  signer: string,
): Promise<number> {
  const head = await log.getHead(ledger);
  const checkpoints = await allCheckpoints(log, ledger);
  assert.ok(head !== undefined, `${ledger} has no head`);
  assert.equal(checkpoints.at(-1)?.treeSize, head.treeSize, `${ledger}: the head is the newest`);
  const tiles = log.tiles(ledger);
  let previous: StoredCheckpoint | undefined;
  for (const checkpoint of checkpoints) {
    const where = `${ledger}@${checkpoint.treeSize}`;
    assert.equal(
      recoverEip191Signer(utf8(checkpoint.body), checkpoint.signature.value).toLowerCase(),
      signer.toLowerCase(),
      `${where}: signed by the checkpoint key`,
    );
    assert.equal(
      toHex(await treeRoot(tiles, checkpoint.treeSize)),
      checkpoint.rootHash,
      `${where}: its root is the root of the stored tiles (a fork rewrote them)`,
    );
    if (previous !== undefined) {
      const proof = await buildConsistencyProof(tiles, previous.treeSize, checkpoint.treeSize);
      assert.doesNotThrow(
        () =>
          verifyConsistency(
            previous?.treeSize ?? 0,
            checkpoint.treeSize,
            proof,
            fromHex(previous?.rootHash ?? ""),
            fromHex(checkpoint.rootHash),
          ),
        `${where}: consistent with ${ledger}@${previous.treeSize}`,
      );
    }
    previous = checkpoint;
  }
  return head.treeSize;
}

/** The data of every leaf of `ledger` up to `treeSize`, in leaf order, as hex. */
export async function leafData(log: LogStore, ledger: string, treeSize: number): Promise<string[]> {
  const bundles = entryBundlesOfTree(treeSize);
  const read = await log.tiles(ledger).readTiles(bundles);
  const leaves: string[] = [];
  bundles.forEach((tile, i) => {
    const bytes = read[i] ?? new Uint8Array(0);
    for (let k = 0; k < tile.width; k++)
      leaves.push(toHex(bytes.subarray(k * HASH_BYTES, (k + 1) * HASH_BYTES)));
  });
  assert.equal(leaves.length, treeSize, `${ledger}: leaf data for every leaf`);
  return leaves;
}

/** Every acknowledged entry of `ledger` is its own leaf, once. Content hashes must be distinct. */
export async function assertEachEntryOnce(
  stores: InvariantStores,
  ledger: string,
  treeSize: number,
  acknowledged: readonly AcknowledgedEntry[],
): Promise<void> {
  const leaves = await leafData(stores.log, ledger, treeSize);
  const leavesOf = new Map<string, number[]>();
  leaves.forEach((hash, leafIndex) => {
    leavesOf.set(hash, [...(leavesOf.get(hash) ?? []), leafIndex]);
  });
  for (const entry of acknowledged) {
    const at = leavesOf.get(entry.contentHash) ?? [];
    assert.equal(
      at.length,
      1,
      `entry ${entry.id} is at leaves [${at}] of ${ledger}: once, not lost`,
    );
    const indexed = await stores.entries.findByContentHash(entry.contentHash, ledger);
    assert.deepEqual(
      indexed.map((item) => [item.entryId, item.leafIndex]),
      [[entry.id, at[0]]],
      `entry ${entry.id}: the content index names it at its leaf, once`,
    );
  }
}

/** One event of a subject's history, as the store or the API lists it: the entry and its link. */
export interface HeldSubjectEvent {
  readonly id: string;
  readonly link: { readonly leafIndex: number; readonly payload: SubjectLinkPayload };
}

/** `events`, a subject's whole history, is chained and holds each acknowledged event once. */
export function assertSubjectHistory(
  subject: string,
  events: readonly HeldSubjectEvent[],
  acknowledged: readonly AcknowledgedEntry[],
): void {
  const held = events.map(({ link }) => ({ payload: link.payload, leafIndex: link.leafIndex }));
  assert.deepEqual(checkSubjectChain(held), [], `the chain of ${subject} is broken`);
  const listed = events.map((event) => event.id);
  assert.equal(new Set(listed).size, listed.length, `an event of ${subject} is listed twice`);
  const missing = acknowledged
    .filter((entry) => entry.subject === subject && !listed.includes(entry.id))
    .map((entry) => entry.id);
  assert.deepEqual(missing, [], `acknowledged events of ${subject} missing from its history`);
}

/** Each subject's events, as the subject store lists them, are chained and hold each event once. */
export async function assertSubjectsChained(
  subjects: SubjectStore,
  tenant: string,
  ledger: string,
  acknowledged: readonly AcknowledgedEntry[],
): Promise<void> {
  const names = [...new Set(acknowledged.flatMap((e) => (e.subject ? [e.subject] : [])))];
  for (const subject of names) {
    const events = await subjects.listEvents({ tenant, ledger, subject }, 0, 10_000);
    assertSubjectHistory(
      subject,
      events.map((event) => ({ id: event.entryId, link: event.link })),
      acknowledged,
    );
  }
}

/** All of the above for one ledger. */
export async function assertLedgerHealed(
  stores: InvariantStores,
  options: {
    readonly ledger: string;
    readonly tenant: string;
    readonly signer: string;
    readonly acknowledged: readonly AcknowledgedEntry[];
  },
): Promise<void> {
  const { ledger, tenant, signer, acknowledged } = options;
  const treeSize = await assertCheckpointsConsistent(stores.log, ledger, signer);
  await assertEachEntryOnce(stores, ledger, treeSize, acknowledged);
  if (stores.subjects !== undefined)
    await assertSubjectsChained(stores.subjects, tenant, ledger, acknowledged);
}
