/**
 * `stele verify-log <dir>`: checks a directory written by `stele export` offline (the checks are
 * shared/app/verify-exported-log.ts); with --rpc, each anchor on its chain too. Exit 0 when all
 * holds (leaves the log has no data for are named on a NOT CHECKED line), 1 with each failure
 * (file, expected, found), 2 when the directory is no export.
 */

import { describeRanges } from "../../shared/app/export-check/without-data.ts";
import { EXPORT_LAYOUT } from "../../shared/app/log-export-layout.ts";
import type { ChainCheckOptions } from "../../shared/app/verify-bundle.ts";
import {
  type ExportedFiles,
  type ExportedLogVerdict,
  UnusableExportError,
  verifyExportedLog,
} from "../../shared/app/verify-exported-log.ts";
import type { AnchorEvidenceReader } from "../../shared/ports/anchor-evidence-reader.ts";
import { ExportDir } from "../files/export-dir.ts";
import { EXIT_INVALID, EXIT_VALID, UsageError } from "../usage-error.ts";

export interface VerifyLogOptions {
  readonly signer?: string;
  /** `<url>` or `<chainId>=<url>`, one per chain (`--rpc` repeated). */
  readonly rpc?: readonly string[];
  readonly confirmations: number;
}

/** Failures printed; the rest are counted (one bad leaf can make every later root differ). */
const MAX_PRINTED = 20;

interface Endpoint {
  readonly url: string;
  /** The chain the user said the endpoint serves, checked once connected. */
  readonly chainId?: number;
}

function parseEndpoint(value: string): Endpoint {
  const match = /^(\d+)=(.+)$/.exec(value);
  return match === null ? { url: value } : { url: match[2] ?? "", chainId: Number(match[1]) };
}

/** One reader per endpoint, each on the chain it was said to serve, never two on one chain. */
async function connect(endpoints: readonly Endpoint[]): Promise<AnchorEvidenceReader[]> {
  // ethers is loaded only when a chain is asked for, as in `stele verify`.
  const { connectEvidenceReaders } = await import(
    "../../shared/adapters/chain/connect-evidence-readers.ts"
  );
  const readers = await connectEvidenceReaders(endpoints.map((endpoint) => endpoint.url));
  const seen = new Map<number, string>();
  const refuse = (message: string): never => {
    for (const reader of readers) reader.close();
    throw new UsageError(message);
  };
  readers.forEach((reader, i) => {
    const { url, chainId } = endpoints[i] ?? { url: "" };
    if (chainId !== undefined && chainId !== reader.chainId) {
      refuse(`--rpc ${chainId}=${url}: the endpoint serves chain ${reader.chainId}`);
    }
    const earlier = seen.get(reader.chainId);
    if (earlier !== undefined) {
      refuse(
        `--rpc ${earlier} and --rpc ${url} both serve chain ${reader.chainId}: give one endpoint per chain`,
      );
    }
    seen.set(reader.chainId, url);
  });
  return readers;
}

function chainCheck(options: VerifyLogOptions): ChainCheckOptions | undefined {
  const endpoints = (options.rpc ?? []).map(parseEndpoint);
  if (endpoints.length === 0) return undefined;
  return { confirmations: options.confirmations, connect: () => connect(endpoints) };
}

function report(dir: string, verdict: ExportedLogVerdict, options: VerifyLogOptions): string {
  if (!verdict.valid) {
    const lines = verdict.failures
      .slice(0, MAX_PRINTED)
      .flatMap((failure) => [
        `INVALID: ${dir}/${failure.file}: ${failure.detail}`,
        `  expected: ${failure.expected}`,
        `  found:    ${failure.found}`,
      ]);
    const more = verdict.failures.length - MAX_PRINTED;
    return [...lines, ...(more > 0 ? [`… and ${more} more failures`] : [])].join("\n");
  }
  const chain =
    options.rpc === undefined || options.rpc.length === 0
      ? "not checked on chain (pass --rpc <url> of each chain)"
      : `${verdict.anchorsOnChain} checked on chain`;
  const { treeSize, leavesWithoutData } = verdict;
  const withoutData = leavesWithoutData.reduce((sum, range) => sum + range.leaves, 0);
  const valid =
    `VALID: ${verdict.origin} at tree size ${treeSize}: ` +
    `${count(treeSize - withoutData, "leaf", "leaves")} recomputed from ${count(verdict.entryBundles, "entry bundle")}; ` +
    `${count(verdict.hashTiles, "hash tile")} equal to the rebuilt tree; ` +
    `${count(verdict.checkpoints, "checkpoint")} signed by ${verdict.signer}, each the root of ` +
    `a prefix of that one tree, so each consistent with every later one; ` +
    `${count(verdict.anchors, "anchor")} matching their checkpoints, ${chain}`;
  if (withoutData === 0) return valid;
  // Said on a line of its own, so that no one reads the VALID line as covering these leaves.
  return (
    `${valid}\nNOT CHECKED: ${describeRanges(leavesWithoutData)} (${count(withoutData, "leaf", "leaves")}): ` +
    `the log has no data for them (integrated before Stele kept leaf data; ${EXPORT_LAYOUT.manifest}), ` +
    `so their hashes are taken from tile level 0 as exported, not recomputed from content hashes; ` +
    `the tree above them and every checkpoint root were checked`
  );
}

/** `1 leaf`, `2 leaves`. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export async function runVerifyLog(directory: string, options: VerifyLogOptions): Promise<number> {
  const dir = new ExportDir(directory);
  const files: ExportedFiles = {
    read: (path) => dir.read(path),
    tilePaths: () => dir.filesUnder(EXPORT_LAYOUT.tiles),
  };
  if (options.signer === undefined) {
    process.stderr.write(
      `stele: warning: checking signatures against the signer in ${directory}/${EXPORT_LAYOUT.log}, which came with the export itself; pass --signer <0x…> with the log's published signer to trust nothing in the export\n`,
    );
  }
  const chain = chainCheck(options);
  let verdict: ExportedLogVerdict;
  try {
    verdict = await verifyExportedLog(files, {
      ...(options.signer === undefined ? {} : { trustedSigner: options.signer }),
      ...(chain === undefined ? {} : { chain }),
    });
  } catch (error) {
    if (error instanceof UnusableExportError)
      throw new UsageError(`${directory}: ${error.message}`);
    if (error instanceof UsageError) throw error;
    // By name: the class lives in the lazily loaded chain module.
    if ((error as Error).name === "ChainEndpointError")
      throw new UsageError((error as Error).message);
    throw error;
  }
  process.stdout.write(`${report(directory, verdict, options)}\n`);
  return verdict.valid ? EXIT_VALID : EXIT_INVALID;
}
