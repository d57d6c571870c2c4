/**
 * The index `stele submit` keeps (`stele-index.json` unless `--index`): which file became which
 * entry. JSON `{"format":"stele.index.v1","entries":[{path, kind, contentHash, ledger, id,
 * receivedAt, subject?, eventType?}]}`, `path` relative to the index file's directory with `/` separators. A re-run
 * adds to it; an older version of a file keeps its record (its proof stays valid).
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, relative, resolve, sep } from "node:path";
import { z } from "zod";
import { UsageError } from "./usage-error.ts";

export const INDEX_FORMAT = "stele.index.v1";
export const DEFAULT_INDEX = "stele-index.json";

const recordSchema = z.looseObject({
  path: z.string().min(1),
  kind: z.enum(["document", "transaction"]),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/, "64 lowercase hex characters"),
  ledger: z.string().min(1),
  id: z.string().min(1),
  receivedAt: z.string().optional(),
  /** Entries sent as events of a subject (`--subject`, `--event-type`). */
  subject: z.string().optional(),
  eventType: z.string().optional(),
});
export type IndexRecord = z.infer<typeof recordSchema>;

const indexSchema = z.looseObject({
  format: z.literal(INDEX_FORMAT),
  entries: z.array(recordSchema),
});

/** The records of the index at `path`; none if the file does not exist. */
export async function readIndex(path: string): Promise<IndexRecord[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new UsageError(`cannot read index ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`index ${path} is not JSON: ${(error as Error).message}`);
  }
  const parsed = indexSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `${path} is not a Stele index (${INDEX_FORMAT}): ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
    );
  }
  return parsed.data.entries;
}

/** The index of an existing file, or the one-line error saying how to make one. */
export async function readExistingIndex(path: string): Promise<IndexRecord[]> {
  const records = await readIndex(path);
  if (records.length === 0) {
    throw new UsageError(`index ${path} has no entries: make one with \`stele submit <files…>\``);
  }
  return records;
}

/** Writes the index whole, through a temporary file, so an interrupted write leaves the old one. */
export async function writeIndex(path: string, records: readonly IndexRecord[]): Promise<void> {
  const text = `${JSON.stringify({ format: INDEX_FORMAT, entries: records }, null, 2)}\n`;
  await mkdir(dirname(resolve(path)), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/** How the index names `absolutePath`: relative to the index's directory, `/`-separated. */
export function indexPathOf(indexPath: string, absolutePath: string): string {
  return relative(dirname(resolve(indexPath)), absolutePath)
    .split(sep)
    .join("/");
}

/** The absolute path of a record's file. */
export function absolutePathOf(indexPath: string, record: IndexRecord): string {
  return resolve(dirname(resolve(indexPath)), record.path);
}
