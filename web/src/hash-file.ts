/**
 * SHA-256 of a file read as a stream: WebCrypto's digest is one-shot and would need the whole
 * file in memory, which documents of hundreds of MB must not.
 */
import { sha256 } from "@noble/hashes/sha2.js";

/** Called as the hash advances: bytes hashed so far out of the file's size. */
export type HashProgress = (bytesDone: number, bytesTotal: number) => void;

/** SHA-256 of `file`'s bytes, streamed chunk by chunk. */
export async function sha256OfFile(file: Blob, onProgress?: HashProgress): Promise<Uint8Array> {
  const hash = sha256.create();
  const reader = file.stream().getReader();
  let done = 0;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    hash.update(chunk.value);
    done += chunk.value.length;
    onProgress?.(done, file.size);
  }
  return hash.digest();
}
