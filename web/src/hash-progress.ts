/** Hashing a chosen file while the progress bar and its label say how far it got. */
import { ui } from "./elements.ts";
import { formatBytes } from "./format-bytes.ts";
import { sha256OfFile } from "./hash-file.ts";

/** Repaints at most this often: progress comes per chunk, far faster than anyone reads. */
const PAINT_INTERVAL_MS = 100;

export function hashWithProgress(file: File): Promise<Uint8Array> {
  ui.hashing.hidden = false;
  ui.hashProgress.value = 0;
  ui.hashLabel.textContent = `Hashing ${file.name} (${formatBytes(file.size)})…`;
  const startedMs = performance.now();
  let lastPaintMs = 0;
  const hashing = sha256OfFile(file, (bytesDone, bytesTotal) => {
    const nowMs = performance.now();
    if (nowMs - lastPaintMs < PAINT_INTERVAL_MS && bytesDone < bytesTotal) return;
    lastPaintMs = nowMs;
    ui.hashProgress.value = bytesTotal === 0 ? 1 : bytesDone / bytesTotal;
    ui.hashLabel.textContent = `Hashing ${file.name}: ${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)}`;
  });
  hashing.then(
    () => {
      const seconds = (performance.now() - startedMs) / 1000;
      ui.hashProgress.value = 1;
      ui.hashLabel.textContent = `Hashed ${file.name} (${formatBytes(file.size)}) in ${seconds.toFixed(2)} s`;
    },
    (error: Error) => {
      ui.hashLabel.textContent = `Could not read ${file.name}: ${error.message}`;
    },
  );
  return hashing;
}
