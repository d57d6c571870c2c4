// Fault matrix, RPC cells: the anchorer (real EthersAnchorChain, FailoverAnchorChain, hardhat)
// behind a JSON-RPC endpoint that hangs, or that serves a stale view of the chain (a node that
// lags, or came back from an old snapshot). Whatever it does: no anchor is final before its block
// has the confirmations on the canonical chain, no checkpoint is anchored twice, no bundle claims
// a block off the canonical chain, and once the endpoint answers again (or catches up) the
// anchorer settles by itself with every anchor final on the canonical chain.
import assert from "node:assert/strict";
import { after, before, type TestContext, test } from "node:test";
import { FetchRequest, JsonRpcProvider } from "ethers";
import { FailoverAnchorChain } from "../../shared/adapters/chain/failover-anchor-chain.ts";
import {
  type AnchorHarness,
  CHAIN_ID,
  CONFIRMATIONS,
  REPLACE_AFTER_MS,
  type Scenario,
  startAnchorHarness,
} from "../support/chain/anchor-harness.ts";
import { JsonRpcProxy } from "../support/faults/json-rpc-proxy.ts";

/**
 * shared/wiring-chain.ts gives each endpoint 10 s; the same mechanism here: short while an
 * endpoint hangs (so the cells wait little for it), long enough that an endpoint meant to answer
 * never times out on a slow machine.
 */
const HUNG_TIMEOUT_MS = 400;
const ANSWERING_TIMEOUT_MS = 5_000;

/** A provider whose per-call timeout the test sets (ethers copies the request on each call). */
class TimedProvider extends JsonRpcProvider {
  timeoutMs = ANSWERING_TIMEOUT_MS;

  override _getConnection(): FetchRequest {
    const request = super._getConnection();
    request.timeout = this.timeoutMs;
    return request;
  }
}

let harness: AnchorHarness;

before(async () => {
  harness = await startAnchorHarness();
});

after(async () => {
  await harness?.stop();
});

/**
 * A proxy to the node and an endpoint through it built as wiring-chain.ts builds one; `hang()`
 * makes it hang (with the short timeout), `answer()` makes it answer again (with the long one).
 */
async function endpointThroughProxy(t: TestContext, s: Scenario) {
  const proxy = await JsonRpcProxy.start(harness.node.url);
  const provider = new TimedProvider(new FetchRequest(proxy.url), CHAIN_ID, {
    staticNetwork: true,
    cacheTimeout: -1,
  });
  t.after(async () => {
    provider.destroy();
    await proxy.stop();
  });
  return {
    proxy,
    chain: s.chainOver(provider),
    hang: () => {
      provider.timeoutMs = HUNG_TIMEOUT_MS;
      proxy.mode = { kind: "hang" };
    },
    answer: () => {
      proxy.mode = { kind: "pass" };
      provider.timeoutMs = ANSWERING_TIMEOUT_MS;
    },
  };
}

/** No final record before its block has the confirmations on the canonical chain. */
async function assertFinalOnlyWhenConfirmed(s: Scenario, ledger = "default"): Promise<void> {
  const head = await s.provider.getBlockNumber();
  for (const record of await s.records(ledger)) {
    if (record.status !== "final") continue;
    const inclusion = record.inclusion;
    assert.ok(inclusion !== undefined, "a final record has an inclusion");
    assert.ok(
      await s.isCanonical(inclusion.blockNumber, inclusion.blockHash),
      `final @${record.treeSize} is on a canonical block`,
    );
    assert.ok(
      head - inclusion.blockNumber + 1 >= CONFIRMATIONS,
      `final @${record.treeSize} in block ${inclusion.blockNumber} with head ${head}`,
    );
  }
}

test("a hung RPC endpoint: each call times out and fails over; alone, runs fail fast and it heals", async (t) => {
  const s = await harness.scenario();
  const hung = await endpointThroughProxy(t, s);
  hung.hang();
  const failovers: unknown[] = [];
  const chain = new FailoverAnchorChain([hung.chain, s.chain], {
    onFailover: (_from, _to, error) => failovers.push(error),
  });
  await s.addEntries(3);
  await s.settle(s.anchorer(chain));
  await s.assertInvariants();
  assert.ok(failovers.length > 0, "the hung endpoint was left");
  assert.equal((failovers[0] as { code?: unknown }).code, "TIMEOUT");

  // The hung endpoint alone: the run fails in about the timeout, not never; the store untouched.
  await s.addEntries(2);
  const alone = s.anchorer(hung.chain);
  const before = await s.records();
  const started = performance.now();
  const error = await alone.run().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  const tookMs = performance.now() - started;
  assert.equal((error as { code?: unknown } | undefined)?.code, "TIMEOUT", `${error}`);
  assert.ok(tookMs < 5 * HUNG_TIMEOUT_MS, `the run gave up after ${Math.round(tookMs)} ms`);
  await s.assertRecordsWellFormed();
  await s.assertNoDoubleAnchor();
  await s.assertBundlesClaimCanonicalBlocks();
  assert.deepEqual(await s.records(), before, "nothing recorded by a run that got no answer");
  hung.answer();
  await s.settle(alone);
  await s.assertInvariants();
});

test("a node serving a stale view: nothing final before its confirmations, nothing anchored twice; healed when it catches up", async (t) => {
  const s = await harness.scenario();
  const stale = await endpointThroughProxy(t, s);
  const anchorer = s.anchorer(stale.chain);
  await s.addEntries(2);
  await s.settle(anchorer);

  // The node stops following the chain; the chain goes on, and a new checkpoint is anchored.
  const frozenAt = await stale.proxy.freeze();
  const size = await s.addEntries(3);
  for (let run = 0; run < 6; run++) {
    await s.run(anchorer);
    await assertFinalOnlyWhenConfirmed(s);
    await s.mine();
    // Past the replacement delay: the anchorer bids again for a transaction already mined.
    if (run === 3) s.clock.advance(REPLACE_AFTER_MS);
  }
  const [newest] = await s.records();
  assert.equal(newest?.treeSize, size);
  assert.notEqual(newest?.status, "final", "not final while the node has not seen it mined");
  assert.ok((await s.provider.getBlockNumber()) > frozenAt + 5);

  stale.proxy.mode = { kind: "pass" };
  await s.settle(anchorer);
  await s.assertInvariants();
  assert.equal((await s.chainAnchors()).get(size)?.length, 1, "anchored once on chain");
});

test("a node restored from an old snapshot (its head behind a final anchor): demoted, never re-anchored, final again once it catches up", async (t) => {
  const s = await harness.scenario();
  const behind = await endpointThroughProxy(t, s);
  const anchorer = s.anchorer(behind.chain);
  await s.addEntries(2);
  await s.settle(anchorer);
  const before = await s.provider.getBlockNumber();
  const size = await s.addEntries(3);
  await s.settle(anchorer);
  const [final] = await s.records();
  assert.equal(final?.status, "final");
  const tx = final?.inclusion?.txHash;

  // The node now answers as of a block before that anchor's.
  await behind.proxy.freeze(before);
  for (let run = 0; run < 3; run++) {
    await s.run(anchorer);
    await assertFinalOnlyWhenConfirmed(s);
    await s.mine();
  }
  const kinds = s.kinds(s.events);
  t.diagnostic(`events while behind: ${kinds.slice(-4).join(", ")}`);
  assert.equal((await s.chainAnchors()).get(size)?.length, 1, "no second anchor was mined");

  behind.proxy.mode = { kind: "pass" };
  await s.settle(anchorer);
  await s.assertInvariants();
  const [again] = (await s.records()).filter((r) => r.status === "final" && r.treeSize === size);
  assert.equal(again?.inclusion?.txHash, tx, "final again with the transaction mined first");
});

test("the first endpoint hangs, the second serves a stale view: safe throughout; back on the first once it answers", async (t) => {
  const s = await harness.scenario();
  const first = await endpointThroughProxy(t, s);
  const second = await endpointThroughProxy(t, s);
  const retryFirstAfterMs = 5 * 60_000;
  const chain = new FailoverAnchorChain([first.chain, second.chain], {
    retryFirstAfterMs,
    nowMs: () => s.clock.nowMs(),
  });
  const anchorer = s.anchorer(chain);
  await s.addEntries(2);
  await s.settle(anchorer);

  await second.proxy.freeze();
  first.hang();
  const size = await s.addEntries(3);
  for (let run = 0; run < 3; run++) {
    await s.run(anchorer);
    await assertFinalOnlyWhenConfirmed(s);
    await s.mine();
  }
  // The first endpoint answers again while the second still lags. The calls stay on the second,
  // which answers too, until retryFirstAfterMs has passed since they left the first (the defect
  // this cell found: before, they stayed there for as long as the stale node answered).
  first.answer();
  await s.run(anchorer);
  assert.equal((await s.records())[0]?.status, "sent", "still on the stale endpoint");
  s.clock.advance(retryFirstAfterMs);
  await s.settle(anchorer);
  await s.assertInvariants();
  assert.equal((await s.chainAnchors()).get(size)?.length, 1, "anchored once on chain");
  assert.equal(second.proxy.mode.kind, "stale", "settled while the second endpoint still lags");
});
