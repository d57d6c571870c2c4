// Subject links as integrate plans them: chains continue from their heads, per tenant, and a
// rerun of a plan whose heads a crashed run already moved computes the very same links.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { linkSubjects } from "../../shared/app/link-subjects.ts";
import type { Batch } from "../../shared/domain/ledger/batch.ts";
import { newBatchId } from "../../shared/domain/ledger/entry-id.ts";
import { LINKS_PER_BATCH } from "../../shared/domain/subjects/plan-links.ts";
import { checkSubjectChain } from "../../shared/domain/subjects/subject-link.ts";
import type {
  StoredSubjectHead,
  SubjectEvent,
  SubjectKey,
  SubjectStore,
} from "../../shared/ports/subject-store.ts";

/** Subjects kept in Maps, as the table keeps them. */
class MemorySubjects implements SubjectStore {
  readonly heads = new Map<string, StoredSubjectHead>();
  readonly events = new Map<string, SubjectEvent[]>();
  #key = (key: SubjectKey) => `${key.tenant}/${key.ledger}/${key.subject}`;
  async getHeads(keys: readonly SubjectKey[]) {
    return keys.map((key) => this.heads.get(this.#key(key)));
  }
  async putEvents(
    events: readonly (SubjectKey & { event: SubjectEvent })[],
    heads: readonly (SubjectKey & { stored: StoredSubjectHead })[],
  ) {
    for (const { event, ...key } of events) {
      const list = (this.events.get(this.#key(key)) ?? []).filter(
        (stored) => stored.sequence !== event.sequence,
      );
      this.events.set(
        this.#key(key),
        [...list, event].sort((a, b) => a.sequence - b.sequence),
      );
    }
    // As the table's condition: a head only moves forward.
    for (const { stored, ...key } of heads) {
      const current = this.heads.get(this.#key(key));
      if (current === undefined || current.asOfSize <= stored.asOfSize)
        this.heads.set(this.#key(key), stored);
    }
  }
  async listEvents(key: SubjectKey, after: number, limit: number) {
    return (this.events.get(this.#key(key)) ?? [])
      .filter((e) => e.sequence > after)
      .slice(0, limit);
  }
}

const HASH = (n: number) => n.toString(16).padStart(64, "0");

function batch(id: string, tenant: string, subjects: (string | undefined)[]): Batch {
  return {
    batchId: newBatchId(
      Date.parse("2026-11-24T10:00:00.000Z"),
      new Uint8Array(10).map((_, i) => id.charCodeAt(i % 2)),
    ),
    ledger: "default",
    tenant,
    receivedAt: "2026-11-24T10:00:00.000Z",
    entries: subjects.map((subject, i) => ({
      kind: "document" as const,
      contentHash: HASH(i + 1),
      ...(subject === undefined ? {} : { subject, eventType: "moved" }),
    })),
  };
}

/** Links a plan of `batches` from `fromSize`, without recording them. */
async function link(store: MemorySubjects, fromSize: number, batches: Batch[]) {
  let leaf = fromSize;
  const planned = batches.map((b) => {
    const at = leaf;
    leaf += b.entries.length;
    return { batch: b, firstLeafIndex: at };
  });
  const links = batches.flatMap((b) => b.entries).filter((e) => e.subject !== undefined).length;
  const plan = { ledger: "default", fromSize, toSize: leaf + links, batches: [] };
  return linkSubjects({ subjects: store }, plan, planned);
}

/** Links and records a plan, as an integrate run that is not late does. */
async function run(store: MemorySubjects, fromSize: number, batches: Batch[]) {
  const linked = await link(store, fromSize, batches);
  assert.equal(linked.late, false);
  if (linked.late) throw new Error("late");
  await linked.record();
  return linked;
}

describe("linkSubjects", () => {
  it("continues each chain from its head, in leaf order, one link batch per tenant", async () => {
    const store = new MemorySubjects();
    await run(store, 0, [batch("A1", "farm", ["lot-1", undefined, "lot-2"])]);
    const second = await run(store, 3 + 2, [
      batch("B1", "farm", ["lot-1"]),
      batch("B2", "shop", ["lot-1"]),
      batch("B3", "farm", ["lot-1"]),
    ]);
    // Farm's two links, then shop's: leaves after the plan's three entries (5, 6, 7).
    assert.deepEqual(
      (second.late ? [] : second.batches).map(({ batch: b, firstLeafIndex }) => [
        b.tenant,
        b.entries.length,
        firstLeafIndex,
      ]),
      [
        ["farm", 2, 8],
        ["shop", 1, 10],
      ],
    );
    const farmLot1 = store.events.get("farm/default/lot-1") ?? [];
    assert.deepEqual(
      farmLot1.map((e) => [e.sequence, e.leafIndex, e.link.leafIndex]),
      [
        [1, 0, 3],
        [2, 5, 8],
        [3, 7, 9],
      ],
    );
    const held = farmLot1.map((e) => ({ payload: e.link.payload, leafIndex: e.link.leafIndex }));
    assert.deepEqual(checkSubjectChain(held), []);
    assert.equal(store.events.get("shop/default/lot-1")?.[0]?.sequence, 1);
  });

  it("computes the same links when a plan runs again after its heads were written", async () => {
    const store = new MemorySubjects();
    await run(store, 0, [batch("A1", "farm", ["lot-1"])]);
    const plan = [batch("B1", "farm", ["lot-1", "lot-1"])];
    const first = await run(store, 2, plan);
    const headsAfter = structuredClone([...store.heads]);
    const again = await run(store, 2, plan);
    assert.deepEqual(again.late ? [] : again.batches, first.late ? undefined : first.batches);
    assert.deepEqual([...store.heads], headsAfter);
    assert.deepEqual(
      (store.events.get("farm/default/lot-1") ?? []).map((e) => e.sequence),
      [1, 2, 3],
    );
  });

  it("keeps a chain whole when two runs of one plan overlap and one lands after later plans", async () => {
    const store = new MemorySubjects();
    await run(store, 0, [batch("A1", "farm", ["lot-1"])]); // leaves 0–1: sequence 1
    const p2 = [batch("B1", "farm", ["lot-1"])]; // leaves 2–3
    // Run B loads plan 2 and reads the heads, then stalls; run A does plan 2, then plan 3 follows.
    const slow = await link(store, 2, p2);
    await run(store, 2, p2);
    await run(store, 4, [batch("C1", "farm", ["lot-1"])]); // leaves 4–5: sequence 3
    // B's writes land now: the head must not move back to plan 2's.
    assert.equal(slow.late, false);
    if (!slow.late) await slow.record();
    assert.equal(store.heads.get("farm/default/lot-1")?.asOfSize, 6);
    // A run of plan 2 starting now sees it is late, and writes nothing.
    assert.deepEqual(await link(store, 2, p2), { late: true });
    await run(store, 6, [batch("D1", "farm", ["lot-1"])]);
    const events = store.events.get("farm/default/lot-1") ?? [];
    assert.deepEqual(
      events.map((e) => [e.sequence, e.leafIndex]),
      [
        [1, 0],
        [2, 2],
        [3, 4],
        [4, 6],
      ],
    );
    const held = events.map((e) => ({ payload: e.link.payload, leafIndex: e.link.leafIndex }));
    assert.deepEqual(checkSubjectChain(held), []);
  });

  it("splits a tenant's links into batches that entry ids can name", async () => {
    const store = new MemorySubjects();
    const many = Array.from({ length: LINKS_PER_BATCH + 5 }, (_, i) => `lot-${i}`);
    const linked = await run(store, 0, [batch("A1", "farm", many)]);
    assert.deepEqual(
      (linked.late ? [] : linked.batches).map(({ batch: b }) => b.entries.length),
      [LINKS_PER_BATCH, 5],
    );
  });

  it("refuses a plan whose size does not hold its links", async () => {
    const store = new MemorySubjects();
    const b = batch("A1", "farm", ["lot-1"]);
    await assert.rejects(
      linkSubjects(
        { subjects: store },
        { ledger: "default", fromSize: 0, toSize: 1, batches: [] },
        [{ batch: b, firstLeafIndex: 0 }],
      ),
      /ends at 1, but its entries and subject links end at 2/,
    );
  });
});
