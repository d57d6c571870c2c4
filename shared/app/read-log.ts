/** Use cases that read a ledger's log: latest checkpoint and consistency proofs. */
import { toHex } from "../domain/bytes.ts";
import { InvalidArgumentError, NotFoundError } from "../domain/errors.ts";
import { buildConsistencyProof } from "../domain/merkle/build-proof.ts";
import type { LogStore, StoredCheckpoint } from "../ports/log-store.ts";

export interface CheckpointView extends StoredCheckpoint {
  readonly anchors: readonly never[];
}

/** GET /v1/ledgers/{ledger}/checkpoint. */
export async function getLatestCheckpoint(log: LogStore, ledger: string): Promise<CheckpointView> {
  const head = await log.getHead(ledger);
  if (head === undefined)
    throw new NotFoundError(`ledger ${ledger} has no checkpoint yet`, { ledger });
  return { ...head.checkpoint, anchors: [] };
}

/** GET /v1/ledgers/{ledger}/consistency?from=N&to=M, for 0 < N <= M <= size. */
export async function getConsistency(
  log: LogStore,
  ledger: string,
  from: number,
  to: number,
): Promise<{ from: number; to: number; path: string[] }> {
  const head = await log.getHead(ledger);
  if (head === undefined)
    throw new NotFoundError(`ledger ${ledger} has no checkpoint yet`, { ledger });
  if (
    !(
      Number.isSafeInteger(from) &&
      Number.isSafeInteger(to) &&
      0 < from &&
      from <= to &&
      to <= head.treeSize
    )
  ) {
    throw new InvalidArgumentError(
      `need 0 < from <= to <= ${head.treeSize}, got from=${from} to=${to}`,
      {
        errors: [
          ...(0 < from && from <= to ? [] : [{ path: "from", message: `0 < from <= to` }]),
          ...(to <= head.treeSize
            ? []
            : [{ path: "to", message: `at most the tree size ${head.treeSize}` }]),
        ],
      },
    );
  }
  const path = await buildConsistencyProof(log.tiles(ledger), from, to);
  return { from, to, path: path.map(toHex) };
}
