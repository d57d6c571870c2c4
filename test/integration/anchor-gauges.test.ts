// The anchorer's gauges after each run (what AnchorLagEntries, AnchorLagSeconds and
// AnchorBalanceEth report), on a real chain and store with a test clock: the lag while an
// anchor is in flight, while the interval holds a new checkpoint back, and while the fee
// ceiling stalls anchoring; the anchor key's balance, read at most once a minute.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { parseUnits } from "ethers";
import type { Anchorer, AnchorGauges } from "../../shared/app/anchor-checkpoints.ts";
import {
  ANCHOR_OPTIONS,
  type AnchorHarness,
  FaultyChain,
  type Scenario,
  startAnchorHarness,
} from "../support/chain/anchor-harness.ts";

let harness: AnchorHarness;

before(async () => {
  harness = await startAnchorHarness();
});

after(async () => {
  await harness?.stop();
});

const INTERVAL_MS = 10_000;

/** Runs once and returns the run's event kinds and its gauges, which a successful run always has. */
async function runOnce(
  s: Scenario,
  anchorer: Anchorer,
): Promise<{ kinds: string[]; gauges: AnchorGauges }> {
  const kinds = s.kinds(await s.run(anchorer));
  const gauges = anchorer.lastRunGauges;
  assert.ok(gauges !== undefined, "a successful run has gauges");
  return { kinds, gauges };
}

const lag = ({ lagEntries, lagMs }: AnchorGauges) => ({ lagEntries, lagMs });

test("lag in entries and seconds: in flight, held back by the interval, stalled by the fee ceiling", async () => {
  const s = await harness.scenario();
  const anchorer = s.anchorer(s.chain, { ...ANCHOR_OPTIONS, minAnchorIntervalMs: INTERVAL_MS });
  assert.equal(anchorer.lastRunGauges, undefined, "no run yet");

  // An empty log waits for nothing.
  assert.deepEqual(lag((await runOnce(s, anchorer)).gauges), { lagEntries: 0, lagMs: 0 });

  // Three entries, an anchor sent at once: three entries wait, for no time yet.
  await s.setAutomine(false);
  const first = await s.addEntries(3);
  let run = await runOnce(s, anchorer);
  assert.deepEqual(run.kinds, [`sent:default@${first}`]);
  assert.deepEqual(lag(run.gauges), { lagEntries: 3, lagMs: 0 });

  // Not mined yet: the lag grows with the time since the anchor was sent.
  s.clock.advance(4000);
  run = await runOnce(s, anchorer);
  assert.deepEqual(lag(run.gauges), { lagEntries: 3, lagMs: 4000 });

  // Included: nothing waits (final is not needed).
  await s.resume();
  s.clock.advance(1000);
  run = await runOnce(s, anchorer);
  assert.deepEqual(run.kinds, [`included:default@${first}`]);
  assert.deepEqual(lag(run.gauges), { lagEntries: 0, lagMs: 0 });

  // Two more entries within the interval: held back, lagging since the last anchor started.
  const second = await s.addEntries(2);
  s.clock.advance(2000);
  run = await runOnce(s, anchorer);
  assert.ok(!run.kinds.some((kind) => kind.startsWith("sent")), "the interval holds it back");
  assert.deepEqual(lag(run.gauges), { lagEntries: 2, lagMs: 7000 });

  // The interval passes: sent, and the lag counts from this anchor.
  s.clock.advance(3000);
  run = await runOnce(s, anchorer);
  assert.ok(run.kinds.includes(`sent:default@${second}`), run.kinds.join());
  assert.deepEqual(lag(run.gauges), { lagEntries: 2, lagMs: 0 });
  s.clock.advance(1000);
  await s.mine();
  run = await runOnce(s, anchorer);
  assert.deepEqual(lag(run.gauges), { lagEntries: 0, lagMs: 0 });

  // Fees above the ceiling: nothing is sent, and the lag keeps growing from the last anchor.
  await s.setNextBaseFee(parseUnits("500", "gwei"));
  await s.mine();
  const third = await s.addEntries(1);
  s.clock.advance(INTERVAL_MS);
  run = await runOnce(s, anchorer);
  assert.ok(run.kinds.includes(`fee-ceiling:default@${third}`), run.kinds.join());
  assert.deepEqual(lag(run.gauges), { lagEntries: 1, lagMs: INTERVAL_MS + 1000 });
  s.clock.advance(30_000);
  run = await runOnce(s, anchorer);
  assert.deepEqual(lag(run.gauges), { lagEntries: 1, lagMs: INTERVAL_MS + 31_000 });
});

test("the most lagging ledger is reported, and a failed run leaves no gauges", async () => {
  const s = await harness.scenario();
  const chain = new FaultyChain(s.chain);
  const anchorer = s.anchorer(chain);
  await s.addEntries(2, "alpha");
  await s.addEntries(1, "beta");
  await s.settle(anchorer);
  await s.setAutomine(false);
  await s.addEntries(5, "alpha");
  await s.addEntries(1, "beta");
  let run = await runOnce(s, anchorer);
  assert.deepEqual(lag(run.gauges), { lagEntries: 5, lagMs: 0 }, "alpha: 7 signed, 2 anchored");
  s.clock.advance(2500);
  run = await runOnce(s, anchorer);
  assert.deepEqual(lag(run.gauges), { lagEntries: 5, lagMs: 2500 });

  chain.beforeCall = async () => {
    throw new Error("endpoint down");
  };
  await s.runFails(anchorer);
  assert.equal(anchorer.lastRunGauges, undefined);
  chain.beforeCall = undefined;
  await s.resume();
  await s.settle(anchorer);
  assert.deepEqual(lag((await runOnce(s, anchorer)).gauges), { lagEntries: 0, lagMs: 0 });
});

test("the anchor key's balance: read on the first run, then at most once a minute", async () => {
  const s = await harness.scenario();
  const anchorer = s.anchorer();
  const key = harness.anchorKey.address;
  await s.addEntries(1);
  let run = await runOnce(s, anchorer);
  assert.equal(run.gauges.balanceWei, await s.provider.getBalance(key));
  const before = run.gauges.balanceWei;

  // More anchors spend gas; within the minute the reading is kept.
  await s.settle(anchorer);
  await s.addEntries(1);
  await s.settle(anchorer);
  run = await runOnce(s, anchorer);
  assert.equal(run.gauges.balanceWei, before);
  assert.ok((await s.provider.getBalance(key)) < before, "gas was spent");

  s.clock.advance(60_000);
  run = await runOnce(s, anchorer);
  assert.equal(run.gauges.balanceWei, await s.provider.getBalance(key));
});
