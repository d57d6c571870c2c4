/**
 * Open-loop pacing: job k is due at k × intervalMs after the start, whatever the answers'
 * latency, with at most `workers` jobs in flight. A slow answer does not slow the schedule
 * (another worker takes the next due job) unless every worker is busy; then jobs start late
 * and the achieved rate, measured by the caller, shows it.
 */
import { setTimeout as sleep } from "node:timers/promises";

export interface PaceOptions {
  readonly intervalMs: number;
  readonly workers: number;
  /** No job is due at or after this many ms from the start. */
  readonly durationMs: number;
  /** Monotonic ms (performance.now). */
  readonly now: () => number;
}

/** The due time (ms after the start) of job `k`, or undefined when it falls past the end. */
export function dueAtMs(k: number, intervalMs: number, durationMs: number): number | undefined {
  const due = k * intervalMs;
  return due < durationMs ? due : undefined;
}

/** Runs `job(k)` for every due k; resolves when all started jobs have finished. */
export async function runPaced(
  options: PaceOptions,
  job: (k: number) => Promise<void>,
): Promise<void> {
  const start = options.now();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const k = next++;
      const due = dueAtMs(k, options.intervalMs, options.durationMs);
      if (due === undefined) return;
      const wait = start + due - options.now();
      if (wait > 0) await sleep(wait);
      // Too late to start inside the run at all: stop rather than spill past its end.
      if (options.now() - start >= options.durationMs) return;
      await job(k);
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
}
