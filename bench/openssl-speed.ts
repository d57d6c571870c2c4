/** The machine's native SHA-256 rate, as the yardstick every hashing figure is divided by. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** SHA-256 hashes of 64-byte messages per second, from `openssl speed -evp sha256 -bytes 64`. */
export async function opensslSha256Per64B(seconds = 2): Promise<number> {
  const { stdout } = await run("openssl", [
    "speed",
    "-evp",
    "sha256",
    "-bytes",
    "64",
    "-seconds",
    String(seconds),
  ]);
  // The summary line reads "sha256   123456.78k": thousands of bytes per second.
  const match = /^sha256\s+([0-9.]+)k\s*$/m.exec(stdout);
  if (match?.[1] === undefined) throw new Error(`cannot read openssl speed output:\n${stdout}`);
  return (Number(match[1]) * 1000) / 64;
}
