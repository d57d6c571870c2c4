/** The outcome of verifying a bundle, step by step, as spec/proof-v1.md numbers the steps. */

export type StepNumber = 1 | 2 | 3 | 4 | 5;

export const STEP_NAMES: Readonly<Record<StepNumber, string>> = {
  1: "content hash",
  2: "leaf hash",
  3: "inclusion",
  4: "checkpoint signature",
  5: "anchor",
};

export interface StepOutcome {
  readonly step: StepNumber;
  readonly status: "passed" | "failed" | "skipped";
  /** One line a person can read: what was checked, or why it was not. */
  readonly detail: string;
  /** On failure: what the step required, and what the bundle or chain had instead. */
  readonly expected?: string;
  readonly found?: string;
}

export function passed(step: StepNumber, detail: string): StepOutcome {
  return { step, status: "passed", detail };
}

export function skipped(step: StepNumber, detail: string): StepOutcome {
  return { step, status: "skipped", detail };
}

export function failed(
  step: StepNumber,
  detail: string,
  expected: string,
  found: string,
): StepOutcome {
  return { step, status: "failed", detail, expected, found };
}

/** The first failed step, if any. */
export function firstFailure(steps: readonly StepOutcome[]): StepOutcome | undefined {
  return steps.find((outcome) => outcome.status === "failed");
}
