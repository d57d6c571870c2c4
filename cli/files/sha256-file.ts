/** SHA-256 of files, streamed so that documents of any size fit in memory. */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { UsageError } from "../usage-error.ts";

/** Lowercase hex SHA-256 of the file at `path`. */
export async function sha256FileHex(path: string): Promise<string> {
  const hash = createHash("sha256");
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    throw new UsageError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return hash.digest("hex");
}

/** Lowercase hex SHA-256 of bytes already read. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
