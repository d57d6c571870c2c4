// kill -9 in the middle of sustained submission and integration, then a restart on the same
// data dir: every acknowledged entry gets a bundle that verifies, no entry holds two leaves, and
// every subject's history holds each of its acknowledged events once, its links chained.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { verifyBundle } from "../../shared/app/verify-bundle.ts";
import { parseBundle } from "../../shared/domain/proof/bundle-codec.ts";
import type { SubjectLinkPayload } from "../../shared/domain/subjects/subject-link.ts";
import { type AcknowledgedEntry, assertSubjectHistory } from "../support/faults/log-invariants.ts";
import { ApiClient } from "../support/local/api-client.ts";
import { startStackProcess } from "../support/local/stack-process.ts";

/** A few subjects that every worker's batches keep adding events to. */
const SUBJECTS = ["lot-a", "lot-b", "lot-c"];

// Submits as fast as the stack takes it: no throttling in front (local/rate-limit.ts).
const STACK_ENV = { STELE_INTEGRATE_INTERVAL_MS: "50", STELE_RATE_LIMIT_PER_SEC: "0" };

/** Submits batches from `workers` loops until `stopped()`; returns what the API acknowledged (202). */
async function submitUntil(
  api: ApiClient,
  stopped: () => boolean,
  workers: number,
): Promise<AcknowledgedEntry[]> {
  const acknowledged: AcknowledgedEntry[] = [];
  const loop = async () => {
    while (!stopped()) {
      const size = 1 + Math.floor(Math.random() * 20);
      const entries = Array.from({ length: size }, (_, i) => ({
        kind: "document",
        contentHash: randomBytes(32).toString("hex"),
        // About one entry in three is an event of a subject.
        ...(i % 3 === 0 ? { subject: SUBJECTS[Math.floor(Math.random() * SUBJECTS.length)] } : {}),
      }));
      try {
        const response = await api.request<{ entries: AcknowledgedEntry[] }>(
          "POST",
          "/v1/entries",
          {
            body: { entries },
          },
        );
        if (response.status === 202) acknowledged.push(...response.body.entries);
      } catch {
        // The stack was killed mid-request: that request was never acknowledged.
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
  return acknowledged;
}

async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}

test("no acknowledged entry is lost or doubled across kill -9", async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), "stele-crash-"));
  t.after(() => rm(dataDir, { recursive: true, force: true }));

  const acknowledged: AcknowledgedEntry[] = [];
  for (let round = 0; round < 2; round++) {
    const stack = await startStackProcess({ ...STACK_ENV, STELE_DATA_DIR: dataDir });
    const api = new ApiClient(stack.url, stack.apiKey);
    let killed = false;
    const submitting = submitUntil(api, () => killed, 2);
    // Let submission and integration overlap, then pull the plug at an arbitrary moment.
    await new Promise((resolve) => setTimeout(resolve, 1000 + Math.random() * 1000));
    await stack.kill();
    killed = true;
    acknowledged.push(...(await submitting));
  }
  assert.ok(acknowledged.length > 100, `only ${acknowledged.length} entries were acknowledged`);
  t.diagnostic(`${acknowledged.length} entries acknowledged across two kill -9`);

  const stack = await startStackProcess({ ...STACK_ENV, STELE_DATA_DIR: dataDir });
  t.after(() => stack.stop());
  const api = new ApiClient(stack.url, stack.apiKey);
  const signer = (
    await api.request<{ checkpointSigner: string }>("GET", "/v1/log", { auth: false })
  ).body.checkpointSigner;

  const leaves = await mapConcurrently(acknowledged, 8, async (entry) => {
    const bundle = parseBundle(await api.waitForProof(entry.id, 60_000));
    assert.equal(bundle.entry.contentHash, entry.contentHash);
    const verdict = await verifyBundle(bundle, { trustedSigner: signer });
    assert.equal(verdict.valid, true, JSON.stringify(verdict.failure));
    const found = await api.request<{ entries: { id: string }[] }>(
      "GET",
      `/v1/proofs?contentHash=${entry.contentHash}`,
    );
    // An entry sequenced twice would be indexed under two leaves.
    assert.deepEqual(
      found.body.entries.map((e) => e.id),
      [entry.id],
      `entry ${entry.id} is in the log ${found.body.entries.length} times`,
    );
    return bundle.leafIndex;
  });
  assert.equal(new Set(leaves).size, leaves.length, "two acknowledged entries share a leaf");

  for (const subject of SUBJECTS) {
    const events: { id: string; link: { leafIndex: number; payload: SubjectLinkPayload } }[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const query: string = cursor === "" ? "" : `&cursor=${cursor}`;
      const page = await api.request<{ entries: typeof events; next: string | null }>(
        "GET",
        `/v1/subjects/${subject}/entries?limit=1000${query}`,
      );
      assert.equal(page.status, 200, JSON.stringify(page.body));
      events.push(...page.body.entries);
      cursor = page.body.next;
    }
    assertSubjectHistory(subject, events, acknowledged);
  }
  const ids = new Set(acknowledged.map((entry) => entry.id));
  assert.equal(ids.size, acknowledged.length, "an id was handed out twice");
});
