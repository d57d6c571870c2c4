/**
 * Tenants: every API key belongs to one, and an entry to the tenant of the key (or queue) that
 * submitted it. A tenant reads only its own entries; the log itself (checkpoints, consistency
 * proofs, anchors) stays public, shared by every tenant writing to a ledger.
 */

/** The tenant of keys, queues and batches stored without one (everything before tenants). */
export const DEFAULT_TENANT = "default";
export const TENANT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The tenant of a record that may predate tenants. */
export function tenantOf(record: { readonly tenant?: string }): string {
  return record.tenant ?? DEFAULT_TENANT;
}
