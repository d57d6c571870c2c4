/**
 * `stele proof <id…> | --file <document> | --payload <tx.json> | --index <file>`: fetch proof
 * bundles, check them (steps 2–4, and step 1 when the content is at hand) against the log's
 * published signer, and write each as `<name>.stele.json`.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, relative, resolve, sep } from "node:path";
import { fromHex, toHex } from "../../shared/domain/bytes.ts";
import { encodeBundle } from "../../shared/domain/proof/bundle-codec.ts";
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { transactionContentHash } from "../../shared/domain/proof/content-hash.ts";
import { firstFailure } from "../../shared/domain/proof/verdict.ts";
import {
  type SuppliedContent,
  verifyBundleOffline,
} from "../../shared/domain/proof/verify-bundle.ts";
import { ApiError } from "../api/api-error.ts";
import { findByContentHash, getLogIdentity, getProof } from "../api/endpoints.ts";
import type { FoundEntry } from "../api/schemas.ts";
import { checkpointProblem, describeAnchors } from "../checkpoint-check.ts";
import { type ApiFlags, apiContext } from "../context.ts";
import { sha256FileHex } from "../files/sha256-file.ts";
import { readExistingIndex } from "../index-file.ts";
import { readPayloadFile } from "../payload-file.ts";
import { MIN_ITEMS_FOR_BAR, startProgress } from "../progress.ts";
import { CliError, EXIT_INVALID, EXIT_NOT_YET, UsageError } from "../usage-error.ts";

export interface ProofOptions extends ApiFlags {
  readonly file?: string;
  readonly payload?: string;
  readonly index?: string;
  readonly all?: boolean;
  readonly anchored?: boolean;
  readonly out?: string;
}

/** One bundle to fetch: the entry, the file name to write (without suffix), what to check. */
interface Target {
  readonly id: string;
  readonly name: string;
  readonly contentHash?: string;
  readonly content?: SuppliedContent;
}

const SUFFIX = ".stele.json";

function newestFirst(a: FoundEntry, b: FoundEntry): number {
  const at = (b.receivedAt ?? "").localeCompare(a.receivedAt ?? "");
  return at !== 0 ? at : b.id.localeCompare(a.id);
}

async function targetsByContent(
  options: ProofOptions,
  find: (contentHash: string) => Promise<readonly FoundEntry[]>,
): Promise<Target[]> {
  let contentHash: string;
  let content: SuppliedContent;
  let path: string;
  let how: string;
  if (options.file !== undefined) {
    path = options.file;
    contentHash = await sha256FileHex(path);
    content = { kind: "document", sha256: fromHex(contentHash) };
    how = `stele submit ${path}`;
  } else {
    path = options.payload ?? "";
    const payload = await readPayloadFile(path);
    contentHash = toHex(transactionContentHash(payload));
    content = { kind: "transaction", payload };
    how = `stele submit --payload ${path}`;
  }
  const found = [...(await find(contentHash))].sort(newestFirst);
  if (found.length === 0) {
    throw new CliError(
      `no entry has the content of ${path} (SHA-256 ${contentHash}): submit it with \`${how}\` (an entry is found about a second after it is submitted)`,
    );
  }
  const chosen = options.all === true ? found : found.slice(0, 1);
  const name = basename(path);
  return chosen.map((entry) => ({
    id: entry.id,
    name: chosen.length > 1 ? `${name}.${entry.id}` : name,
    contentHash,
    content,
  }));
}

async function targetsOf(
  ids: readonly string[],
  options: ProofOptions,
  find: (hash: string) => Promise<readonly FoundEntry[]>,
): Promise<Target[]> {
  const sources = [ids.length > 0, options.file, options.payload, options.index].filter(
    (given) => given !== undefined && given !== false,
  );
  if (sources.length !== 1) {
    throw new UsageError(
      "give entry ids, --file <document>, --payload <tx.json> or --index <file>: exactly one of them",
    );
  }
  if (options.all === true && options.file === undefined && options.payload === undefined) {
    throw new UsageError("--all goes with --file or --payload");
  }
  if (ids.length > 0) return ids.map((id) => ({ id, name: id }));
  if (options.index !== undefined) {
    const records = await readExistingIndex(options.index);
    // Paths are relative to the index; bundles mirror them under --out. A path recorded twice
    // (a file changed and stamped again) gets each entry's bundle, named by its id.
    const counts = new Map<string, number>();
    for (const record of records) counts.set(record.path, (counts.get(record.path) ?? 0) + 1);
    return records.map((record) => ({
      id: record.id,
      name:
        (counts.get(record.path) ?? 0) > 1
          ? `${inside(record.path)}.${record.id}`
          : inside(record.path),
      contentHash: record.contentHash,
    }));
  }
  return targetsByContent(options, find);
}

/** An index path made relative and contained: its `..`, `.` and empty segments dropped. */
function inside(indexPath: string): string {
  return indexPath
    .split("/")
    .filter((segment) => segment !== ".." && segment !== "." && segment !== "")
    .join("/");
}

function notYet(id: string, anchored: boolean, error: ApiError): string {
  const wait = error.retryAfterSeconds === undefined ? "later" : `in ${error.retryAfterSeconds} s`;
  return anchored
    ? `${id} is not covered by an anchored checkpoint yet; try again ${wait} or use \`stele watch ${id} --until anchored\``
    : `${id} is not covered by a signed checkpoint yet; try again ${wait} or use \`stele watch ${id}\``;
}

/** Steps 1–4 of the bundle, and that it is the entry and content asked for. */
function problemOf(target: Target, bundle: ProofBundle, signer: string): string | undefined {
  if (bundle.entry.id !== target.id) return `the API answered the bundle of ${bundle.entry.id}`;
  if (target.contentHash !== undefined && bundle.entry.contentHash !== target.contentHash) {
    return `the bundle's contentHash ${bundle.entry.contentHash} is not ${target.contentHash}`;
  }
  const steps = verifyBundleOffline(bundle, {
    ...(target.content === undefined ? {} : { content: target.content }),
    trustedSigner: signer,
  });
  const failure = firstFailure(steps);
  if (failure !== undefined) {
    return `step ${failure.step} failed: ${failure.detail} (expected ${failure.expected ?? ""}, found ${failure.found ?? ""})`;
  }
  const checkpoint = checkpointProblem(bundle.checkpoint, signer);
  return checkpoint === undefined ? undefined : `checkpoint: ${checkpoint.detail}`;
}

export async function runProof(ids: readonly string[], options: ProofOptions): Promise<number> {
  const { api, config } = await apiContext(options, true);
  const targets = await targetsOf(ids, options, (hash) =>
    findByContentHash(api, hash, config.ledger),
  );
  const { checkpointSigner } = await getLogIdentity(api);
  const outDir = resolve(options.out ?? ".");
  const anchored = options.anchored === true;
  const verbose = targets.length < MIN_ITEMS_FOR_BAR;
  const progress = await startProgress("proofs    ", targets.length);
  const waiting: string[] = [];
  const invalid: string[] = [];
  let written = 0;
  try {
    for (const target of targets) {
      let bundle: ProofBundle;
      try {
        bundle = await getProof(api, target.id, anchored);
      } catch (error) {
        if (error instanceof ApiError && error.status === 425) {
          if (targets.length === 1)
            throw new CliError(notYet(target.id, anchored, error), EXIT_NOT_YET);
          waiting.push(target.id);
          progress.advance();
          continue;
        }
        if (error instanceof ApiError && targets.length > 1) {
          throw new CliError(`${target.name} (${target.id}): ${error.message}`, error.exitCode);
        }
        throw error;
      }
      const problem = problemOf(target, bundle, checkpointSigner);
      if (problem !== undefined) {
        invalid.push(`${target.name}: ${problem}`);
        progress.advance();
        continue;
      }
      const path = resolve(outDir, `${target.name}${SUFFIX}`);
      // An index names its files: none may write outside --out.
      if (!path.startsWith(`${outDir}${sep}`)) {
        throw new UsageError(`${target.name} is outside ${outDir}: refusing to write there`);
      }
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, encodeBundle(bundle));
      written++;
      progress.advance();
      if (verbose) {
        const { entry, leafIndex, checkpoint } = bundle;
        process.stdout.write(
          `wrote ${relative(process.cwd(), path) || path}: ${entry.kind} ${entry.contentHash} is leaf ${leafIndex} of ${checkpoint.origin} at tree size ${checkpoint.treeSize}; ${describeAnchors(bundle.anchors)}\n`,
        );
      }
    }
  } finally {
    progress.stop();
  }
  if (!verbose) {
    process.stdout.write(
      `wrote ${written} of ${targets.length} bundles under ${relative(process.cwd(), outDir) || "."}\n`,
    );
  }
  if (invalid.length > 0) {
    process.stderr.write(
      `stele: ${invalid.length} bundle(s) from the API do not verify, not written: ${invalid.join("; ")}\n`,
    );
    return EXIT_INVALID;
  }
  if (waiting.length > 0) {
    process.stderr.write(
      `stele: ${waiting.length} of ${targets.length} entries are not covered by ${anchored ? "an anchored" : "a signed"} checkpoint yet (${waiting.slice(0, 3).join(", ")}${waiting.length > 3 ? ", …" : ""}); use \`stele watch\` and run this again\n`,
    );
    return EXIT_NOT_YET;
  }
  return 0;
}
