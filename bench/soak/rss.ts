/** Resident set size of processes, read from /proc (Linux), in MB (2^20 bytes). */
import { readdir, readFile } from "node:fs/promises";

/** VmRSS of `pid` in MB, or undefined when the process is gone or /proc has no such line. */
export async function rssMb(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** The pids whose parent is `pid` and whose command line matches `pattern`. */
export async function childPids(pid: number, pattern: RegExp): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, "utf8");
      // Field 4 (ppid) follows the command name in parentheses, which may itself hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== pid) continue;
      const cmdline = (await readFile(`/proc/${name}/cmdline`, "utf8")).replaceAll("\0", " ");
      if (pattern.test(cmdline)) found.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}
