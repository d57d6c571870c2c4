/**
 * The event of a scheduled function (integrate-ledgers, anchor-checkpoints): the schedule's
 * Input as EventBridge Scheduler delivers it, e.g. `{"runForMs": 55000, "everyMs": 1000}`.
 * Strict, so that a misspelt field fails the invocation instead of quietly running once.
 */
import * as z from "zod";
import type { RepeatSchedule } from "../app/run-repeatedly.ts";

/** Lambda's longest timeout. */
const MAX_MS = 900_000;

const scheduledRunSchema = z.strictObject({
  /** Keep running this long (no run starts later); absent or 0: one run. */
  runForMs: z.number().int().min(0).max(MAX_MS).optional(),
  /** Start a run this often while runForMs lasts (default 1000). */
  everyMs: z.number().int().min(100).max(MAX_MS).optional(),
  // Scheduler's context attributes, which a schedule's Input may carry (<aws.scheduler.*>).
  scheduleArn: z.string().optional(),
  scheduledTime: z.string().optional(),
  executionId: z.string().optional(),
  attemptNumber: z.union([z.string(), z.number()]).optional(),
});

/** Reads a scheduled event; none at all (a test, the local stack) is one run. */
export function parseScheduledRun(event: unknown): RepeatSchedule {
  const result = scheduledRunSchema.safeParse(event ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) =>
      issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`,
    );
    throw new InvalidScheduledEventError(problems);
  }
  const { runForMs, everyMs } = result.data;
  return {
    ...(runForMs === undefined ? {} : { runForMs }),
    ...(everyMs === undefined ? {} : { everyMs }),
  };
}

/** The event is not a schedule's Input this function understands: fix the schedule's Input. */
export class InvalidScheduledEventError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      `bad scheduled event: ${problems.join("; ")} (expected {"runForMs"?: 0–${MAX_MS}, "everyMs"?: 100–${MAX_MS}}, whole milliseconds)`,
    );
    this.name = "InvalidScheduledEventError";
    this.problems = problems;
  }
}
