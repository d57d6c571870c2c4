/**
 * An export directory on disk: files written whole or not at all (a temporary file renamed into
 * place, so an interrupted export never leaves a truncated tile that a re-run would keep), and
 * the files below `tile/` listed as `/`-separated paths.
 */
import { randomBytes } from "node:crypto";
import type { Dirent } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { UsageError } from "../usage-error.ts";

/** Kept beside the export's files and outside `tile/`, which tlog tools and verify-log read. */
const TEMP_DIR = ".stele-export-tmp";

function errno(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

export class ExportDir {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Writes `bytes` at `path` (relative, `/`-separated) in one rename. */
  async write(path: string, bytes: Uint8Array | string): Promise<void> {
    const target = join(this.root, ...path.split("/"));
    const temp = join(this.root, TEMP_DIR, randomBytes(8).toString("hex"));
    try {
      await mkdir(dirname(temp), { recursive: true });
      await mkdir(dirname(target), { recursive: true });
      await writeFile(temp, bytes);
      await rename(temp, target);
    } catch (error) {
      throw new UsageError(`cannot write ${target}: ${errno(error)}`);
    }
  }

  /** The size in bytes of the file at `path`, or undefined if there is none. */
  async sizeOf(path: string): Promise<number | undefined> {
    try {
      const info = await stat(join(this.root, ...path.split("/")));
      return info.isFile() ? info.size : undefined;
    } catch {
      return undefined;
    }
  }

  /** The bytes of the file at `path`, or undefined if there is none. */
  async read(path: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(join(this.root, ...path.split("/"))));
    } catch (error) {
      const code = errno(error);
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      throw new UsageError(`cannot read ${join(this.root, path)}: ${code}`);
    }
  }

  /** Every regular file below `dir` (relative), as `/`-separated paths from the root. */
  async filesUnder(dir: string): Promise<string[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(join(this.root, dir), { recursive: true, withFileTypes: true });
    } catch (error) {
      if (errno(error) === "ENOENT") return [];
      throw new UsageError(`cannot list ${join(this.root, dir)}: ${errno(error)}`);
    }
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const full = join(entry.parentPath, entry.name);
        return full
          .slice(this.root.length + 1)
          .split(sep)
          .join("/");
      })
      .sort();
  }

  /** Removes the file at `path`, and its directory if that is left empty. */
  async remove(path: string): Promise<void> {
    const target = join(this.root, ...path.split("/"));
    await rm(target, { force: true });
    const parent = dirname(target);
    if ((await readdir(parent)).length === 0) await rm(parent, { recursive: true, force: true });
  }

  /** Removes what an interrupted write left behind. */
  async cleanUp(): Promise<void> {
    await rm(join(this.root, TEMP_DIR), { recursive: true, force: true });
  }
}
