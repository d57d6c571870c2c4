/** The result's steps as a list, marked by `data-step` and `data-status` for styles and tests. */
import { STEP_NAMES } from "../../shared/domain/proof/verdict.ts";
import { h } from "./dom.ts";
import type { PageStep } from "./page-steps.ts";

const MARKS: Record<PageStep["status"], { mark: string; word: string }> = {
  passed: { mark: "✓", word: "passed" },
  failed: { mark: "✗", word: "failed" },
  skipped: { mark: "–", word: "skipped" },
  "not-run": { mark: "–", word: "not checked" },
  error: { mark: "!", word: "could not be checked" },
};

/** One `<li>` per step: a tick, a cross or a dash, the step's name, and what was found. */
export function renderSteps(list: HTMLElement, steps: readonly PageStep[]): void {
  list.replaceChildren(
    ...steps.map((step) => {
      const { mark, word } = MARKS[step.status];
      return h(
        "li",
        { "data-step": String(step.step), "data-status": step.status },
        h("span", { class: "mark", "aria-hidden": "true" }, mark),
        h(
          "div",
          {},
          h("span", { class: "name" }, `Step ${step.step}: ${STEP_NAMES[step.step]} — ${word}`),
          ...step.details.map((detail) => h("p", { class: "detail" }, detail)),
          step.status === "failed" &&
            h(
              "dl",
              {},
              h("dt", {}, "expected"),
              h("dd", {}, step.expected ?? ""),
              h("dt", {}, "found"),
              h("dd", {}, step.found ?? ""),
            ),
        ),
      );
    }),
  );
}
