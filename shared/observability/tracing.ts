/**
 * AWS X-Ray tracing through Powertools Tracer: a segment per invocation (with ColdStart and
 * Service annotations, an error as metadata, never the response) and a subsegment per AWS SDK call.
 *
 * Tracer is loaded only where it traces (in Lambda, unless POWERTOOLS_TRACE_ENABLED=false, the
 * rule Tracer applies itself). Loading it is not free: the X-Ray SDK turns on Node's async
 * hooks for its context, which slows every promise in the process (a tight await loop ran ~15×
 * slower here, and the local stack's integrate ~30% slower), so tests and `npm start` never
 * load it, and a deployment can turn it off.
 */
import middy, { type MiddlewareObj } from "@middy/core";
import type { Context } from "aws-lambda";
import type { ClientOptions } from "../wiring.ts";

export interface Tracing {
  /** For shared/wiring.ts: each AWS SDK client it builds is captured (a subsegment per call). */
  readonly clients: ClientOptions;
  /** The handler's segment (Powertools' captureLambdaHandler), or nothing when off. */
  readonly middleware: MiddlewareObj;
}

// middy refuses a middleware without a hook, hence the empty `before`.
const OFF: Tracing = { clients: {}, middleware: { before: () => undefined } };

/** Whether Tracer would trace in this environment (Lambda, and not turned off). */
export function tracingWanted(env: Readonly<Record<string, string | undefined>>): boolean {
  const inLambda = (env.AWS_EXECUTION_ENV ?? "") !== "";
  return inLambda && env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== "false";
}

/** Tracing for one function, at cold start; `env` is the function's environment. */
export async function startTracing(
  env: Readonly<Record<string, string | undefined>>,
): Promise<Tracing> {
  if (!tracingWanted(env)) return OFF;
  const [{ Tracer }, { captureLambdaHandler }] = await Promise.all([
    import("@aws-lambda-powertools/tracer"),
    import("@aws-lambda-powertools/tracer/middleware"),
  ]);
  const tracer = new Tracer({ serviceName: "stele" });
  return {
    clients: { instrument: (client) => tracer.captureAWSv3Client(client) },
    // Not the response as segment metadata (Powertools' default): it is retained content in
    // plain text (GET …/content), a webhook's signing secret (PUT /v1/webhook), tenants' data.
    middleware: captureLambdaHandler(tracer, { captureResponse: false }),
  };
}

/**
 * `handler` run inside the tracing middleware. The result may be called without an event or a
 * context, as the local stack and tests do: the handler then gets `{}` for them.
 */
export function traced<TEvent, TResult>(
  tracing: Tracing,
  handler: (event: TEvent, context: Partial<Context>) => Promise<TResult>,
): (event?: TEvent, context?: Context) => Promise<TResult> {
  const wrapped = middy<TEvent, TResult>((event: TEvent, context: Context) =>
    handler(event, context),
  ).use(tracing.middleware);
  // middy puts {} in place of a missing event or context itself; the casts only say so.
  return (event, context) => wrapped(event ?? ({} as TEvent), context ?? ({} as Context));
}
