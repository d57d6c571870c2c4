/** dynalite in-process on a loopback port: the local stack's DynamoDB, in memory or on disk. */
import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";

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
