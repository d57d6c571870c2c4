/**
 * The files `stele submit` takes from its arguments. A named file is taken as it is (a symlink
 * to a file is followed: the user named it). A directory is walked recursively in sorted order
 * (so batches, and their Idempotency-Keys, are the same on every run), taking regular files
 * only: symlinks are not followed, names starting with "." (.git, .DS_Store) are skipped, and
 * so are proof bundles (`*.stele.json`) and the index file itself.
 */
import { lstat, readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { UsageError } from "../usage-error.ts";

export interface FoundFile {
  /** Absolute path. */
  readonly path: string;
  readonly sizeBytes: number;
}

export interface WalkOptions {
  /** Absolute paths never taken from a walked directory (the index file). */
  readonly skip: ReadonlySet<string>;
}

const BUNDLE_SUFFIX = ".stele.json";

function errno(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

async function walkDirectory(dir: string, options: WalkOptions, out: FoundFile[]): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (error) {
    throw new UsageError(`cannot read directory ${dir}: ${errno(error)}`);
  }
  for (const name of names) {
    if (name.startsWith(".") || name.endsWith(BUNDLE_SUFFIX)) continue;
    const path = join(dir, name);
    if (options.skip.has(path)) continue;
    const info = await lstat(path);
    if (info.isDirectory()) await walkDirectory(path, options, out);
    else if (info.isFile()) out.push({ path, sizeBytes: info.size });
    // symlinks, sockets, FIFOs and devices are left alone
  }
}

/** Every file the arguments name, each once, in argument order then sorted within directories. */
export async function findFiles(
  args: readonly string[],
  options: WalkOptions,
): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  for (const arg of args) {
    const path = resolve(arg);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      throw new UsageError(`cannot read ${arg}: ${errno(error)}`);
    }
    if (info.isDirectory()) await walkDirectory(path, options, found);
    else if (info.isFile()) found.push({ path, sizeBytes: info.size });
    else throw new UsageError(`${arg} is neither a file nor a directory`);
  }
  const seen = new Set<string>();
  return found.filter((file) => !seen.has(file.path) && seen.add(file.path));
}
