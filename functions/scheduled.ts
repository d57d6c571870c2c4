/** What the scheduled handlers (integrate, anchor) share to loop inside one invocation. */
import { setTimeout as sleep } from "node:timers/promises";
import type { Context } from "aws-lambda";
import { systemClock } from "../shared/adapters/system/system-clock.ts";
import { type RepeatDeps, remainingTimeOf } from "../shared/app/run-repeatedly.ts";

/** Room left at the end beyond the longest run: logs and metrics are flushed, nothing is cut. */
export const SAFETY_MARGIN_MS = 5000;

/** The real clock and sleep, and the invocation's time left when Lambda gives a context. */
export function scheduledRepeatDeps(context: Partial<Context>): RepeatDeps {
  return { clock: systemClock, sleep: (ms) => sleep(ms), ...remainingTimeOf(context) };
}
