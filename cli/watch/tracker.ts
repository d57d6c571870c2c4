/**
 * Following many entries to a target status with few requests. An entry's status depends only
 * on its leaf index against its ledger's signed, anchored and final sizes, so within a ledger a
 * lower leaf index is never behind a higher one: once the entry at the frontier (the highest
 * leaf index not yet there) reaches the target, every lower one has too. Each round probes the
 * frontier and, if it is not there, finds the boundary by binary search: O(log n) requests per
 * ledger and round. Pending entries (no leaf index yet) are probed two per request (ids of one
 * request share all but their last two characters, which are the entry's position, and a
 * request is sequenced as one run), so thousands of ids cost a few requests a round.
 */
import { parseEntryId } from "../../shared/domain/ledger/entry-id.ts";
import { ENTRY_STATUSES, type EntryStatus, type EntryView } from "../api/schemas.ts";

export type TargetStatus = Exclude<EntryStatus, "pending">;

export interface Tracked {
  readonly id: string;
  status: EntryStatus | "unknown";
  ledger?: string;
  leafIndex?: number;
}

export const rank = (status: EntryStatus | "unknown"): number =>
  status === "unknown" ? -1 : ENTRY_STATUSES.indexOf(status);

interface Member {
  readonly entry: Tracked;
  /** The entry's position in its request (the last two characters of its id). */
  readonly position: number;
}

const CONCURRENCY = 8;

export class Tracker {
  readonly entries: readonly Tracked[];
  readonly #target: number;
  readonly #fetch: (id: string) => Promise<EntryView>;
  readonly #onChange: (entry: Tracked) => void;
  /** Status requests sent so far. */
  requests = 0;
  /** Entries asked about in this round: their answer is current, no need to ask again. */
  readonly #fresh = new Set<Tracked>();

  constructor(
    ids: readonly string[],
    target: TargetStatus,
    fetch: (id: string) => Promise<EntryView>,
    onChange: (entry: Tracked) => void,
  ) {
    this.entries = [...new Set(ids)].map((id) => ({ id, status: "unknown" as const }));
    this.#target = rank(target);
    this.#fetch = fetch;
    this.#onChange = onChange;
  }

  done(entry: Tracked): boolean {
    return rank(entry.status) >= this.#target;
  }

  remaining(): Tracked[] {
    return this.entries.filter((entry) => !this.done(entry));
  }

  #raise(entry: Tracked, status: EntryStatus): void {
    if (rank(status) > rank(entry.status)) {
      entry.status = status;
      this.#onChange(entry);
    }
  }

  async #probe(entry: Tracked): Promise<EntryStatus> {
    this.requests++;
    this.#fresh.add(entry);
    const view = await this.#fetch(entry.id);
    entry.ledger = view.ledger;
    if (view.leafIndex !== undefined) entry.leafIndex = view.leafIndex;
    this.#raise(entry, view.status);
    return view.status;
  }

  async #probeAll(entries: readonly Tracked[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < entries.length) await this.#probe(entries[next++] as Tracked);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, entries.length) }, worker));
  }

  /** One round of polling; afterwards every entry's status is as known as this round allows. */
  async round(): Promise<void> {
    this.#fresh.clear();
    await this.#learnLeafIndices();
    const byLedger = new Map<string, Tracked[]>();
    for (const entry of this.remaining()) {
      if (entry.leafIndex === undefined || entry.ledger === undefined) continue;
      const list = byLedger.get(entry.ledger) ?? [];
      list.push(entry);
      byLedger.set(entry.ledger, list);
    }
    await Promise.all([...byLedger.values()].map((list) => this.#advanceLedger(list)));
  }

  /**
   * Entries without a leaf index. Per request, the entry of the highest position is probed; once
   * it is sequenced, the lowest one too, and if their leaf indices lie exactly as far apart as
   * their positions, the request was sequenced as one contiguous run and the others' leaf
   * indices follow from their positions. Otherwise each of the others is asked.
   */
  async #learnLeafIndices(): Promise<void> {
    const unsequenced = this.remaining().filter((entry) => entry.leafIndex === undefined);
    const groups = new Map<string, { entry: Tracked; position: number }[]>();
    for (const entry of unsequenced) {
      const parsed = parseEntryId(entry.id);
      const key = parsed?.batchId ?? entry.id;
      const group = groups.get(key) ?? [];
      group.push({ entry, position: parsed?.position ?? 0 });
      groups.set(key, group);
    }
    for (const group of groups.values()) group.sort((a, b) => a.position - b.position);
    const lasts = [...groups.values()].map((group) => (group[group.length - 1] as Member).entry);
    await this.#probeAll(lasts);
    const moved = [...groups.values()].filter(
      (group) =>
        group.length > 1 && (group[group.length - 1] as Member).entry.leafIndex !== undefined,
    );
    await this.#probeAll(moved.map((group) => (group[0] as Member).entry));
    const followers: Tracked[] = [];
    for (const group of moved) {
      const first = group[0] as Member;
      const last = group[group.length - 1] as Member;
      const span = (last.entry.leafIndex ?? 0) - (first.entry.leafIndex ?? 0);
      const ledger = last.entry.ledger;
      const contiguous =
        ledger !== undefined &&
        first.entry.leafIndex !== undefined &&
        span === last.position - first.position &&
        first.entry.ledger === last.entry.ledger;
      for (const member of group.slice(1, -1)) {
        if (!contiguous || ledger === undefined) {
          followers.push(member.entry);
          continue;
        }
        member.entry.ledger = ledger;
        member.entry.leafIndex = (first.entry.leafIndex ?? 0) + member.position - first.position;
        // A lower leaf index is never behind a higher one.
        if (last.entry.status !== "unknown") this.#raise(member.entry, last.entry.status);
      }
    }
    await this.#probeAll(followers);
  }

  /** Binary search for the highest leaf index at the target; everything below it is there too. */
  async #advanceLedger(list: Tracked[]): Promise<void> {
    list.sort((a, b) => (a.leafIndex ?? 0) - (b.leafIndex ?? 0));
    let low = 0; // list[0 .. low-1] are known to be at the target
    let high = list.length - 1; // list[high+1 ..] are known not to be
    while (low <= high) {
      // The frontier first: in the common case (everything caught up) one request settles all.
      const mid = high === list.length - 1 && low === 0 ? high : Math.floor((low + high) / 2);
      const entry = list[mid] as Tracked;
      const status =
        this.#fresh.has(entry) && entry.status !== "unknown"
          ? entry.status
          : await this.#probe(entry);
      for (let i = 0; i < mid; i++) this.#raise(list[i] as Tracked, status);
      if (this.done(entry)) low = mid + 1;
      else high = mid - 1;
    }
  }
}
