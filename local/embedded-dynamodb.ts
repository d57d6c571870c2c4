/** dynalite on a loopback port: the local stack's DynamoDB, in memory or on disk, in this process or its own. */
import { spawn } from "node:child_process";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface EmbeddedDynamoDb {
  readonly endpoint: string;
  /** Closes the server and its LevelDB store (flushing it to disk). */
  stop(): Promise<void>;
}

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite ships no types: require it through a typed signature.
const dynalite = createRequire(import.meta.url)("dynalite") as (options: DynaliteOptions) => Server;

/**
 * Sees each DynamoDB call once it is answered: its operation (e.g. "BatchWriteItem"), JSON
 * request body and JSON response body.
 */
export type DynamoDbObserver = (operation: string, body: string, response: string) => void;

/** Starts dynalite; with `path` its data lives on disk there. Tables become ACTIVE at once. */
export async function startEmbeddedDynamoDb(
  options: { path?: string; port?: number; observer?: DynamoDbObserver } = {},
): Promise<EmbeddedDynamoDb> {
  const server = dynalite({
    ...(options.path === undefined ? {} : { path: options.path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const { observer } = options;
  if (observer !== undefined) {
    // Benchmarks count writes and capacity units here, where every DynamoDB call passes.
    server.prependListener("request", (request, response) => {
      const operation = String(request.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      const end = response.end.bind(response) as (...args: unknown[]) => typeof response;
      response.end = ((...args: unknown[]) => {
        const [data] = args;
        const answer = typeof data === "string" || Buffer.isBuffer(data) ? String(data) : "";
        observer(operation, Buffer.concat(chunks).toString("utf8"), answer);
        return end(...args);
      }) as typeof response.end;
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      ),
  };
}

/**
 * dynalite in a child process (local/dynamodb-process.ts), as the local stack runs it: the
 * stack's own memory is then the functions' alone. Stopped by stop(), and by the child itself
 * when this process dies.
 */
export async function startDynamoDbProcess(
  options: { path?: string; timeoutMs?: number; onExit?: (message: string) => void } = {},
): Promise<EmbeddedDynamoDb & { readonly pid: number }> {
  const script = join(dirname(fileURLToPath(import.meta.url)), "dynamodb-process.ts");
  const timeoutMs = options.timeoutMs ?? 30_000;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", script, ...(options.path === undefined ? [] : [options.path])],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let stopping = false;
  /** The end of what it printed: enough to say why it died. */
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4096);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      if (!stopping)
        options.onExit?.(`dynalite exited unexpectedly (${signal ?? code}):\n${output}`);
      resolve();
    }),
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      stopping = true;
      child.kill("SIGKILL");
      reject(new Error(`dynalite did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = () => {
      const line = /^\{"endpoint":"(http:\/\/127\.0\.0\.1:\d+)"\}$/m.exec(output);
      if (line?.[1] === undefined) return;
      clearTimeout(timer);
      child.stdout.off("data", onData);
      resolve(line[1]);
    };
    child.stdout.on("data", onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`dynalite exited before it started:\n${output}`));
    });
  });
  if (child.pid === undefined) throw new Error("dynalite's process has no pid");
  return {
    endpoint,
    pid: child.pid,
    stop: async () => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
