// Tracer is loaded only where it traces: loading the X-Ray SDK turns on async hooks, which slow
// every promise of the process, so tests and the local stack must not pay for it.
import assert from "node:assert/strict";
import { test } from "node:test";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { startTracing, traced, tracingWanted } from "../../shared/observability/tracing.ts";

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

test("outside Lambda nothing is loaded: no client wrapper, a middleware that does nothing", async () => {
  const tracing = await startTracing({});
  assert.deepEqual(tracing.clients, {});
  const handler = middy(async (event: { n: number }) => event.n + 1).use(tracing.middleware);
  assert.equal(await handler({ n: 41 }, {} as Context), 42);
  const handled = traced(tracing, async (event: { n: number } | undefined) => (event?.n ?? 0) * 2);
  assert.equal(await handled({ n: 21 }), 42);
  assert.equal(await handled(), 0);
});
