/** Use case: integrate every registered ledger until none has pending entries left. */
import {
  type IntegrateDeps,
  type IntegrateOptions,
  type IntegrateResult,
  integrate,
} from "./integrate.ts";

/** Some ledgers failed to integrate; `results` are those that did (for logs and metrics). */
export class IntegrateAllError extends AggregateError {
  readonly results: readonly IntegrateResult[];

  constructor(
    errors: readonly unknown[],
    ledgerCount: number,
    results: readonly IntegrateResult[],
  ) {
    super(errors, `${errors.length} of ${ledgerCount} ledgers failed to integrate`);
    this.name = "IntegrateAllError";
    this.results = results;
  }
}

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
  if (failures.length > 0) throw new IntegrateAllError(failures, ledgers.length, results);
  return results;
}

/**
 * The results of several runs as one: per ledger, from its size before the first run that
 * reached it to its size after the last, in the order ledgers were first reached.
 */
export function mergeIntegrateResults(
  runs: readonly (readonly IntegrateResult[])[],
): IntegrateResult[] {
  const merged = new Map<string, IntegrateResult>();
  for (const results of runs) {
    for (const result of results) {
      const earlier = merged.get(result.ledger);
      merged.set(result.ledger, { ...result, fromSize: earlier?.fromSize ?? result.fromSize });
    }
  }
  return [...merged.values()];
}
