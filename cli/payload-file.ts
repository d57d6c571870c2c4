/** A transaction payload file: one JSON object. */
import { readFile } from "node:fs/promises";
import { UsageError } from "./usage-error.ts";

export async function readPayloadFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read payload ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`payload ${path} is not JSON: ${(error as Error).message}`);
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new UsageError(`payload ${path} must hold one JSON object`);
  }
  return payload as Record<string, unknown>;
}
