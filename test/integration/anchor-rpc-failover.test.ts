// The anchorer over several RPC endpoints of one chain (FailoverAnchorChain over EthersAnchorChains,
// each through a TCP proxy to one hardhat node): it anchors while any endpoint answers, fails a
// run only when none does, and loses nothing either way.
import assert from "node:assert/strict";
import { after, before, type TestContext, test } from "node:test";
import { JsonRpcProvider } from "ethers";
import { WrongChainError } from "../../shared/adapters/chain/ethers-anchor-chain.ts";
import { FailoverAnchorChain } from "../../shared/adapters/chain/failover-anchor-chain.ts";
import type {
  AnchorChain,
  BroadcastOutcome,
  ChainReceipt,
  Eip1559Fees,
} from "../../shared/ports/anchor-chain.ts";
import {
  type AnchorHarness,
  brief,
  CHAIN_ID,
  REPLACE_AFTER_MS,
  type Scenario,
  startAnchorHarness,
  TcpProxy,
} from "../support/chain/anchor-harness.ts";
import { startHardhatNode } from "../support/chain/hardhat-node.ts";

let harness: AnchorHarness;

before(async () => {
  harness = await startAnchorHarness();
});

after(async () => {
  await harness?.stop();
});

interface Failover {
  readonly from: number;
  readonly to: number;
  readonly error: unknown;
}

/**
 * `count` endpoints, each an EthersAnchorChain through its own proxy to the node, and one
 * FailoverAnchorChain over them that records every failover.
 */
async function failoverEndpoints(t: TestContext, s: Scenario, count: number) {
  const proxies: TcpProxy[] = [];
  const chains: AnchorChain[] = [];
  for (let i = 0; i < count; i++) {
    const proxy = await TcpProxy.start(harness.node.url);
    const provider = new JsonRpcProvider(proxy.url, CHAIN_ID, {
      staticNetwork: true,
      cacheTimeout: -1,
    });
    t.after(async () => {
      provider.destroy();
      await proxy.close();
    });
    proxies.push(proxy);
    chains.push(s.chainOver(provider));
  }
  const failovers: Failover[] = [];
  const chain = new FailoverAnchorChain(chains, {
    onFailover: (from, to, error) => failovers.push({ from, to, error }),
  });
  return { proxies, chain, failovers };
}

const hops = (failovers: readonly Failover[]) => failovers.map(({ from, to }) => [from, to]);

async function statuses(s: Scenario) {
  return (await s.records()).map((r) => `${r.treeSize} ${r.status}`);
}

test("one endpoint down, then the other: every checkpoint is anchored to final and verifies", async (t) => {
  const s = await harness.scenario();
  const { proxies, chain, failovers } = await failoverEndpoints(t, s, 2);
  const [a, b] = proxies;
  assert.ok(a !== undefined && b !== undefined);
  const anchorer = s.anchorer(chain);

  await a.close();
  const first = await s.addEntries(3);
  await s.settle(anchorer);
  await s.assertInvariants();
  assert.deepEqual(await statuses(s), [`${first} final`]);
  // One failover for the whole of several runs: the calls stay on the endpoint that answered.
  assert.deepEqual(hops(failovers), [[0, 1]]);
  // ethers passes Node's socket error through: no ethers code, no shortMessage.
  assert.equal((failovers[0]?.error as { code?: unknown } | undefined)?.code, "ECONNREFUSED");

  failovers.length = 0;
  await a.open();
  await b.close();
  const second = await s.addEntries(2);
  await s.settle(anchorer);
  await s.assertInvariants();
  assert.deepEqual(await statuses(s), [`${second} final`, `${first} final`]);
  // Calls running side by side may each fail over once; all of them go from B back to A.
  assert.ok(failovers.length > 0, "the failover is reported");
  assert.ok(
    hops(failovers).every(([from, to]) => from === 1 && to === 0),
    JSON.stringify(hops(failovers)),
  );
});

test("every endpoint down: runs fail naming the call, the store is untouched; the anchor lands once", async (t) => {
  const s = await harness.scenario();
  const { proxies, chain } = await failoverEndpoints(t, s, 2);
  const anchorer = s.anchorer(chain);
  // An anchor in flight on a stalled chain when every endpoint goes away.
  const size = await s.addEntries(2);
  await s.setAutomine(false);
  assert.deepEqual(s.kinds(await s.run(anchorer)), [`sent:default@${size}`]);
  for (const proxy of proxies) await proxy.close();
  const before = await s.records();
  for (let i = 0; i < 2; i++) {
    s.clock.advance(REPLACE_AFTER_MS); // a replacement would be due
    const error = await s.runFails(anchorer);
    assert.ok(error instanceof AggregateError, `an AggregateError, not ${error}`);
    assert.equal(error.message, `minedNonce failed on all 2 RPC endpoints of chain ${CHAIN_ID}`);
    assert.equal(error.errors.length, 2, "each endpoint tried once");
    assert.deepEqual(await s.records(), before, "the store is untouched");
    await s.mine(); // the chain goes on meanwhile, and mines the transaction in flight
  }

  await proxies[1]?.open();
  await s.resume();
  await s.settle(anchorer);
  await s.assertInvariants();
  const [record, ...others] = await s.records();
  assert.ok(record !== undefined && others.length === 0, `one record: ${others.map(brief)}`);
  assert.equal(record.status, "final");
  assert.equal(record.transactions.length, 1, "never replaced");
  assert.equal((await s.chainAnchors()).get(size)?.length, 1, "anchored once on chain");
});

/** A stand-in endpoint: answers fixed values, or throws while `down`; records the calls. */
class FakeEndpoint implements AnchorChain {
  readonly chainId: number;
  readonly contract: string;
  readonly head: number;
  readonly calls: string[] = [];
  down = false;
  outcome: BroadcastOutcome = "accepted";

  constructor(
    head: number,
    chainId = CHAIN_ID,
    contract = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  ) {
    this.head = head;
    this.chainId = chainId;
    this.contract = contract;
  }

  async #answer<T>(name: string, value: T): Promise<T> {
    this.calls.push(name);
    if (this.down) throw new Error(`endpoint ${this.head} is down`);
    return value;
  }

  address(): Promise<string> {
    return this.#answer("address", "0x1111111111111111111111111111111111111111");
  }

  suggestedFees(): Promise<Eip1559Fees> {
    return this.#answer("suggestedFees", { maxFeePerGas: 2n, maxPriorityFeePerGas: 1n });
  }

  minedNonce(): Promise<number> {
    return this.#answer("minedNonce", 0);
  }

  signAnchor(): Promise<{ txHash: string; rawTx: string }> {
    return this.#answer("signAnchor", { txHash: "0x01", rawTx: "0x02" });
  }

  broadcast(): Promise<BroadcastOutcome> {
    return this.#answer("broadcast", this.outcome);
  }

  receipt(): Promise<ChainReceipt | null> {
    return this.#answer("receipt", null);
  }

  blockTimestampSeconds(): Promise<number | null> {
    return this.#answer("blockTimestampSeconds", null);
  }

  blockHash(): Promise<string | null> {
    return this.#answer("blockHash", null);
  }

  headNumber(): Promise<number> {
    return this.#answer("headNumber", this.head);
  }

  balanceWei(): Promise<bigint> {
    return this.#answer("balanceWei", 10n ** 18n);
  }
}

test("FailoverAnchorChain: refuses mixed endpoints; answers are final; sticky, wrapping failover", async () => {
  assert.throws(() => new FailoverAnchorChain([]), /at least one endpoint/);
  assert.throws(
    () => new FailoverAnchorChain([new FakeEndpoint(0), new FakeEndpoint(1, 1)]),
    /endpoint 1 is on chain 1, endpoint 0 on chain 31337/,
  );
  assert.throws(
    () =>
      new FailoverAnchorChain([
        new FakeEndpoint(0),
        new FakeEndpoint(1, CHAIN_ID, "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
      ]),
    /endpoint 1 anchors to contract 0xbbbb.*one contract/,
  );
  const checksummed = new FakeEndpoint(1, CHAIN_ID, "0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  assert.equal(new FailoverAnchorChain([new FakeEndpoint(0), checksummed]).chainId, CHAIN_ID);

  // A refusal or a null is the endpoint's answer: no other endpoint is asked.
  const [p, q, r] = [new FakeEndpoint(0), new FakeEndpoint(1), new FakeEndpoint(2)];
  const failovers: Failover[] = [];
  const chain = new FailoverAnchorChain([p, q, r], {
    onFailover: (from, to, error) => failovers.push({ from, to, error }),
  });
  p.outcome = "nonce-too-low";
  assert.equal(await chain.broadcast("0x02"), "nonce-too-low");
  assert.equal(await chain.receipt("0x01"), null);
  assert.deepEqual([p.calls, q.calls, r.calls], [["broadcast", "receipt"], [], []]);

  // Down: the next endpoint answers, and keeps answering; the order wraps round.
  p.down = true;
  assert.equal(await chain.headNumber(), 1);
  assert.equal(await chain.headNumber(), 1);
  [q.down, r.down, p.down] = [true, true, false];
  assert.equal(await chain.headNumber(), 0);
  assert.deepEqual(hops(failovers), [
    [0, 1],
    [1, 2],
    [2, 0],
  ]);
  assert.deepEqual(
    [p.calls.length, q.calls.length, r.calls.length],
    [2 + 2, 3, 1],
    "each endpoint once per call",
  );

  p.down = true;
  const error = await chain.minedNonce().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof AggregateError);
  assert.equal(error.message, `minedNonce failed on all 3 RPC endpoints of chain ${CHAIN_ID}`);
  assert.deepEqual(
    error.errors.map((e: Error) => e.message),
    ["endpoint 0 is down", "endpoint 1 is down", "endpoint 2 is down"],
  );
});

test("an endpoint of another chain is refused before any call, and the anchor lands on the right one", async (t) => {
  const s = await harness.scenario();
  // A node of chain 31338 configured as an endpoint of chain 31337: its receipts and blocks are
  // another chain's, so the adapter asks the node's chain id before it trusts any answer.
  const other = await startHardhatNode({ chainId: CHAIN_ID + 1 });
  const wrongProvider = new JsonRpcProvider(other.url, CHAIN_ID, {
    staticNetwork: true,
    cacheTimeout: -1,
  });
  const rightProvider = new JsonRpcProvider(harness.node.url, CHAIN_ID, {
    staticNetwork: true,
    cacheTimeout: -1,
  });
  t.after(async () => {
    wrongProvider.destroy();
    rightProvider.destroy();
    await other.stop();
  });
  const failovers: Failover[] = [];
  const chain = new FailoverAnchorChain([s.chainOver(wrongProvider), s.chainOver(rightProvider)], {
    onFailover: (from, to, error) => failovers.push({ from, to, error }),
  });
  const size = await s.addEntries(2);
  await s.settle(s.anchorer(chain));
  await s.assertInvariants();
  assert.deepEqual(await statuses(s), [`${size} final`]);
  assert.deepEqual(hops(failovers).slice(0, 1), [[0, 1]]);
  const error = failovers[0]?.error;
  assert.ok(error instanceof WrongChainError, `a WrongChainError, not ${error}`);
  assert.equal(
    error.message,
    `the RPC endpoint serves chain ${CHAIN_ID + 1}, not chain ${CHAIN_ID}: check the chain's rpcUrls`,
  );
});
