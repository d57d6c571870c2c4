// Tracer is loaded only where it traces: loading the X-Ray SDK turns on async hooks, which slow
// every promise of the process, so tests and the local stack must not pay for it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startTracing, tracingWanted } from "../../shared/observability/tracing.ts";

test("tracing is wanted in Lambda only, and not when POWERTOOLS_TRACE_ENABLED is false", () => {
  assert.equal(tracingWanted({}), false);
  assert.equal(tracingWanted({ AWS_EXECUTION_ENV: "" }), false);
  assert.equal(tracingWanted({ AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x" }), true);
  for (const off of ["false", "FALSE", "False"]) {
    assert.equal(
      tracingWanted({ AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x", POWERTOOLS_TRACE_ENABLED: off }),
      false,
    );
  }
});

test("outside Lambda nothing is loaded: no client wrapper, an empty middleware", async () => {
  const tracing = await startTracing({});
  assert.deepEqual(tracing, { clients: {}, middleware: {} });
});
