/**
 * `stele export <ledger> <dir>`: the whole log of a ledger, as of its latest checkpoint, in a
 * directory that `stele verify-log` checks offline (layout: shared/app/log-export-layout.ts).
 * Full tiles never change, so a re-run keeps those already on disk and fetches the rest; the
 * right-edge tiles of an older export give way to those of the new tree size.
 */
import {
  describeRanges,
  exportManifest,
  leafRanges,
} from "../../shared/app/export-check/without-data.ts";
import { EXPORT_LAYOUT } from "../../shared/app/log-export-layout.ts";
import { LEDGER_NAME } from "../../shared/domain/ledger/ledger-name.ts";
import {
  parseTilePath,
  TILE_WIDTH,
  type TileId,
  tilePath,
} from "../../shared/domain/merkle/tile-id.ts";
import {
  entryBundlesOfTree,
  hashTilesOfTree,
  servedTileBytes,
} from "../../shared/domain/merkle/tree-tiles.ts";
import { checkpointNote } from "../../shared/domain/proof/checkpoint-note.ts";
import type { ApiClient } from "../api/client.ts";
import { getCheckpoint, getLogIdentity } from "../api/endpoints.ts";
import { type CheckpointPage, getCheckpointPage, getTile } from "../api/log-export-endpoints.ts";
import { type ApiFlags, apiContext } from "../context.ts";
import { ExportDir } from "../files/export-dir.ts";
import { startProgress } from "../progress.ts";
import { CliError, UsageError } from "../usage-error.ts";

export interface ExportOptions extends ApiFlags {
  /** Tiles fetched at once. */
  readonly concurrency: number;
}

/** Checkpoints asked for per page: the API's maximum. */
const CHECKPOINT_PAGE = 1000;

type Listed = CheckpointPage["checkpoints"][number];

/** Every checkpoint up to `treeSize`, oldest first, page after page. */
async function checkpointsThrough(
  api: ApiClient,
  ledger: string,
  treeSize: number,
): Promise<Listed[]> {
  const all: Listed[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await getCheckpointPage(api, ledger, after, CHECKPOINT_PAGE);
    // Checkpoints signed since the export began belong to a later export.
    all.push(...page.checkpoints.filter((checkpoint) => checkpoint.treeSize <= treeSize));
    if (page.next === null || page.next >= treeSize) return all;
    after = page.next;
  }
}

/** Runs `work` on every item, at most `concurrency` at a time; the first failure stops the rest. */
async function eachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Refuses a directory that holds another log's export: its full tiles would be kept as ours. */
async function checkSameLog(dir: ExportDir, origin: string): Promise<void> {
  const existing = await dir.read(EXPORT_LAYOUT.checkpoint);
  if (existing === undefined) return;
  let previous: unknown;
  try {
    previous = JSON.parse(new TextDecoder().decode(existing));
  } catch {
    previous = undefined;
  }
  const previousOrigin = (previous as { origin?: unknown } | undefined)?.origin;
  if (previousOrigin !== origin) {
    throw new UsageError(
      `${dir.root} holds an export of ${String(previousOrigin ?? "something else")}, not of ${origin}: export into another directory`,
    );
  }
}

/**
 * The full entry bundles an earlier export into `dir` found without data: a full tile never
 * changes, and one the log had no data for never gets any (appendEntryTiles), so none is asked
 * again.
 */
async function fullWithoutData(dir: ExportDir): Promise<Set<string>> {
  const bytes = await dir.read(EXPORT_LAYOUT.manifest);
  if (bytes === undefined) return new Set();
  try {
    const { entryBundlesWithoutData } = JSON.parse(new TextDecoder().decode(bytes)) as {
      entryBundlesWithoutData?: unknown;
    };
    if (!Array.isArray(entryBundlesWithoutData)) return new Set();
    return new Set(
      entryBundlesWithoutData.filter(
        (path): path is string =>
          typeof path === "string" &&
          parseTilePath(path.slice(`${EXPORT_LAYOUT.tiles}/`.length))?.width === TILE_WIDTH,
      ),
    );
  } catch {
    return new Set();
  }
}

/** Partial tiles of an older export that the tree has outgrown. */
async function removeOutgrown(dir: ExportDir, tiles: readonly TileId[]): Promise<number> {
  const current = new Set(tiles.map(tilePath));
  let removed = 0;
  for (const path of await dir.filesUnder(EXPORT_LAYOUT.tiles)) {
    const tile = parseTilePath(path.slice(`${EXPORT_LAYOUT.tiles}/`.length));
    if (tile === undefined || tile.width === TILE_WIDTH || current.has(path)) continue;
    await dir.remove(path);
    removed++;
  }
  return removed;
}

export async function runExport(
  ledger: string,
  directory: string,
  options: ExportOptions,
): Promise<number> {
  if (!LEDGER_NAME.test(ledger)) {
    throw new UsageError(
      `${JSON.stringify(ledger)} is not a ledger name: ^[a-z0-9][a-z0-9-]{0,62}$`,
    );
  }
  const { api } = await apiContext(options, false);
  const identity = await getLogIdentity(api);
  const published = identity.ledgers.find((entry) => entry.ledger === ledger);
  if (published === undefined) {
    const known = identity.ledgers.map((entry) => entry.ledger).join(", ") || "none";
    throw new CliError(`the log has no ledger ${ledger} (its ledgers: ${known})`);
  }
  const dir = new ExportDir(directory);
  await checkSameLog(dir, published.origin);

  const latest = await getCheckpoint(api, ledger, false);
  const { treeSize } = latest;
  const checkpoints = await checkpointsThrough(api, ledger, treeSize);
  const tiles = [...hashTilesOfTree(treeSize), ...entryBundlesOfTree(treeSize)];
  const knownWithoutData = await fullWithoutData(dir);
  const missing: TileId[] = [];
  const withoutData: TileId[] = [];
  for (const tile of tiles) {
    if (knownWithoutData.has(tilePath(tile))) {
      withoutData.push(tile);
      continue;
    }
    const onDisk = tile.width === TILE_WIDTH ? await dir.sizeOf(tilePath(tile)) : undefined;
    if (onDisk !== servedTileBytes(tile)) missing.push(tile);
  }
  const progress = await startProgress(`export ${ledger}`, missing.length);
  try {
    await eachConcurrently(missing, options.concurrency, async (tile) => {
      const bytes = await getTile(api, ledger, tile);
      if (bytes === undefined) withoutData.push(tile);
      else await dir.write(tilePath(tile), bytes);
      progress.advance(1, tilePath(tile));
    });
  } finally {
    progress.stop();
    await dir.cleanUp();
  }
  // The tiles first, then what describes them: checkpoint.json last names the tree on disk.
  await dir.write(EXPORT_LAYOUT.manifest, exportManifest(withoutData));
  await dir.write(
    EXPORT_LAYOUT.checkpoints,
    checkpoints.map((checkpoint) => `${JSON.stringify(checkpoint)}\n`).join(""),
  );
  await dir.write(EXPORT_LAYOUT.log, `${JSON.stringify(identity, null, 2)}\n`);
  await dir.write(EXPORT_LAYOUT.checkpoint, `${JSON.stringify(latest, null, 2)}\n`);
  await dir.write(EXPORT_LAYOUT.note, checkpointNote(latest));
  const removed = await removeOutgrown(dir, tiles);
  await dir.cleanUp();

  const anchors = checkpoints.reduce((sum, checkpoint) => sum + checkpoint.anchors.length, 0);
  const exported = tiles.length - withoutData.length;
  const known = tiles.filter((tile) => knownWithoutData.has(tilePath(tile))).length;
  const fetched = missing.length - (withoutData.length - known);
  const kept = exported - fetched;
  process.stdout.write(
    `exported ${ledger} (${latest.origin}) at tree size ${treeSize} to ${directory}: ` +
      `${exported} tiles and entry bundles (${fetched} fetched, ${kept} already on disk` +
      `${removed > 0 ? `, ${removed} outgrown removed` : ""}), ` +
      `${checkpoints.length} checkpoint${checkpoints.length === 1 ? "" : "s"}, ` +
      `${anchors} anchor${anchors === 1 ? "" : "s"}\n`,
  );
  if (withoutData.length > 0) {
    const leaves = withoutData.reduce((sum, tile) => sum + tile.width, 0);
    process.stdout.write(
      `no data for ${describeRanges(leafRanges(withoutData))} (${leaves} leaves, ` +
        `${withoutData.length} entry bundle${withoutData.length === 1 ? "" : "s"}): ` +
        `they were integrated before Stele kept leaf data; listed in ${EXPORT_LAYOUT.manifest}, ` +
        `and verify-log takes their hashes from the hash tiles instead of recomputing them\n`,
    );
  }
  return 0;
}
