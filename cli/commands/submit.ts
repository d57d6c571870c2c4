/**
 * `stele submit <files…|dir…> [--payload tx.json…]`: hash locally, send hashes (or content with
 * `--upload`) in batches, and keep an index of which file became which entry.
 */
import { readFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { toHex } from "../../shared/domain/bytes.ts";
import { InvalidArgumentError } from "../../shared/domain/errors.ts";
import { canonicalJson, transactionContentHash } from "../../shared/domain/proof/content-hash.ts";
import {
  EVENT_TYPE,
  EVENT_TYPE_RULE,
  SUBJECT_NAME,
  SUBJECT_NAME_RULE,
} from "../../shared/domain/subjects/subject-name.ts";
import { postEntries } from "../api/endpoints.ts";
import type { AcceptedEntry } from "../api/schemas.ts";
import { type ApiFlags, apiContext } from "../context.ts";
import { sha256FileHex, sha256Hex } from "../files/sha256-file.ts";
import { findFiles } from "../files/walk.ts";
import {
  DEFAULT_INDEX,
  type IndexRecord,
  indexPathOf,
  readIndex,
  writeIndex,
} from "../index-file.ts";
import { readPayloadFile } from "../payload-file.ts";
import { startProgress } from "../progress.ts";
import { batchBody, idempotencyKeyOf, planBatches } from "../submit/batches.ts";
import { CliError, UsageError } from "../usage-error.ts";

export interface SubmitOptions extends ApiFlags {
  readonly payload?: readonly string[];
  readonly upload?: boolean;
  readonly index?: string;
  readonly clientRef?: string;
  /** Every entry of this run is an event of this subject, of this type. */
  readonly subject?: string;
  readonly eventType?: string;
}

/** What the entry says besides its content: clientRef, subject and eventType, as sent. */
interface Labels {
  readonly clientRef?: string;
  readonly subject?: string;
  readonly eventType?: string;
}

/** http-api-v1: a document sent as content is at most 256 KiB decoded. */
export const MAX_UPLOAD_BYTES = 256 * 1024;
/** http-api-v1: a payload is at most 64 KiB of canonical JSON. */
const MAX_PAYLOAD_BYTES = 64 * 1024;
const MAX_CLIENT_REF_CHARS = 128;
const HASH_CONCURRENCY = 4;

/** One entry to send: a file's hash or content, or a payload; every path that has this content. */
interface Planned {
  readonly kind: "document" | "transaction";
  readonly contentHash: string;
  readonly paths: string[];
  readonly absolutePath: string;
  readonly sizeBytes: number;
  readonly payloadJson?: string;
  readonly labels: Labels;
  readonly jsonBytes: number;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function clientRefFor(template: string | undefined, path: string): string | undefined {
  if (template === undefined) return undefined;
  const ref = template.replaceAll("{path}", path);
  if (ref.length > MAX_CLIENT_REF_CHARS) {
    throw new UsageError(
      `--client-ref for ${path} is ${ref.length} characters; the API takes at most ${MAX_CLIENT_REF_CHARS}`,
    );
  }
  return ref;
}

/** The entry's JSON in the request; content is read only when its batch is sent. */
async function wireJson(entry: Planned, upload: boolean): Promise<string> {
  const ref = entry.labels;
  if (entry.kind === "transaction") {
    const head = JSON.stringify({ kind: "transaction", ...ref });
    return `${head.slice(0, -1)},"payload":${entry.payloadJson}}`;
  }
  if (!upload) return JSON.stringify({ kind: "document", contentHash: entry.contentHash, ...ref });
  const bytes = await readFile(entry.absolutePath);
  if (sha256Hex(bytes) !== entry.contentHash) {
    throw new CliError(
      `${entry.paths[0]} changed while it was being submitted; run stele submit again`,
    );
  }
  return JSON.stringify({ kind: "document", content: bytes.toString("base64"), ...ref });
}

function plannedJsonBytes(
  kind: Planned["kind"],
  options: {
    upload: boolean;
    sizeBytes: number;
    payloadJson?: string;
    labels: Labels;
  },
): number {
  const ref = options.labels;
  if (kind === "transaction")
    return (
      Buffer.byteLength(JSON.stringify({ kind, ...ref, payload: 0 })) -
      1 +
      Buffer.byteLength(options.payloadJson ?? "")
    );
  if (!options.upload)
    return Buffer.byteLength(JSON.stringify({ kind, contentHash: "0".repeat(64), ...ref }));
  return (
    Buffer.byteLength(JSON.stringify({ kind, content: "", ...ref })) +
    4 * Math.ceil(options.sizeBytes / 3)
  );
}

async function readPayload(path: string): Promise<{ json: string; contentHash: string }> {
  const payload = await readPayloadFile(path);
  try {
    const json = canonicalJson(payload);
    if (Buffer.byteLength(json) > MAX_PAYLOAD_BYTES) {
      throw new UsageError(
        `payload ${path} is ${kib(Buffer.byteLength(json))} of canonical JSON; the API takes at most 64 KiB: submit it as a document instead`,
      );
    }
    return { json, contentHash: toHex(transactionContentHash(payload)) };
  } catch (error) {
    if (error instanceof InvalidArgumentError)
      throw new UsageError(`payload ${path}: ${error.message}`);
    throw error;
  }
}

/** --subject and --event-type, checked as the API checks them. */
function subjectLabelsOf(options: SubmitOptions): Labels {
  const { subject, eventType } = options;
  if (subject !== undefined && !SUBJECT_NAME.test(subject)) {
    throw new UsageError(
      `--subject ${JSON.stringify(subject)} is not a subject: ${SUBJECT_NAME_RULE}`,
    );
  }
  if (eventType !== undefined && !EVENT_TYPE.test(eventType)) {
    throw new UsageError(
      `--event-type ${JSON.stringify(eventType)} is not one: ${EVENT_TYPE_RULE}`,
    );
  }
  if (eventType !== undefined && subject === undefined) {
    throw new UsageError("--event-type needs --subject: the subject the event happened to");
  }
  return {
    ...(subject === undefined ? {} : { subject }),
    ...(eventType === undefined ? {} : { eventType }),
  };
}

/** Runs `work` over `items` with at most `limit` at once, keeping the order of results. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function runSubmit(args: readonly string[], options: SubmitOptions): Promise<number> {
  const payloadPaths = options.payload ?? [];
  if (args.length === 0 && payloadPaths.length === 0) {
    throw new UsageError("nothing to submit: name files or directories, or --payload <tx.json>");
  }
  const subjectLabels = subjectLabelsOf(options);
  const { api, ledger } = await apiContext(options, true);
  const upload = options.upload === true;
  const indexPath = resolve(options.index ?? DEFAULT_INDEX);
  const records = await readIndex(indexPath);
  const files = await findFiles(args, { skip: new Set([indexPath]) });
  if (upload) {
    const tooBig = files.find((file) => file.sizeBytes > MAX_UPLOAD_BYTES);
    if (tooBig !== undefined) {
      throw new UsageError(
        `${indexPathOf(indexPath, tooBig.path)} is ${kib(tooBig.sizeBytes)}: --upload sends at most 256 KiB per document; submit it without --upload (only its SHA-256 is sent)`,
      );
    }
  }

  // Hash everything first: nothing is sent until every input is known to be good.
  const hashing = await startProgress("hashing   ", files.length);
  const documents = await mapLimited(files, HASH_CONCURRENCY, async (file) => {
    const contentHash = await sha256FileHex(file.path);
    hashing.advance();
    return { kind: "document" as const, contentHash, file, payloadJson: undefined };
  });
  hashing.stop();
  const payloads = await Promise.all(
    payloadPaths.map(async (path) => {
      const { json, contentHash } = await readPayload(path);
      const info = { path: resolve(path), sizeBytes: Buffer.byteLength(json) };
      return { kind: "transaction" as const, contentHash, file: info, payloadJson: json };
    }),
  );

  const known = new Map<string, IndexRecord>();
  // Records are known by their own ledger: an entry in ledger a does not stamp a file in b. An
  // event of a subject is another entry than the same file stamped alone or for another event.
  const keyOf = (
    inLedger: string,
    kind: string,
    contentHash: string,
    labels: { subject?: string | undefined; eventType?: string | undefined },
  ) => `${inLedger}|${kind}|${contentHash}|${labels.subject ?? ""}|${labels.eventType ?? ""}`;
  for (const record of records)
    known.set(keyOf(record.ledger, record.kind, record.contentHash, record), record);
  const recorded = new Set(
    records.map((r) => `${r.path}|${keyOf(r.ledger, r.kind, r.contentHash, r)}`),
  );
  const planned = new Map<string, Planned>();
  let alreadyIndexed = 0;
  for (const item of [...documents, ...payloads]) {
    const path = indexPathOf(indexPath, item.file.path);
    const key = keyOf(ledger, item.kind, item.contentHash, subjectLabels);
    const earlier = known.get(key);
    if (earlier !== undefined) {
      alreadyIndexed++;
      if (!recorded.has(`${path}|${key}`)) {
        // Same content under another name: the entry that exists already proves it.
        records.push({ ...earlier, path });
        recorded.add(`${path}|${key}`);
      }
      continue;
    }
    const same = planned.get(key);
    if (same !== undefined) {
      same.paths.push(path);
      continue;
    }
    const clientRef = clientRefFor(options.clientRef, path);
    const labels: Labels = { ...(clientRef === undefined ? {} : { clientRef }), ...subjectLabels };
    planned.set(key, {
      kind: item.kind,
      contentHash: item.contentHash,
      paths: [path],
      absolutePath: item.file.path,
      sizeBytes: item.file.sizeBytes,
      ...(item.payloadJson === undefined ? {} : { payloadJson: item.payloadJson }),
      labels,
      jsonBytes: plannedJsonBytes(item.kind, {
        upload,
        sizeBytes: item.file.sizeBytes,
        ...(item.payloadJson === undefined ? {} : { payloadJson: item.payloadJson }),
        labels,
      }),
    });
  }

  const batches = planBatches([...planned.values()], ledger);
  const sending = await startProgress("submitting", planned.size);
  try {
    for (const batch of batches) {
      const body = batchBody(
        ledger,
        await Promise.all(batch.map((entry) => wireJson(entry, upload))),
      );
      const accepted = await postEntries(api, body, idempotencyKeyOf(body));
      records.push(...recordsOf(batch, accepted));
      await writeIndex(indexPath, records);
      sending.advance(batch.length);
    }
  } finally {
    sending.stop();
  }
  if (batches.length === 0 && records.length > 0) await writeIndex(indexPath, records);

  process.stdout.write(
    `${summary(planned, batches.length, alreadyIndexed, upload, ledger, indexPath)}\n`,
  );
  return 0;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The one line `stele submit` ends with. */
function summary(
  planned: ReadonlyMap<string, Planned>,
  requests: number,
  alreadyIndexed: number,
  upload: boolean,
  ledger: string,
  indexPath: string,
): string {
  const index = relative(process.cwd(), indexPath) || indexPath;
  const entries = [...planned.values()];
  if (entries.length === 0) {
    return `nothing new to submit: ${plural(alreadyIndexed, "input")} already in ${index} (ledger ${ledger})`;
  }
  const documents = entries.filter((entry) => entry.kind === "document").length;
  const parts = [
    ...(documents > 0
      ? [`${plural(documents, "document")} ${upload ? "with content" : "as hashes"}`]
      : []),
    ...(entries.length > documents ? [plural(entries.length - documents, "transaction")] : []),
  ];
  const skipped = alreadyIndexed > 0 ? `; ${alreadyIndexed} already in the index` : "";
  return `submitted ${plural(entries.length, "entry").replace("entrys", "entries")} (${parts.join(", ")}) in ${plural(requests, "request")} to ledger ${ledger}${skipped}; ids saved in ${index}`;
}

/** Index records for a batch's answer, checking it answers what was sent. */
function recordsOf(batch: readonly Planned[], accepted: readonly AcceptedEntry[]): IndexRecord[] {
  if (accepted.length !== batch.length) {
    throw new CliError(
      `the API accepted ${accepted.length} entries for a batch of ${batch.length}`,
    );
  }
  return batch.flatMap((entry, i) => {
    const answer = accepted[i] as AcceptedEntry;
    if (answer.contentHash !== entry.contentHash) {
      throw new CliError(
        `the API answered content hash ${answer.contentHash} for ${entry.paths[0]}, which hashes to ${entry.contentHash}`,
      );
    }
    return entry.paths.map((path) => ({
      path,
      kind: entry.kind,
      contentHash: entry.contentHash,
      ledger: answer.ledger,
      id: answer.id,
      receivedAt: answer.receivedAt,
      ...(entry.labels.subject === undefined ? {} : { subject: entry.labels.subject }),
      ...(entry.labels.eventType === undefined ? {} : { eventType: entry.labels.eventType }),
    }));
  });
}
