/** Registers each ledger once per process, so the accept path pays for it only the first time. */
import type { EntryStore } from "../ports/entry-store.ts";

export class LedgerRegistry {
  readonly #store: Pick<EntryStore, "registerLedger">;
  readonly #known = new Set<string>();

  constructor(store: Pick<EntryStore, "registerLedger">) {
    this.#store = store;
  }

  async ensure(ledger: string): Promise<void> {
    if (this.#known.has(ledger)) return;
    await this.#store.registerLedger(ledger);
    this.#known.add(ledger);
  }
}
