/**
 * AWS X-Ray tracing through Powertools Tracer: a segment per invocation (with ColdStart and
 * Service annotations, the response or error as metadata) and a subsegment per AWS SDK call.
 * Tracer turns itself off outside Lambda (no AWS_EXECUTION_ENV: tests, the local stack) and
 * with POWERTOOLS_TRACE_ENABLED=false; then every call here is a no-op and nothing is printed.
 */
import { Tracer } from "@aws-lambda-powertools/tracer";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import type { ClientOptions } from "../wiring.ts";

export function createTracer(): Tracer {
  return new Tracer({ serviceName: "stele" });
}

/** For shared/wiring.ts: each AWS SDK client it builds is captured by `tracer`. */
export function tracedClients(tracer: Tracer): ClientOptions {
  return { instrument: (client) => tracer.captureAWSv3Client(client) };
}

/**
 * `handler` run inside Powertools' captureLambdaHandler. The result may be called without an
 * event or a context, as the local stack and tests do: the handler then gets `{}` for them.
 */
export function traced<TEvent, TResult>(
  tracer: Tracer,
  handler: (event: TEvent, context: Partial<Context>) => Promise<TResult>,
): (event?: TEvent, context?: Context) => Promise<TResult> {
  const wrapped = middy<TEvent, TResult>((event: TEvent, context: Context) =>
    handler(event, context),
  ).use(captureLambdaHandler(tracer));
  // middy puts {} in place of a missing event or context itself; the casts only say so.
  return (event, context) => wrapped(event ?? ({} as TEvent), context ?? ({} as Context));
}
