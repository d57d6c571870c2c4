/**
 * Use case: check an exported log (`stele export`, layout in log-export-layout.ts) offline. The
 * leaf hashes are recomputed from the entry bundles and the tree rebuilt from them; every hash
 * tile must equal the rebuilt one byte for byte; every checkpoint must be signed by the signer
 * and be the root of its first treeSize leaves of that one tree (so each is consistent with every
 * later one); every anchor must name its checkpoint's size and root, on a chain the log
 * publishes, and with `chain` given, hold on that chain. Each failure names the file and what was
 * expected and found. Leaves the log has no data for (export.json) cannot be recomputed: their
 * hashes are taken from tile level 0 as exported, and the verdict says which they are.
 */
import { SteleError } from "../domain/errors.ts";
import { checkpointNote } from "../domain/proof/checkpoint-note.ts";
import { checkpointWithAnchorsSchema, logIdentitySchema } from "../schemas/api-responses.ts";
import { checkAnchorClaims, checkAnchorsOnChain } from "./export-check/anchors.ts";
import { checkRoots, checkSignature, readCheckpoints } from "./export-check/checkpoints.ts";
import { Findings, firstLine, type LogFailure } from "./export-check/findings.ts";
import { checkTiles, readLeafHashes, rebuild } from "./export-check/tiles.ts";
import { type LeafRange, leafRanges, readWithoutData } from "./export-check/without-data.ts";
import { EXPORT_LAYOUT, type ExportedFiles } from "./log-export-layout.ts";
import type { ChainCheckOptions } from "./verify-bundle.ts";

export type { LogFailure } from "./export-check/findings.ts";
export type { LeafRange } from "./export-check/without-data.ts";
export type { ExportedFiles } from "./log-export-layout.ts";

export interface ExportedLogVerdict {
  readonly valid: boolean;
  readonly failures: readonly LogFailure[];
  readonly origin: string;
  readonly treeSize: number;
  /** The signer the signatures were checked against. */
  readonly signer: string;
  /** Hash tiles compared with the rebuilt tree (not those the leaf hashes were taken from). */
  readonly hashTiles: number;
  /** Entry bundles whose leaves were recomputed. */
  readonly entryBundles: number;
  /**
   * Leaves not recomputed: the log has no data for them (export.json), so their hashes are
   * those of tile level 0 as exported, bound to the checkpoints only through the tree above.
   */
  readonly leavesWithoutData: readonly LeafRange[];
  readonly checkpoints: number;
  readonly anchors: number;
  /** Anchors also checked against their chain. */
  readonly anchorsOnChain: number;
}

export interface VerifyExportOptions {
  /** The log's published checkpoint signer; absent: the one in log.json (the export's own). */
  readonly trustedSigner?: string;
  readonly chain?: ChainCheckOptions;
}

/** The export lacks, or cannot parse, a file without which nothing can be checked. */
export class UnusableExportError extends SteleError {
  constructor(message: string) {
    super("invalid_argument", message);
  }
}

function parseJson(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
}

/** A file that must be there and parse, or UnusableExportError. */
async function required<T>(
  files: ExportedFiles,
  path: string,
  parse: (value: unknown) => T,
): Promise<T> {
  const bytes = await files.read(path);
  if (bytes === undefined) {
    throw new UnusableExportError(`no ${path}: is this a directory written by stele export?`);
  }
  try {
    return parse(parseJson(bytes));
  } catch (error) {
    throw new UnusableExportError(`${path} is not what stele export writes: ${firstLine(error)}`);
  }
}

/**
 * Checks the exported log that `files` holds. A verdict for anything the export claims; an
 * UnusableExportError only when log.json or checkpoint.json is missing or unreadable. The chain
 * readers may throw (an endpoint that fails), as in verifyBundle.
 */
export async function verifyExportedLog(
  files: ExportedFiles,
  options: VerifyExportOptions = {},
): Promise<ExportedLogVerdict> {
  const identity = await required(files, EXPORT_LAYOUT.log, (v) => logIdentitySchema.parse(v));
  const latest = await required(files, EXPORT_LAYOUT.checkpoint, (v) =>
    checkpointWithAnchorsSchema.parse(v),
  );
  const findings = new Findings();
  const { origin, treeSize } = latest;
  const signer = options.trustedSigner ?? identity.checkpointSigner;
  if (!identity.ledgers.some((ledger) => ledger.origin === origin)) {
    findings.add(
      EXPORT_LAYOUT.log,
      `the exported checkpoint's origin is not a ledger of the log`,
      identity.ledgers.map((ledger) => ledger.origin).join(", ") || "(no ledgers)",
      origin,
    );
  }
  const note = await files.read(EXPORT_LAYOUT.note);
  if (note !== undefined) {
    const want = checkpointNote(latest);
    const found = new TextDecoder().decode(note);
    if (found !== want) {
      findings.add(
        EXPORT_LAYOUT.note,
        `the signed note is not the one of ${EXPORT_LAYOUT.checkpoint}`,
        JSON.stringify(want),
        JSON.stringify(found),
      );
    }
  }
  const checkpoints = await readCheckpoints(files, latest, findings);
  for (const located of checkpoints) checkSignature(located, origin, signer, findings);

  let tiles = { hashTiles: 0, entryBundles: 0 };
  const withoutData = await readWithoutData(files, treeSize, findings);
  const leaves = await readLeafHashes(files, treeSize, withoutData, findings);
  if (leaves !== undefined) {
    const tree = await rebuild(
      leaves.leafHashes,
      checkpoints.map(({ checkpoint }) => checkpoint.treeSize),
    );
    const checked = await checkTiles(files, treeSize, tree.tiles, leaves.givenTiles, findings);
    tiles = {
      hashTiles: checked.hashTiles,
      entryBundles: leaves.entryBundles + checked.olderEntryBundles,
    };
    checkRoots(checkpoints, tree.roots, findings);
  }

  // checkpoint.json's anchors are checked with the rest when no line of the list has its size.
  const chains = new Map(identity.chains.map((chain) => [chain.chainId, chain.contract]));
  const anchors = checkAnchorClaims(checkpoints, chains, findings);
  const anchorsOnChain =
    options.chain === undefined || findings.failures.length > 0
      ? 0
      : await checkAnchorsOnChain(checkpoints, options.chain, findings);
  return {
    valid: findings.failures.length === 0,
    failures: findings.failures,
    origin,
    treeSize,
    signer,
    ...tiles,
    leavesWithoutData: leafRanges(leaves?.withoutData ?? withoutData),
    checkpoints: checkpoints.length,
    anchors,
    anchorsOnChain,
  };
}
