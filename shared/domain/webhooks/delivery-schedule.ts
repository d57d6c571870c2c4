/**
 * When a failed webhook delivery is tried again: 30 s after the first failure, doubling up to an
 * hour between attempts, for 24 hours from the first attempt; one last attempt falls at the
 * deadline itself, and a failure at or after it gives up (the event goes to the dead-letter
 * queue). SQS delays a message at most 15 minutes, so a longer wait is made of several hops.
 */

export const FIRST_RETRY_DELAY_MS = 30_000;
export const MAX_RETRY_DELAY_MS = 60 * 60_000;
/** How long, from its first attempt, an event is tried before it is dead-lettered. */
export const DELIVERY_WINDOW_MS = 24 * 60 * 60_000;
/** SQS's largest DelaySeconds. */
export const MAX_QUEUE_DELAY_SECONDS = 900;

/** The wait after failed attempt `attempt` (1 for the first POST). Requires attempt >= 1. */
export function retryDelayMs(attempt: number): number {
  const doublings = Math.min(Math.max(0, attempt - 1), 30);
  return Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** doublings);
}

export type NextStep =
  | { readonly kind: "retry"; readonly notBeforeMs: number }
  | { readonly kind: "give-up" };

/** What follows failed attempt `attempt`, made at `failedAtMs`, of an event first tried at `firstAttemptAtMs`. */
export function afterFailure(
  attempt: number,
  firstAttemptAtMs: number,
  failedAtMs: number,
): NextStep {
  const deadlineMs = firstAttemptAtMs + DELIVERY_WINDOW_MS;
  if (failedAtMs >= deadlineMs) return { kind: "give-up" };
  return { kind: "retry", notBeforeMs: Math.min(deadlineMs, failedAtMs + retryDelayMs(attempt)) };
}

/** The DelaySeconds of the next hop towards `notBeforeMs` (0: due now). */
export function hopDelaySeconds(notBeforeMs: number, nowMs: number): number {
  return Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, Math.ceil((notBeforeMs - nowMs) / 1000)));
}
