// Requests tests make of a running stack, in a user's words: submit some documents, wait for a
// checkpoint of some size.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";

export interface StackAddress {
  readonly url: string;
  readonly apiKey: string;
}

/** POSTs `count` documents by random hash to the default ledger; asserts the 202. */
export async function postRandomDocuments(stack: StackAddress, count: number): Promise<void> {
  const response = await fetch(`${stack.url}/v1/entries`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({
      entries: Array.from({ length: count }, () => ({
        kind: "document",
        contentHash: randomBytes(32).toString("hex"),
      })),
    }),
  });
  assert.equal(response.status, 202, await response.text());
}

/**
 * Waits (60 s at most) until the default ledger's latest checkpoint covers `treeSize` leaves;
 * with `query` `?anchored=true`, its latest anchored one.
 */
export async function waitForCheckpoint(
  stack: StackAddress,
  treeSize: number,
  query = "",
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await fetch(`${stack.url}/v1/ledgers/default/checkpoint${query}`);
    const body = (await response.json()) as { treeSize?: number };
    if (response.status === 200 && (body.treeSize ?? 0) >= treeSize) return;
    assert.ok(Date.now() < deadline, `no checkpoint${query} of ${treeSize} leaves in 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
