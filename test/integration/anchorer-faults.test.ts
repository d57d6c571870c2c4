// The anchorer against a real EVM that misbehaves: reorgs, a stalled chain, fee spikes, an RPC
// endpoint that goes away, crashes around a broadcast and a nonce taken by another transaction.
// Whatever happens, every checkpoint it chose ends anchored exactly once on the canonical chain,
// its records point at canonical blocks and every bundle verifies, step 5 included.
import assert from "node:assert/strict";
import { after, before, type TestContext, test } from "node:test";
import { JsonRpcProvider, parseUnits, Transaction } from "ethers";
import type { Anchorer } from "../../shared/app/anchor-checkpoints.ts";
import type { AnchorRecord } from "../../shared/ports/anchor-store.ts";
import {
  ANCHOR_OPTIONS,
  type AnchorHarness,
  brief,
  CHAIN_ID,
  CONFIRMATIONS,
  FaultyChain,
  FEE_CEILING,
  REPLACE_AFTER_MS,
  type Scenario,
  SimulatedCrash,
  startAnchorHarness,
  TcpProxy,
} from "../support/chain/anchor-harness.ts";

let harness: AnchorHarness;

before(async () => {
  harness = await startAnchorHarness();
});

after(async () => {
  await harness?.stop();
});

/** The records of `treeSize`, newest attempt first. */
async function recordsOf(s: Scenario, treeSize: number, ledger = "default") {
  return (await s.records(ledger)).filter((r) => r.treeSize === treeSize);
}

async function onlyRecord(s: Scenario, treeSize: number): Promise<AnchorRecord> {
  const [record, ...others] = await recordsOf(s, treeSize);
  assert.ok(record !== undefined, `a record of ${treeSize}`);
  assert.equal(others.length, 0, `one record of ${treeSize}: ${[record, ...others].map(brief)}`);
  return record;
}

function nonceOf(rawTx: string): number {
  return Transaction.from(rawTx).nonce;
}

test("happy path: included, final after 2 confirmations; later checkpoints on later runs", async () => {
  const s = await harness.scenario();
  const anchorer = s.anchorer();
  assert.equal(await s.addEntries(3), 3);
  assert.deepEqual(s.kinds(await s.run(anchorer)), ["sent:default@3"]);
  // Automine put it in a block at once; the next run sees it, with 1 confirmation.
  assert.deepEqual(s.kinds(await s.run(anchorer)), ["included:default@3"]);
  assert.deepEqual(s.kinds(await s.run(anchorer)), []);
  await s.mine();
  assert.deepEqual(s.kinds(await s.run(anchorer)), ["final:default@3"]);
  assert.deepEqual(s.kinds(await s.run(anchorer)), []);
  await s.assertInvariants();

  // Two ledgers with new checkpoints in one run: consecutive nonces, both anchored.
  assert.equal(await s.addEntries(2), 5);
  assert.equal(await s.addEntries(4, "second"), 4);
  assert.deepEqual(s.kinds(await s.run(anchorer)).sort(), ["sent:default@5", "sent:second@4"]);
  await s.settle(anchorer);
  await s.assertInvariants();
  assert.equal(await s.addEntries(1), 6);
  await s.settle(anchorer);
  await s.assertInvariants();
  const records = [...(await s.records()), ...(await s.records("second"))];
  assert.deepEqual(records.map((r) => r.nonce).sort(), [0, 1, 2, 3]);
  assert.ok(records.every((r) => r.status === "final" && r.attempt === 0));
});

/**
 * Anchors a checkpoint on top of a settled older one, lets the anchorer see it `depth` blocks
 * deep (included at depth 1, final from 2), then reorganises those blocks away: the chain is
 * back at the fork, with nothing mined on it yet. The lost blocks are recorded in `s`.
 */
async function anchorThenReorg(s: Scenario, anchorer: Anchorer, depth: number) {
  // An older anchor below the fork, which the reorg leaves standing.
  await s.addEntries(2);
  await s.settle(anchorer);
  const size = await s.addEntries(3);
  const snapshot: string = await s.provider.send("evm_snapshot", []);
  const forkHeight = await s.provider.getBlockNumber();
  assert.deepEqual(s.kinds(await s.run(anchorer)), [`sent:default@${size}`]);
  for (let i = 1; i < depth; i++) {
    await s.run(anchorer);
    await s.mine();
  }
  await s.run(anchorer);
  const anchored = await onlyRecord(s, size);
  assert.equal(anchored.status, depth >= CONFIRMATIONS ? "final" : "included");
  const old = anchored.inclusion;
  const [tx] = anchored.transactions;
  assert.ok(old !== undefined && tx !== undefined);
  const head = await s.provider.getBlockNumber();
  assert.equal(head - forkHeight, depth, "the blocks the reorg takes away");
  for (let n = forkHeight + 1; n <= head; n++) {
    const hash = (await s.provider.getBlock(n))?.hash;
    if (hash) s.lose(hash);
  }
  assert.equal(await s.provider.send("evm_revert", [snapshot]), true);
  return { size, old, tx };
}

test("a reorg of depth 1 to 5 orphans the anchor, which is redone; no bundle claims the lost block", async (t) => {
  for (let depth = 1; depth <= 5; depth++) {
    await t.test(`depth ${depth}`, async () => {
      const s = await harness.scenario();
      const anchorer = s.anchorer();
      const { size, old } = await anchorThenReorg(s, anchorer, depth);
      await s.mine(depth + 1); // other blocks, past the old height
      assert.equal(await s.isCanonical(old.blockNumber, old.blockHash), false);
      assert.deepEqual(s.kinds(await s.run(anchorer)), [
        `orphaned:default@${size}`,
        `sent:default@${size}`,
      ]);
      await s.settle(anchorer);
      await s.assertInvariants();
      const [again, orphaned, ...rest] = await recordsOf(s, size);
      assert.equal(rest.length, 0);
      assert.equal(orphaned?.status, "orphaned");
      assert.equal(orphaned?.inclusion?.blockHash, old.blockHash);
      assert.equal(again?.status, "final");
      assert.equal(again?.attempt, 1);
      assert.notEqual(again?.inclusion?.blockHash, old.blockHash);
    });
  }

  // On a real chain the new branch often holds the same transaction, in another block.
  for (const depth of [1, 3]) {
    await t.test(`depth ${depth}, the new chain mines the same transaction again`, async () => {
      const s = await harness.scenario();
      const anchorer = s.anchorer();
      const { size, old, tx } = await anchorThenReorg(s, anchorer, depth);
      await s.mine();
      await s.provider.send("eth_sendRawTransaction", [tx.rawTx]);
      await s.mine(depth);
      const moved = await s.provider.getTransactionReceipt(tx.txHash);
      assert.ok(moved !== null && moved.blockHash !== old.blockHash);
      const seen = s.events.length;
      await s.settle(anchorer);
      await s.assertInvariants();
      const after = s.kinds(s.events.slice(seen));
      assert.ok(after.includes(`included:default@${size}`), `${after}`);
      assert.ok(!after.includes(`orphaned:default@${size}`), `${after}`);
      const record = await onlyRecord(s, size);
      assert.equal(record.inclusion?.txHash, tx.txHash);
      assert.equal(record.inclusion?.blockHash, moved.blockHash);
    });
  }

  // geth puts the transactions of dropped blocks back in its pool: the old one may be mined late.
  await t.test("depth 2, the transaction returns to the mempool and is mined later", async () => {
    const s = await harness.scenario();
    const anchorer = s.anchorer();
    const { size, tx } = await anchorThenReorg(s, anchorer, 2);
    await s.mine(3); // cheaper blocks: the new attempt bids less than the old transaction
    await s.setAutomine(false);
    await s.provider.send("eth_sendRawTransaction", [tx.rawTx]);
    assert.deepEqual(s.kinds(await s.run(anchorer)), [
      `orphaned:default@${size}`,
      `sent:default@${size}`,
    ]);
    await s.mine();
    assert.notEqual(await s.provider.getTransactionReceipt(tx.txHash), null, "the old one mined");
    await s.resume();
    await s.settle(anchorer);
    await s.assertInvariants();
    const [again, orphaned] = await recordsOf(s, size);
    assert.equal(orphaned?.status, "orphaned");
    assert.equal(again?.attempt, 1);
    assert.equal(again?.inclusion?.txHash, tx.txHash, "the new attempt found the old one mined");
  });
});

test("a reorg drops two ledgers' anchors and their transactions return to the pool: each nonce goes back to its own checkpoint", async () => {
  const s = await harness.scenario();
  const anchorer = s.anchorer();
  await s.addEntries(2);
  await s.addEntries(2, "second");
  await s.settle(anchorer);
  const a = await s.addEntries(3);
  const b = await s.addEntries(3, "second");
  const snapshot: string = await s.provider.send("evm_snapshot", []);
  await s.setAutomine(false);
  assert.deepEqual(s.kinds(await s.run(anchorer)), [`sent:default@${a}`, `sent:second@${b}`]);
  await s.mine();
  assert.deepEqual(s.kinds(await s.run(anchorer)), [
    `included:default@${a}`,
    `included:second@${b}`,
  ]);
  const [oldA] = await recordsOf(s, a);
  const [oldB] = await recordsOf(s, b, "second");
  assert.ok(oldA?.inclusion !== undefined && oldB?.inclusion !== undefined);
  s.lose(oldA.inclusion.blockHash);
  assert.equal(await s.provider.send("evm_revert", [snapshot]), true);
  await s.mine(3); // cheaper blocks: the new attempts bid less than the old transactions
  const oldTxs = [oldA, oldB].map((record) => record.transactions[0]);
  for (const tx of oldTxs) await s.provider.send("eth_sendRawTransaction", [tx?.rawTx]);
  // A new ledger, listed before both: without care it would take the first freed nonce.
  const c = await s.addEntries(1, "aaa");
  assert.deepEqual(s.kinds(await s.run(anchorer)), [
    `orphaned:default@${a}`,
    `orphaned:second@${b}`,
    `sent:default@${a}`,
    `sent:second@${b}`,
    `sent:aaa@${c}`,
  ]);
  const [againA] = await recordsOf(s, a);
  const [againB] = await recordsOf(s, b, "second");
  assert.deepEqual([againA?.nonce, againB?.nonce], [oldA.nonce, oldB.nonce]);
  const pending = await s.pendingHashes();
  for (const tx of oldTxs) assert.ok(pending.includes(tx?.txHash.toLowerCase() ?? ""), "old kept");
  await s.resume();
  await s.settle(anchorer);
  await s.assertInvariants();
  // The old transactions were mined, and are the records' anchors.
  assert.equal((await recordsOf(s, a))[0]?.inclusion?.txHash, oldTxs[0]?.txHash);
  assert.equal((await recordsOf(s, b, "second"))[0]?.inclusion?.txHash, oldTxs[1]?.txHash);
});

test("new checkpoints keep to the anchor interval; an orphaned one is anchored again at once", async () => {
  const s = await harness.scenario();
  const anchorer = s.anchorer(s.chain, { ...ANCHOR_OPTIONS, minAnchorIntervalMs: 10_000 });
  const first = await s.addEntries(2);
  assert.deepEqual(s.kinds(await s.run(anchorer)), [`sent:default@${first}`]);
  const second = await s.addEntries(1);
  s.clock.advance(9_999);
  assert.deepEqual(s.kinds(await s.run(anchorer)), [`included:default@${first}`]);
  s.clock.advance(1);
  assert.deepEqual(s.kinds(await s.run(anchorer)), [`sent:default@${second}`]);

  const snapshot: string = await s.provider.send("evm_snapshot", []);
  s.clock.advance(10_000);
  const third = await s.addEntries(1);
  assert.deepEqual(s.kinds(await s.run(anchorer)), [
    `final:default@${first}`,
    `included:default@${second}`,
    `sent:default@${third}`,
  ]);
  assert.deepEqual(s.kinds(await s.run(anchorer)), [
    `final:default@${second}`,
    `included:default@${third}`,
  ]);
  const lost = (await onlyRecord(s, third)).inclusion;
  assert.ok(lost !== undefined);
  s.lose(lost.blockHash);
  assert.equal(await s.provider.send("evm_revert", [snapshot]), true);
  await s.mine(2);
  // Well within the interval of its first anchor: the orphaned checkpoint goes out again now.
  assert.deepEqual(s.kinds(await s.run(anchorer)), [
    `orphaned:default@${third}`,
    `sent:default@${third}`,
  ]);
  await s.settle(anchorer);
  await s.assertInvariants();
});

test("a reorg before the anchorer saw the inclusion: the transaction is sent again", async () => {
  const s = await harness.scenario();
  const anchorer = s.anchorer();
  const size = await s.addEntries(2);
  const snapshot: string = await s.provider.send("evm_snapshot", []);
  assert.deepEqual(s.kinds(await s.run(anchorer)), [`sent:default@${size}`]);
  const [first] = (await onlyRecord(s, size)).transactions;
  const mined = await s.provider.getTransactionReceipt(first?.txHash ?? "");
  assert.ok(mined !== null);
  s.lose(mined.blockHash);
  assert.equal(await s.provider.send("evm_revert", [snapshot]), true);
  await s.mine(2);
  // Not mined any more, and its nonce is free: it waits, then goes out again with higher fees.
  assert.deepEqual(s.kinds(await s.run(anchorer)), []);
  s.clock.advance(REPLACE_AFTER_MS);
  assert.deepEqual(s.kinds(await s.run(anchorer)), [`replaced:default@${size}`]);
  await s.settle(anchorer);
  await s.assertInvariants();
  const record = await onlyRecord(s, size);
  assert.equal(record.inclusion?.txHash, record.transactions[1]?.txHash);
});

test("a stalled chain: the transaction waits, is replaced with higher fees, and one of them is mined", async () => {
  const s = await harness.scenario();
  const anchorer = s.anchorer();
  await s.addEntries(2);
  await s.settle(anchorer);
  const size = await s.addEntries(3);
  await s.setAutomine(false);
  assert.deepEqual(s.kinds(await s.run(anchorer)), [`sent:default@${size}`]);
  const sent = await onlyRecord(s, size);
  const [first] = sent.transactions;
  assert.ok(first !== undefined);
  assert.deepEqual(await s.pendingHashes(), [first.txHash.toLowerCase()]);
  assert.equal(
    (await s.provider.send("eth_getTransactionByHash", [first.txHash]))?.blockNumber,
    null,
  );

  s.clock.advance(REPLACE_AFTER_MS - 1);
  assert.deepEqual(s.kinds(await s.run(anchorer)), [], "not stuck long enough yet");
  s.clock.advance(1);
  assert.deepEqual(s.kinds(await s.run(anchorer)), [`replaced:default@${size}`]);
  const replaced = await onlyRecord(s, size);
  assert.equal(replaced.status, "sent");
  const [, second] = replaced.transactions;
  assert.ok(second !== undefined && replaced.transactions.length === 2);
  assert.equal(nonceOf(second.rawTx), nonceOf(first.rawTx));
  assert.equal(nonceOf(second.rawTx), replaced.nonce);
  for (const fee of ["maxFeePerGas", "maxPriorityFeePerGas"] as const) {
    assert.ok(BigInt(second[fee]) * 8n >= BigInt(first[fee]) * 9n, `${fee} up by 12.5%`);
  }
  // The node keeps only the replacement.
  assert.deepEqual(await s.pendingHashes(), [second.txHash.toLowerCase()]);
  assert.equal(await s.provider.send("eth_getTransactionByHash", [first.txHash]), null);
  const pending = await s.provider.send("eth_getTransactionByHash", [second.txHash]);
  assert.equal(pending?.blockNumber, null);
  assert.equal(BigInt(pending?.maxFeePerGas), BigInt(second.maxFeePerGas));

  await s.resume();
  const receipts = await Promise.all(
    [first, second].map((tx) => s.provider.getTransactionReceipt(tx.txHash)),
  );
  assert.deepEqual(
    receipts.map((r) => r !== null),
    [false, true],
    "exactly one of them is mined: the replacement",
  );
  assert.deepEqual(s.kinds(await s.run(anchorer)), [`included:default@${size}`]);
  assert.equal((await onlyRecord(s, size)).inclusion?.txHash, second.txHash);
  await s.settle(anchorer);
  await s.assertInvariants();
});

test("a stalled chain whose block arrives between any two chain calls of a run: one anchor", async (t) => {
  for (let cut = 1; cut < 30; cut++) {
    let firedBefore: string | undefined;
    await t.test(`block before call ${cut}`, async () => {
      const s = await harness.scenario();
      const size = await s.addEntries(1);
      await s.setAutomine(false);
      await s.run();
      // Due for a replacement: the run reads, replaces, then anchors a new checkpoint.
      s.clock.advance(REPLACE_AFTER_MS);
      await s.addEntries(1);
      const chain = new FaultyChain(s.chain);
      chain.beforeCall = async (call, name) => {
        if (call !== cut) return;
        firedBefore = name;
        await s.mine();
      };
      await s.run(s.anchorer(chain));
      chain.beforeCall = undefined;
      await s.resume();
      await s.settle();
      await s.assertInvariants();
      assert.ok((await recordsOf(s, size)).some((r) => r.status === "final"));
    });
    if (firedBefore === undefined) break;
  }
});

test("a base fee above the ceiling: nothing is sent and fee-ceiling is reported; anchored once it falls", async () => {
  const s = await harness.scenario();
  const anchorer = s.anchorer();
  const key = harness.anchorKey.address;
  await s.addEntries(2);
  await s.settle(anchorer);
  const size = await s.addEntries(3);
  const nonce = await s.provider.getTransactionCount(key, "latest");
  await s.setNextBaseFee(parseUnits("500", "gwei"));
  await s.mine();
  for (let i = 0; i < 3; i++) {
    const events = await s.run(anchorer);
    assert.deepEqual(s.kinds(events), [`fee-ceiling:default@${size}`]);
    const [event] = events;
    assert.ok(event?.kind === "fee-ceiling" && event.maxFeePerGas > FEE_CEILING);
    await s.mine();
  }
  assert.deepEqual(await recordsOf(s, size), []);
  assert.equal(await s.provider.getTransactionCount(key, "pending"), nonce, "nothing sent");
  await s.setNextBaseFee(parseUnits("1", "gwei"));
  await s.mine(3);
  await s.settle(anchorer);
  await s.assertInvariants();

  // A transaction stuck under a spike is not replaced above the ceiling either.
  const stuck = await s.addEntries(2);
  await s.setAutomine(false);
  assert.deepEqual(s.kinds(await s.run(anchorer)), [`sent:default@${stuck}`]);
  const [offer] = (await onlyRecord(s, stuck)).transactions;
  assert.ok(offer !== undefined);
  await s.setNextBaseFee(parseUnits("500", "gwei"));
  await s.mine();
  assert.equal(await s.provider.getTransactionReceipt(offer.txHash), null, "priced out");
  s.clock.advance(REPLACE_AFTER_MS);
  assert.deepEqual(s.kinds(await s.run(anchorer)), [`fee-ceiling:default@${stuck}`]);
  assert.equal((await onlyRecord(s, stuck)).transactions.length, 1, "no replacement");
  await s.setNextBaseFee(parseUnits("1", "gwei"));
  await s.mine();
  assert.notEqual(await s.provider.getTransactionReceipt(offer.txHash), null, "mined once cheap");
  await s.resume();
  await s.settle(anchorer);
  await s.assertInvariants();
  assert.equal((await onlyRecord(s, stuck)).inclusion?.txHash, offer.txHash);
});

/** A scenario whose anchorer reaches the node through `proxy`. */
async function throughProxy(
  t: TestContext,
  s: Scenario,
): Promise<{ proxy: TcpProxy; chain: ReturnType<Scenario["chainOver"]> }> {
  const proxy = await TcpProxy.start(harness.node.url);
  const provider = new JsonRpcProvider(proxy.url, CHAIN_ID, {
    staticNetwork: true,
    cacheTimeout: -1,
  });
  t.after(async () => {
    provider.destroy();
    await proxy.close();
  });
  return { proxy, chain: s.chainOver(provider) };
}

test("the RPC endpoint goes down and comes back: failed runs leave the store alone; then it recovers", async (t) => {
  const s = await harness.scenario();
  const { proxy, chain } = await throughProxy(t, s);
  const anchorer = s.anchorer(chain);
  await s.addEntries(2);
  await s.settle(anchorer);
  // Down while one anchor is in flight, due for replacement, and a new checkpoint waits.
  const inFlight = await s.addEntries(3);
  await s.setAutomine(false);
  assert.deepEqual(s.kinds(await s.run(anchorer)), [`sent:default@${inFlight}`]);
  const waiting = await s.addEntries(1);
  await proxy.close();
  const before = await s.records();
  for (let i = 0; i < 3; i++) {
    s.clock.advance(REPLACE_AFTER_MS);
    await s.runFails(anchorer);
    assert.deepEqual(await s.records(), before, "the store is untouched");
    await s.mine(); // the chain goes on meanwhile, and mines the transaction in flight
  }
  await proxy.open();
  await s.resume();
  await s.settle(anchorer);
  await s.assertInvariants();
  assert.equal((await onlyRecord(s, inFlight)).transactions.length, 1, "never replaced");
  assert.equal((await onlyRecord(s, waiting)).status, "final");
});

test("the RPC endpoint goes down at any point of a run, before a call or with its answer lost", async (t) => {
  for (const mode of ["refused", "answer lost"] as const) {
    for (let cut = 1; cut < 40; cut++) {
      let fired = false;
      await t.test(`${mode} at call ${cut}`, async (tt) => {
        const s = await harness.scenario();
        const { proxy, chain: real } = await throughProxy(tt, s);
        const chain = new FaultyChain(real);
        await s.addEntries(1);
        await s.setAutomine(false);
        await s.run(s.anchorer(real));
        // The run settles one in flight (due for replacement) and anchors a new checkpoint.
        s.clock.advance(REPLACE_AFTER_MS);
        await s.addEntries(1);
        chain.beforeCall = async (call) => {
          if (call !== cut) return;
          fired = true;
          if (mode === "refused") await proxy.close();
          else proxy.loseNextAnswer();
        };
        const anchorer = s.anchorer(chain);
        const failed = await anchorer.run().then(
          () => false,
          () => true,
        );
        chain.beforeCall = undefined;
        assert.equal(failed, fired, "a run fails exactly when the endpoint went down during it");
        await s.assertRecordsWellFormed();
        await s.assertNoDoubleAnchor();
        if (failed) await s.runFails(anchorer);
        await proxy.open();
        await s.resume();
        await s.settle(anchorer);
        await s.assertInvariants();
      });
      if (!fired) break;
    }
  }
});

test("a crash right after broadcasting, or right after recording: the next run finishes the same transaction", async () => {
  const s = await harness.scenario();
  const chain = new FaultyChain(s.chain);

  // Sent and mined, but the process died before the record moved on from "sending".
  const mined = await s.addEntries(2);
  chain.nextBroadcast = "die-after-send";
  assert.ok((await s.runFails(s.anchorer(chain))) instanceof SimulatedCrash);
  const dead = await onlyRecord(s, mined);
  assert.equal(dead.status, "sending");
  const [tx] = dead.transactions;
  assert.ok(tx !== undefined);
  assert.notEqual(await s.provider.getTransactionReceipt(tx.txHash), null, "the node mined it");
  assert.deepEqual(s.kinds(await s.run(s.anchorer(chain))), [
    `rebroadcast:default@${mined}`,
    `included:default@${mined}`,
  ]);
  const finished = await onlyRecord(s, mined);
  assert.equal(finished.inclusion?.txHash, tx.txHash);
  assert.deepEqual(finished.transactions, dead.transactions, "the same bytes, nothing new");
  await s.settle();
  await s.assertInvariants();

  // The same on a stalled chain: the node already has it pending ("known").
  const known = await s.addEntries(1);
  await s.setAutomine(false);
  chain.nextBroadcast = "die-after-send";
  await s.runFails(s.anchorer(chain));
  const pending = await onlyRecord(s, known);
  assert.equal(pending.status, "sending");
  assert.deepEqual(await s.pendingHashes(), [pending.transactions[0]?.txHash.toLowerCase()]);
  assert.deepEqual(s.kinds(await s.run(s.anchorer(chain))), [`rebroadcast:default@${known}`]);
  assert.equal((await onlyRecord(s, known)).status, "sent");
  assert.equal((await s.pendingHashes()).length, 1);
  await s.resume();
  await s.settle();
  await s.assertInvariants();
  assert.equal(
    (await onlyRecord(s, known)).inclusion?.txHash,
    pending.transactions[0]?.txHash,
    "the recorded transaction is the one included",
  );

  // Recorded, then the process died before broadcasting: the next run broadcasts it.
  const unsent = await s.addEntries(2);
  chain.nextBroadcast = "die-before-send";
  await s.runFails(s.anchorer(chain));
  const recorded = await onlyRecord(s, unsent);
  assert.equal(recorded.status, "sending");
  const [raw] = recorded.transactions;
  assert.ok(raw !== undefined);
  assert.equal(await s.provider.getTransactionReceipt(raw.txHash), null, "never sent");
  assert.deepEqual(s.kinds(await s.run(s.anchorer(chain))), [`rebroadcast:default@${unsent}`]);
  await s.settle();
  await s.assertInvariants();
  assert.equal((await onlyRecord(s, unsent)).inclusion?.txHash, raw.txHash);
});

test("another transaction takes the recorded nonce: orphaned, and anchored again with a fresh nonce", async () => {
  const s = await harness.scenario();
  const chain = new FaultyChain(s.chain);
  const key = harness.anchorKey;
  await s.addEntries(2);
  await s.settle();

  // Recorded but not broadcast yet when another transaction of the key uses its nonce.
  const size = await s.addEntries(3);
  chain.nextBroadcast = "die-before-send";
  await s.runFails(s.anchorer(chain));
  const recorded = await onlyRecord(s, size);
  assert.equal(recorded.status, "sending");
  await (
    await key.sendTransaction({
      to: key.address,
      value: 0n,
      nonce: recorded.nonce,
      gasLimit: 21_000n,
    })
  ).wait();
  assert.deepEqual(s.kinds(await s.run()), [
    `rebroadcast:default@${size}`,
    `orphaned:default@${size}`,
    `sent:default@${size}`,
  ]);
  await s.settle();
  await s.assertInvariants();
  const [again, orphaned] = await recordsOf(s, size);
  assert.equal(orphaned?.status, "orphaned");
  assert.equal(again?.attempt, 1);
  assert.equal(again?.nonce, recorded.nonce + 1);
  assert.equal(
    await s.provider.getTransactionReceipt(recorded.transactions[0]?.txHash ?? ""),
    null,
  );

  // Broadcast and pending, then outbid by another transaction of the key with the same nonce.
  const outbid = await s.addEntries(2);
  await s.setAutomine(false);
  assert.deepEqual(s.kinds(await s.run()), [`sent:default@${outbid}`]);
  const ours = await onlyRecord(s, outbid);
  const [offer] = ours.transactions;
  assert.ok(offer !== undefined);
  const foreign = await key.sendTransaction({
    to: key.address,
    value: 0n,
    nonce: ours.nonce,
    gasLimit: 21_000n,
    maxFeePerGas: BigInt(offer.maxFeePerGas) * 2n,
    maxPriorityFeePerGas: BigInt(offer.maxPriorityFeePerGas) * 2n,
  });
  assert.deepEqual(await s.pendingHashes(), [foreign.hash.toLowerCase()]);
  await s.mine();
  assert.deepEqual(s.kinds(await s.run()), [
    `orphaned:default@${outbid}`,
    `sent:default@${outbid}`,
  ]);
  await s.resume();
  await s.settle();
  await s.assertInvariants();
  const [redone] = await recordsOf(s, outbid);
  assert.equal(redone?.nonce, ours.nonce + 1);
});
