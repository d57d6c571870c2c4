// GET /v1/ledgers/{ledger}/checkpoints as its use case serves it from DynamoDbStore, on both
// backends: every published checkpoint oldest first, page by page, with its standing anchors.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { DynamoDbStore } from "../../shared/adapters/dynamodb/dynamodb-store.ts";
import { listCheckpoints } from "../../shared/app/list-checkpoints.ts";
import { InvalidArgumentError, NotFoundError } from "../../shared/domain/errors.ts";
import type { AnchorRecord, AnchorStatus } from "../../shared/ports/anchor-store.ts";
import type { StoredCheckpoint } from "../../shared/ports/log-store.ts";
import { describeEachBackend } from "../support/dynamodb/backends.ts";

const LEDGER = "listed";
const CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

function checkpointOf(treeSize: number): StoredCheckpoint {
  const rootHash = createHash("sha256").update(`${LEDGER}/${treeSize}`).digest("hex");
  return {
    origin: `stele.test/${LEDGER}`,
    treeSize,
    rootHash,
    body: `stele.test/${LEDGER}\n${treeSize}\n${rootHash}\n`,
    signature: { algorithm: "eip191-secp256k1", signer: "0x01", value: `0x${treeSize}` },
  };
}

function anchorRecord(
  chainId: number,
  treeSize: number,
  attempt: number,
  status: AnchorStatus,
): AnchorRecord {
  const txHash = `0x${(chainId * 1000 + treeSize * 10 + attempt).toString(16).padStart(64, "0")}`;
  return {
    ledger: LEDGER,
    chainId,
    treeSize,
    rootHash: checkpointOf(treeSize).rootHash,
    contract: CONTRACT,
    attempt,
    status,
    nonce: treeSize,
    transactions: [],
    ...(status === "sending" || status === "sent"
      ? {}
      : {
          inclusion: {
            txHash,
            blockNumber: treeSize * 10,
            blockHash: `0x${"b2".repeat(32)}`,
            logIndex: 0,
          },
        }),
    updatedAtMs: 0,
  };
}

describeEachBackend("listCheckpoints", (table) => {
  const store = () => new DynamoDbStore({ client: table().client, tableName: table().tableName });
  const deps = () => ({ log: store(), anchors: { store: store(), chainIds: [31337, 5] } });

  test("pages through published checkpoints, oldest first, each with its standing anchors", async () => {
    const s = store();
    for (let size = 1; size <= 5; size++) {
      await s.putCheckpoint(LEDGER, checkpointOf(size));
      assert.ok(
        await s.advanceHead(size - 1, {
          ledger: LEDGER,
          treeSize: size,
          checkpoint: checkpointOf(size),
        }),
      );
    }
    // Stored by a run that has not moved the head yet: not published, not listed.
    await s.putCheckpoint(LEDGER, checkpointOf(6));
    for (const record of [
      anchorRecord(31337, 2, 0, "orphaned"),
      anchorRecord(31337, 2, 1, "final"),
      anchorRecord(31337, 4, 0, "included"),
      anchorRecord(5, 4, 0, "final"),
      anchorRecord(31337, 5, 0, "sending"),
    ]) {
      await s.putAnchor(record);
    }

    const first = await listCheckpoints(deps(), LEDGER, { limit: 2 });
    assert.deepEqual(
      first.checkpoints.map((c) => c.treeSize),
      [1, 2],
    );
    assert.equal(first.next, 2);
    assert.deepEqual(first.checkpoints[1]?.anchors, [
      {
        chainId: 31337,
        contract: CONTRACT,
        txHash: anchorRecord(31337, 2, 1, "final").inclusion?.txHash,
        blockNumber: 20,
        blockHash: `0x${"b2".repeat(32)}`,
        logIndex: 0,
        status: "final",
        treeSize: 2,
        rootHash: checkpointOf(2).rootHash,
      },
    ]);
    const second = await listCheckpoints(deps(), LEDGER, { after: 2, limit: 2 });
    assert.deepEqual(
      second.checkpoints.map((c) => [c.treeSize, c.anchors.map((a) => `${a.chainId}:${a.status}`)]),
      [
        [3, []],
        [4, ["31337:included", "5:final"]],
      ],
    );
    assert.equal(second.next, 4);
    const last = await listCheckpoints(deps(), LEDGER, { after: 4, limit: 2 });
    assert.deepEqual(
      last.checkpoints.map((c) => [c.treeSize, c.anchors.length]),
      [[5, 0]],
    );
    assert.equal(last.next, null);
    // A full page that ends at the head is the last one too.
    assert.equal((await listCheckpoints(deps(), LEDGER, { after: 3, limit: 2 })).next, null);
    assert.deepEqual(await listCheckpoints(deps(), LEDGER, { after: 5 }), {
      checkpoints: [],
      next: null,
    });
    const all = await listCheckpoints(deps(), LEDGER);
    assert.deepEqual(
      all.checkpoints.map((c) => c.treeSize),
      [1, 2, 3, 4, 5],
    );
    assert.deepEqual(all.checkpoints[0], { ...checkpointOf(1), anchors: [] });
  });

  test("refuses a bad after or limit by name, and a ledger without checkpoints", async () => {
    const refused = async (query: { after?: number; limit?: number }) => {
      const error = await listCheckpoints(deps(), LEDGER, query).catch((e: unknown) => e);
      assert.ok(error instanceof InvalidArgumentError, String(error));
      return (error.context.errors as { path: string }[]).map((e) => e.path);
    };
    assert.deepEqual(await refused({ limit: 0 }), ["limit"]);
    assert.deepEqual(await refused({ limit: 1001 }), ["limit"]);
    assert.deepEqual(await refused({ after: -1 }), ["after"]);
    assert.deepEqual(await refused({ after: Number.MAX_SAFE_INTEGER, limit: 0.5 }), [
      "after",
      "limit",
    ]);
    await assert.rejects(listCheckpoints(deps(), "never-written"), NotFoundError);
  });
});
