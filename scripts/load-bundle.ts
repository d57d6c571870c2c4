/**
 * Loads a function bundle as Lambda would: in a fresh plain `node` process (no tsx, none of the
 * project's files but the bundle), with only the environment the function has in AWS: what the
 * stack gives it and what the Lambda runtime sets.
 * Used by test/infra/bundles.test.ts and bench/lambda.ts.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { FUNCTIONS, type FunctionName, NODE_TARGET } from "../infra/catalog.ts";

const run = promisify(execFile);

/**
 * The child: counts every outgoing connection (net and tls sockets, hence fetch and the AWS SDK),
 * times `import()` of the bundle, waits `settleMs` for anything the import started to fail, then
 * optionally calls the handler with an event. Plain JavaScript: the child has no tsx.
 */
const PROBE = `
import net from "node:net";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [bundle, settleMs, eventFile, contextJson, timeoutMs] = process.argv.slice(1);
const connects = [];
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect() passes its normalized arguments as one array.
  const [first, second] = Array.isArray(args[0]) ? args[0] : args;
  connects.push(typeof first === "object" && first !== null ? (first.path ?? String(first.host) + ":" + String(first.port)) : String(second ?? "localhost") + ":" + String(first));
  return connect.apply(this, args);
};
const errors = [];
const describe = (error) => (error instanceof Error ? (error.stack ?? error.message) : String(error));
process.on("uncaughtException", (error) => errors.push("uncaught: " + describe(error)));
process.on("unhandledRejection", (error) => errors.push("unhandled rejection: " + describe(error)));
let module_;
const started = performance.now();
try {
  module_ = await import(pathToFileURL(bundle).href);
} catch (error) {
  errors.push("import: " + describe(error));
}
const initMs = performance.now() - started;
await new Promise((resolve) => setTimeout(resolve, Number(settleMs)));
const connectsAtInit = connects.length;
let result;
if (eventFile !== "" && typeof module_?.handler === "function") {
  const deadline = Date.now() + Number(timeoutMs);
  const context = {
    ...JSON.parse(contextJson),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {}, fail() {}, succeed() {},
  };
  try {
    result = await module_.handler(JSON.parse(readFileSync(eventFile, "utf8")), context);
  } catch (error) {
    errors.push("handler: " + describe(error));
  }
}
process.stdout.write("\\n" + JSON.stringify({ handlerType: typeof module_?.handler, initMs, connects: connects.slice(0, connectsAtInit), errors, result }) + "\\n", () => process.exit(0));
`;

export interface BundleLoad {
  /** `typeof` the module's `handler` export ("undefined" when the import failed). */
  readonly handlerType: string;
  /** `import()` of the bundle: parsing, evaluation and the module's top-level init. */
  readonly initMs: number;
  /** Connections opened during the import and the settle time after it (`host:port`). */
  readonly connects: readonly string[];
  /** A failed import, an uncaught exception or rejection, a handler that threw. */
  readonly errors: readonly string[];
  /** What the handler returned, when an event was given. */
  readonly result?: unknown;
  /** Everything the child wrote to stderr (logs, warnings). */
  readonly stderr: string;
}

/** Dummy KMS key ids and credentials: nothing may call AWS while a bundle loads. */
const AWS_ENV = {
  AWS_REGION: "eu-central-1",
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  AWS_SESSION_TOKEN: "bundle-test",
  // The machines here run Node 20; Lambda runs NODE_TARGET, where the SDK has nothing to say.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};

/**
 * The smallest environment `name` starts with in AWS: its table, origin prefix and KMS key ids
 * (dummies), and for the anchorer one chain whose endpoint nothing listens on (port 9, discard),
 * so that a connection made at import would fail.
 */
export function minimalEnv(name: FunctionName): Record<string, string> {
  const functionName = `stele-${name}`;
  const chains =
    name === "anchor-checkpoints"
      ? [
          {
            chainId: 11155111,
            rpcUrls: ["http://127.0.0.1:9"],
            contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
          },
        ]
      : [];
  return {
    ...AWS_ENV,
    // What the Lambda runtime itself sets (Powertools reads these: the tracer is on in Lambda).
    AWS_EXECUTION_ENV: `AWS_Lambda_${NODE_TARGET.replace("node", "nodejs")}.x`,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(FUNCTIONS[name].memoryMb),
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: "2024/11/14/[$LATEST]0123456789abcdef0123456789abcdef",
    AWS_XRAY_DAEMON_ADDRESS: "169.254.79.129:2000",
    AWS_XRAY_CONTEXT_MISSING: "LOG_ERROR",
    // An unsampled trace: the tracer records nothing and sends nothing to the daemon.
    _X_AMZN_TRACE_ID: "Root=1-6745f0a7-0d8e7f2a4b6c9d1e3f5a7b8c;Parent=53995c3f42cd8ad8;Sampled=0",
    _HANDLER: "index.handler",
    TZ: ":UTC",
    STELE_TABLE_NAME: "stele-bundle-test",
    STELE_ORIGIN_PREFIX: "stele.example",
    STELE_CHECKPOINT_SIGNER: "kms",
    STELE_CHECKPOINT_KEY_ID: "arn:aws:kms:eu-central-1:123456789012:key/checkpoint-dummy",
    STELE_ANCHOR_SIGNER: "kms",
    STELE_ANCHOR_KEY_ID: "arn:aws:kms:eu-central-1:123456789012:key/anchor-dummy",
    STELE_CHAINS: JSON.stringify(chains),
  };
}

/** The data fields of a Lambda context for `name` (its methods are added where it is used). */
export function lambdaContextFields(name: FunctionName, region = "eu-central-1") {
  const functionName = `stele-${name}`;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${region}:123456789012:function:${functionName}`,
    memoryLimitInMB: String(FUNCTIONS[name].memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll("-", "/")}/[$LATEST]local`,
  };
}

export interface LoadOptions {
  readonly env: Record<string, string>;
  /** Wait this long after the import before reporting (lets a call started at import fail). */
  readonly settleMs?: number;
  /** An event file to call the handler with. */
  readonly eventFile?: string;
}

/** Imports `file` (an index.mjs) in a fresh `node`, with exactly `options.env`. */
export async function loadBundle(
  name: FunctionName,
  file: string,
  options: LoadOptions,
): Promise<BundleLoad> {
  const { stdout, stderr } = await run(
    process.execPath,
    [
      "--input-type=module",
      "--eval",
      PROBE,
      file,
      String(options.settleMs ?? 0),
      options.eventFile ?? "",
      JSON.stringify(lambdaContextFields(name)),
      String(FUNCTIONS[name].timeoutSeconds * 1000),
    ],
    { env: options.env, timeout: FUNCTIONS[name].timeoutSeconds * 1000 + 10_000 },
  );
  // The report is the last line: a bundle may print to stdout while it loads.
  const report = stdout.trimEnd().split("\n").at(-1) ?? "";
  return { ...(JSON.parse(report) as Omit<BundleLoad, "stderr">), stderr };
}
