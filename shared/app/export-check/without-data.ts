/**
 * Leaves an export has no data for: a ledger integrated before Stele kept leaf data has no entry
 * bundles for its early tiles, and `stele export` lists those it was refused in export.json. Their
 * leaf hashes can then only be taken from tile level 0 as exported, not recomputed.
 */
import { z } from "zod";
import { TILE_WIDTH, type TileId, tilePath } from "../../domain/merkle/tile-id.ts";
import { entryBundlesOfTree } from "../../domain/merkle/tree-tiles.ts";
import { EXPORT_LAYOUT, type ExportedFiles, type ExportManifest } from "../log-export-layout.ts";
import { type Findings, firstLine } from "./findings.ts";

const manifestSchema = z.object({ entryBundlesWithoutData: z.array(z.string()) });

/** A run of leaves without data: the first leaf index and how many. */
export interface LeafRange {
  readonly firstLeaf: number;
  readonly leaves: number;
}

/** The export.json of `entryBundles` without data, as `stele export` writes it. */
export function exportManifest(entryBundles: readonly TileId[]): string {
  const sorted = [...entryBundles].sort((a, b) => a.index - b.index);
  const manifest: ExportManifest = { entryBundlesWithoutData: sorted.map(tilePath) };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * The entry bundles of the tree of `treeSize` that export.json lists without data. None when
 * there is no export.json (an export made before it was written); anything listed that is no
 * entry bundle of this tree is a failure.
 */
export async function readWithoutData(
  files: ExportedFiles,
  treeSize: number,
  findings: Findings,
): Promise<TileId[]> {
  const bytes = await files.read(EXPORT_LAYOUT.manifest);
  if (bytes === undefined) return [];
  let manifest: ExportManifest;
  try {
    manifest = manifestSchema.parse(
      JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)),
    );
  } catch (error) {
    findings.add(
      EXPORT_LAYOUT.manifest,
      "not what stele export writes",
      '{"entryBundlesWithoutData": [paths]}',
      firstLine(error),
    );
    return [];
  }
  const bundles = new Map(entryBundlesOfTree(treeSize).map((tile) => [tilePath(tile), tile]));
  const listed: TileId[] = [];
  for (const path of new Set(manifest.entryBundlesWithoutData)) {
    const tile = bundles.get(path);
    if (tile === undefined) {
      findings.add(
        EXPORT_LAYOUT.manifest,
        "lists a path that is no entry bundle of the exported tree",
        `an entry bundle of tree size ${treeSize} (tile/entries/<N>[.p/<W>])`,
        path,
      );
      continue;
    }
    listed.push(tile);
  }
  return listed.sort((a, b) => a.index - b.index);
}

/** The leaves of `entryBundles`, contiguous ones merged. */
export function leafRanges(entryBundles: readonly TileId[]): LeafRange[] {
  const ranges: { firstLeaf: number; leaves: number }[] = [];
  for (const tile of [...entryBundles].sort((a, b) => a.index - b.index)) {
    const firstLeaf = tile.index * TILE_WIDTH;
    const last = ranges.at(-1);
    if (last !== undefined && last.firstLeaf + last.leaves === firstLeaf) last.leaves += tile.width;
    else ranges.push({ firstLeaf, leaves: tile.width });
  }
  return ranges;
}

/** `leaves 0 to 511`, `leaf 7`, joined by commas. */
export function describeRanges(ranges: readonly LeafRange[]): string {
  return ranges
    .map(({ firstLeaf, leaves }) =>
      leaves === 1 ? `leaf ${firstLeaf}` : `leaves ${firstLeaf} to ${firstLeaf + leaves - 1}`,
    )
    .join(", ");
}
