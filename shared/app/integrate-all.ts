/** Use case: integrate every registered ledger until none has pending entries left. */
import {
  type IntegrateDeps,
  type IntegrateOptions,
  type IntegrateResult,
  integrate,
} from "./integrate.ts";

/** Integrates each ledger in turn; one ledger's failure does not hold the others back. */
export async function integrateAll(
  deps: IntegrateDeps,
  options: IntegrateOptions,
): Promise<IntegrateResult[]> {
  const ledgers = await deps.entries.listLedgers();
  const results: IntegrateResult[] = [];
  const failures: unknown[] = [];
  for (const ledger of ledgers) {
    try {
      const first = await integrate(deps, ledger, options);
      let last = first;
      // A run takes at most maxEntries; a full run means more may be waiting.
      while (last.treeSize - last.fromSize >= options.maxEntries)
        last = await integrate(deps, ledger, options);
      results.push({ ledger, fromSize: first.fromSize, treeSize: last.treeSize });
    } catch (error) {
      failures.push(error);
    }
  }
  // Thrown after every ledger had its turn, so the scheduler sees the run as failed and retries.
  if (failures.length > 0)
    throw new AggregateError(
      failures,
      `${failures.length} of ${ledgers.length} ledgers failed to integrate`,
    );
  return results;
}
