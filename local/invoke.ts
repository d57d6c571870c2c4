/**
 * `npm run invoke -- <function> <event.json>`: runs one function's handler on this machine with
 * a sample event, against the backends of the running local stack (`npm start`): its DynamoDB,
 * its dev keys, its chain, read from `<data dir>/local-env.json`. `REPLACE_WITH_API_KEY` in the
 * event becomes the stack's API key. Prints the handler's result as JSON on stdout; the
 * handler's logs go to stderr (in Lambda they go to CloudWatch).
 *
 * Exit 0: the handler returned; 1: it threw (or timed out); 2: nothing was invoked (usage, or no
 * local stack).
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Context } from "aws-lambda";
import { FUNCTION_NAMES, FUNCTIONS, type FunctionName } from "../infra/catalog.ts";
import { lambdaContextFields } from "../scripts/load-bundle.ts";
import { LocalStackNotRunningError, readLocalEnv } from "./local-env.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const USAGE = `usage: npm run invoke -- <function> <event.json>
  function   ${FUNCTION_NAMES.join(", ")}
  event      a sample event, e.g. events/http/get-health.json (see events/README.md)
  STELE_DATA_DIR (default .stele) is the data dir of the running local stack (npm start)`;

/** Thrown before anything is invoked: exit 2 with this message. */
class InvokeUsageError extends Error {
  override name = "InvokeUsageError";
}

function isFunctionName(name: string): name is FunctionName {
  return (FUNCTION_NAMES as string[]).includes(name);
}

async function readEvent(path: string, apiKey: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new InvokeUsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    // As the tests do: the sample events carry a placeholder where a stored key goes.
    return JSON.parse(text.replaceAll("REPLACE_WITH_API_KEY", apiKey));
  } catch (error) {
    throw new InvokeUsageError(`${path} is not JSON: ${(error as Error).message}`);
  }
}

/** The stack's DynamoDB answers (any HTTP answer will do) within a second, or the stack is gone. */
async function assertAnswers(endpoint: string, dataDir: string): Promise<void> {
  try {
    await fetch(endpoint, { method: "GET", signal: AbortSignal.timeout(1000) });
  } catch (error) {
    throw new LocalStackNotRunningError(dataDir, `its DynamoDB ${endpoint} does not answer`, {
      cause: error,
    });
  }
}

function lambdaContext(name: FunctionName, region: string): Context {
  const deadline = Date.now() + FUNCTIONS[name].timeoutSeconds * 1000;
  const unsupported = () => {
    throw new Error("callback-style context methods are not supported: return a result");
  };
  return {
    ...lambdaContextFields(name, region),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** Rejects as Lambda ends an invocation that outlives the function's timeout. */
function timeout(name: FunctionName): Promise<never> {
  const seconds = FUNCTIONS[name].timeoutSeconds;
  return new Promise((_, reject) => {
    setTimeout(
      () => reject(new Error(`Task timed out after ${seconds} seconds`)),
      seconds * 1000,
    ).unref();
  });
}

async function invoke(args: string[]): Promise<unknown> {
  const [name, eventPath, ...rest] = args;
  if (name === undefined || eventPath === undefined || rest.length > 0)
    throw new InvokeUsageError(USAGE);
  if (!isFunctionName(name)) throw new InvokeUsageError(`no function ${name}\n${USAGE}`);

  const dataDir = resolve(process.env.STELE_DATA_DIR ?? ".stele");
  const local = await readLocalEnv(dataDir);
  const endpoint = local.env.STELE_DYNAMODB_ENDPOINT;
  if (endpoint === undefined)
    throw new LocalStackNotRunningError(dataDir, "no STELE_DYNAMODB_ENDPOINT in local-env.json");
  await assertAnswers(endpoint, dataDir);
  const event = await readEvent(resolve(eventPath), local.apiKey);

  // The function reads its configuration at import, as at a Lambda cold start: set it first.
  // Powertools settings of the caller's own (POWERTOOLS_LOG_LEVEL=INFO) win over the stack's.
  for (const [variable, value] of Object.entries(local.env)) {
    if (!variable.startsWith("POWERTOOLS_") || process.env[variable] === undefined)
      process.env[variable] = value;
  }
  const module = (await import(pathToFileURL(join(root, FUNCTIONS[name].entry)).href)) as {
    handler?: unknown;
  };
  const handler = module.handler;
  if (typeof handler !== "function") throw new Error(`${FUNCTIONS[name].entry} has no handler`);
  const context = lambdaContext(name, process.env.AWS_REGION ?? "us-east-1");
  return Promise.race([
    (handler as (e: unknown, c: Context) => unknown)(event, context),
    timeout(name),
  ]);
}

// stdout carries the result alone (pipe it to jq); whatever else writes to stdout — the handler's
// Powertools logs — goes to stderr.
const writeResult = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
// The AWS SDK's notice that Node 20 support ends in 2027 (Lambda runs Node 22).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

try {
  const result = await invoke(process.argv.slice(2));
  // Exit when it is written: the SDK's keep-alive sockets would hold the process open.
  writeResult(`${JSON.stringify(result ?? null, null, 2)}\n`, () => process.exit(0));
} catch (error) {
  if (error instanceof InvokeUsageError || error instanceof LocalStackNotRunningError) {
    process.stderr.write(`stele invoke: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `stele invoke: ${process.argv[2]} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
