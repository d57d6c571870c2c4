/** Use case: integrate every registered ledger until none has pending entries left. */
import {
  type IntegrateDeps,
  type IntegrateOptions,
  type IntegrateResult,
  integrate,
} from "./integrate.ts";

export async function integrateAll(
  deps: IntegrateDeps,
  options: IntegrateOptions,
): Promise<IntegrateResult[]> {
  const ledgers = await deps.entries.listLedgers();
  const results: IntegrateResult[] = [];
  for (const ledger of ledgers) {
    let fromSize = -1;
    let result: IntegrateResult | undefined;
    // A run takes at most maxEntries; keep going while runs make progress.
    do {
      result = await integrate(deps, ledger, options);
      if (fromSize === -1) fromSize = result.fromSize;
    } while (
      result.treeSize > result.fromSize &&
      result.treeSize - result.fromSize >= options.maxEntries
    );
    results.push({ ledger, fromSize, treeSize: result.treeSize });
  }
  return results;
}
