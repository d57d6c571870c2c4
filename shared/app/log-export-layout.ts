/**
 * The files of an exported log (`stele export`), which `stele verify-log` checks offline. Tiles
 * and entry bundles sit under `tile/` exactly as C2SP tlog-tiles serves them, and `checkpoint`
 * is the signed note, so the directory can also be served as a static tlog-tiles mirror.
 */
export const EXPORT_LAYOUT = {
  /** GET /v1/log: the log's published identity (origins, checkpoint signer, chains). */
  log: "log.json",
  /** The latest checkpoint as GET /v1/ledgers/{ledger}/checkpoint answered it: the tree exported. */
  checkpoint: "checkpoint.json",
  /** The same checkpoint as a C2SP signed note. */
  note: "checkpoint",
  /** Every checkpoint up to the latest, oldest first, one JSON object (with anchors) a line. */
  checkpoints: "checkpoints.jsonl",
  /** Hash tiles `tile/<L>/<N>[.p/<W>]` and entry bundles `tile/entries/<N>[.p/<W>]`. */
  tiles: "tile",
  /** What the export holds beyond the tlog-tiles layout: {@link ExportManifest}. */
  manifest: "export.json",
} as const;

/** export.json. */
export interface ExportManifest {
  /**
   * Paths of the entry bundles of the exported tree that the log has no data for (404: their
   * leaves were integrated before Stele kept leaf data), in index order; usually none.
   */
  readonly entryBundlesWithoutData: readonly string[];
}

/** The exported directory, read through whatever holds it (the CLI: the file system). */
export interface ExportedFiles {
  /** The bytes of the file at `path` (relative, `/`-separated), or undefined if there is none. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** Every file below `tile/`, as paths like `tile/0/000`. */
  tilePaths(): Promise<readonly string[]>;
}
