/** The five steps as the page shows them: the domain's outcomes folded into one per step. */
import {
  STEP_NAMES,
  type StepNumber,
  type StepOutcome,
} from "../../shared/domain/proof/verdict.ts";

/**
 * A step as the page shows it: the domain's outcome, or one the page adds itself: `not-run`
 * after an earlier failure, `error` when a chain endpoint could not be used (no verdict).
 */
export interface PageStep {
  readonly step: StepNumber;
  readonly status: StepOutcome["status"] | "not-run" | "error";
  /** One line per outcome (step 5 has one per anchor). */
  readonly details: readonly string[];
  readonly expected?: string;
  readonly found?: string;
}

/** Which outcome speaks for a step when it has several: the worst. */
const STATUS_RANK: Record<PageStep["status"], number> = {
  failed: 5,
  error: 4,
  passed: 3,
  skipped: 2,
  "not-run": 1,
};

/** Folds the outcomes of each step (step 5 may have several) into one page step per number. */
export function pageSteps(outcomes: readonly PageStep[]): PageStep[] {
  const steps: PageStep[] = [];
  const failedAt = outcomes.find((o) => o.status === "failed" || o.status === "error")?.step;
  for (const step of [1, 2, 3, 4, 5] as const) {
    const mine = outcomes.filter((o) => o.step === step);
    if (mine.length === 0) {
      steps.push({
        step,
        status: "not-run",
        details: [
          failedAt === undefined
            ? "not checked"
            : `not checked: step ${failedAt} (${STEP_NAMES[failedAt]}) did not pass`,
        ],
      });
      continue;
    }
    const worst = mine.reduce((a, b) => (STATUS_RANK[b.status] > STATUS_RANK[a.status] ? b : a));
    steps.push({
      step,
      status: worst.status,
      details: mine.flatMap((o) => o.details),
      ...(worst.expected === undefined ? {} : { expected: worst.expected }),
      ...(worst.found === undefined ? {} : { found: worst.found }),
    });
  }
  return steps;
}
