/** Ledger names as the HTTP contract fixes them, and the log origin each one signs under. */

export const DEFAULT_LEDGER = "default";
export const LEDGER_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The checkpoint origin of `ledger`: `<originPrefix>/<ledger>`, e.g. stele.example.com/default. */
export function originOf(originPrefix: string, ledger: string): string {
  return `${originPrefix}/${ledger}`;
}
