/**
 * One invocation that runs a task again and again. EventBridge Scheduler starts a function at
 * most once a minute, while integrate and the anchorer should run about every second: so each
 * scheduled invocation runs its task every `everyMs` for `runForMs`, and stops early when the
 * time left before the function's timeout could not hold another run.
 */
import type { Clock } from "../ports/clock.ts";

export interface RepeatSchedule {
  /** No run starts this long or longer after the first one started; 0 or absent: one run. */
  readonly runForMs?: number;
  /** A run starts this long after the previous one started, or at once if that one took longer. */
  readonly everyMs?: number;
}

/** Between runs when the schedule gives runForMs but not everyMs. */
export const DEFAULT_EVERY_MS = 1000;

export interface RepeatDeps {
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  /** Time left before the invocation is cut off, when known (Lambda's getRemainingTimeInMillis). */
  readonly remainingMs?: () => number;
}

export interface RepeatOptions<T> {
  /**
   * A run starts only if the time left then is at least the longest run so far plus this:
   * room for one more worst run and for what follows the last one (flushing logs and metrics).
   */
  readonly safetyMarginMs: number;
  /** Told after each run, for logs and metrics; a failed run is not thrown, the loop goes on. */
  readonly onRun?: (outcome: RunOutcome<T>) => void;
}

export type RunOutcome<T> = {
  /** 0 for the first run. */
  readonly index: number;
  readonly durationMs: number;
} & ({ readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown });

export interface RepeatResult<T> {
  readonly runs: number;
  readonly failedRuns: number;
  /** The last run: the invocation fails when it failed (see throwIfLastFailed). */
  readonly last: RunOutcome<T>;
}

/**
 * Runs `task` once, then again every `everyMs` until `runForMs` has passed since the first run
 * started, or until the time left could not hold another run. Never two runs at once; a failed
 * run is reported to onRun and the next run retries.
 */
export async function runRepeatedly<T>(
  deps: RepeatDeps,
  schedule: RepeatSchedule,
  options: RepeatOptions<T>,
  task: (index: number) => Promise<T>,
): Promise<RepeatResult<T>> {
  const { clock, sleep, remainingMs } = deps;
  const runForMs = schedule.runForMs ?? 0;
  const everyMs = schedule.everyMs ?? DEFAULT_EVERY_MS;
  const firstStartMs = clock.nowMs();
  let failedRuns = 0;
  let longestMs = 0;
  for (let index = 0; ; index++) {
    const startMs = clock.nowMs();
    let last: RunOutcome<T>;
    try {
      const value = await task(index);
      last = { index, durationMs: clock.nowMs() - startMs, ok: true, value };
    } catch (error) {
      failedRuns += 1;
      last = { index, durationMs: clock.nowMs() - startMs, ok: false, error };
    }
    options.onRun?.(last);
    longestMs = Math.max(longestMs, last.durationMs);
    const endMs = startMs + last.durationMs;
    const nextStartMs = Math.max(startMs + everyMs, endMs);
    const waitMs = nextStartMs - clock.nowMs();
    const timeLeftThenMs = remainingMs === undefined ? Infinity : remainingMs() - waitMs;
    if (
      nextStartMs - firstStartMs >= runForMs ||
      timeLeftThenMs < longestMs + options.safetyMarginMs
    ) {
      return { runs: index + 1, failedRuns, last };
    }
    if (waitMs > 0) await sleep(waitMs);
  }
}

/**
 * Throws the last run's error if it failed. Only the last run decides: a failure that the next
 * run repaired is in the logs and the run-failure metric, while Lambda's Errors metric (and its
 * alarm) sees failures that persisted to the end of an invocation.
 */
export function throwIfLastFailed<T>(result: RepeatResult<T>): void {
  if (!result.last.ok) throw result.last.error;
}

/**
 * The time left of a Lambda context, when there is one: the local stack and tests call
 * handlers without a context (or with `{}`), and then only runForMs bounds the runs.
 */
export function remainingTimeOf(context: {
  readonly getRemainingTimeInMillis?: () => number;
}): Pick<RepeatDeps, "remainingMs"> {
  const { getRemainingTimeInMillis } = context;
  return getRemainingTimeInMillis === undefined
    ? {}
    : { remainingMs: () => getRemainingTimeInMillis.call(context) };
}
