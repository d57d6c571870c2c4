/** An SQS ingest message: one Entry, or {ledger?, entries} exactly as POST /v1/entries takes. */
import { ZodError } from "zod";
import { type EntriesRequest, entriesRequestSchema } from "./entries-request.ts";

export function parseQueueMessage(body: string): EntriesRequest {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new ZodError([
      { code: "custom", path: [], message: `not JSON: ${(error as Error).message}`, input: body },
    ]);
  }
  const single =
    typeof value === "object" && value !== null && "kind" in value && !("entries" in value);
  return entriesRequestSchema.parse(single ? { entries: [value] } : value);
}
