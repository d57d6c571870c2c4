// Runs one suite against both DynamoDB backends: AWS's DynamoDB Local (full fidelity) and
// dynalite (what the local stack embeds). Each suite starts its backend and gets a fresh table.
import { randomUUID } from "node:crypto";
import { after, before, describe } from "node:test";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createTable } from "../../../shared/adapters/dynamodb/table.ts";
import { type DynamoDbBackend, startDynalite } from "./dynalite.ts";
import { startDynamoDbLocal } from "./dynamodb-local.ts";

export type BackendName = "dynamodb-local" | "dynalite";
export const BACKENDS: readonly BackendName[] = ["dynamodb-local", "dynalite"];

// The SDK's documented switch for its "node >= 22 after January 2027" notice
// (aws/aws-sdk-js-v3#7983): tests run on Node 20 on purpose, so the notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export function startBackend(name: BackendName): Promise<DynamoDbBackend> {
  return name === "dynalite" ? startDynalite() : startDynamoDbLocal();
}

/** A client for a local backend: dummy credentials, and few retries so a fault shows quickly. */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 3,
  });
}

export interface TestTable {
  readonly backend: BackendName;
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

/** Starts `name`, creates a fresh table on it; stop() destroys the client and the backend. */
export async function openTestTable(
  name: BackendName,
): Promise<TestTable & { stop(): Promise<void> }> {
  const backend = await startBackend(name);
  const client = localClient(backend.endpoint);
  const tableName = `stele-test-${randomUUID().slice(0, 8)}`;
  try {
    await createTable(client, tableName);
  } catch (error) {
    client.destroy();
    await backend.stop();
    throw error;
  }
  return {
    backend: name,
    endpoint: backend.endpoint,
    client,
    tableName,
    stop: async () => {
      client.destroy();
      await backend.stop();
    },
  };
}

/**
 * `describe(title [backend])` once per backend; `suite` gets a getter for the table, which is
 * ready inside its tests. Both backends start at once, so the JVM warms up while dynalite runs.
 */
export function describeEachBackend(title: string, suite: (table: () => TestTable) => void): void {
  for (const name of BACKENDS) {
    const opening = openTestTable(name);
    // Keep an early failure from surfacing as an unhandled rejection; `before` reports it.
    opening.catch(() => {});
    describe(`${title} [${name}]`, () => {
      let table: (TestTable & { stop(): Promise<void> }) | undefined;
      before(async () => {
        table = await opening;
      });
      after(async () => {
        await (await opening.catch(() => undefined))?.stop();
      });
      suite(() => {
        if (table === undefined) throw new Error(`the ${name} table is not open`);
        return table;
      });
    });
  }
}
