// STELE_CHAINS: the anchor chains as one JSON array, validated at cold start with every
// problem named by its path (STELE_CHAINS.<index>.<field>), and the chains wired from it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Wallet } from "ethers";
import { EthersAnchorChain } from "../../shared/adapters/chain/ethers-anchor-chain.ts";
import { FailoverAnchorChain } from "../../shared/adapters/chain/failover-anchor-chain.ts";
import { loadConfig } from "../../shared/config.ts";
import { createAnchorChains } from "../../shared/wiring-chain.ts";

const BASE = {
  STELE_TABLE_NAME: "stele",
  STELE_ORIGIN_PREFIX: "stele.test",
  STELE_CHECKPOINT_SIGNER: "dev",
  STELE_DEV_CHECKPOINT_KEY: "11".repeat(32),
};
const ANCHOR_KEY = { STELE_ANCHOR_SIGNER: "dev", STELE_DEV_ANCHOR_KEY: "22".repeat(32) };
const CONTRACT = `0x${"ab".repeat(20)}`;
const SEPOLIA = {
  chainId: 11155111,
  rpcUrls: ["https://rpc.one.example/v3/key", "https://rpc.two.example"],
  contract: CONTRACT,
  confirmations: 12,
  maxFeePerGasGwei: 2.5,
};
const POLYGON = { chainId: 137, rpcUrls: ["http://127.0.0.1:8545"], contract: CONTRACT };

function withChains(chains: unknown, env: Record<string, string> = ANCHOR_KEY) {
  return { ...BASE, ...env, STELE_CHAINS: JSON.stringify(chains) };
}

/** The message loadConfig throws for `env`. */
function problem(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof Error);
    return error.message;
  }
  assert.fail("the configuration was accepted");
}

test("two chains: each as given, confirmations and fee ceiling defaulted where left out", () => {
  const config = loadConfig(withChains([SEPOLIA, POLYGON]));
  assert.deepEqual(config.STELE_CHAINS, [
    SEPOLIA,
    { ...POLYGON, confirmations: 2, maxFeePerGasGwei: 100 },
  ]);
});

test("no chains (unset, blank or []): no anchoring, and no anchor key needed", () => {
  for (const chains of [undefined, "", "  ", "[]"]) {
    const config = loadConfig({ ...BASE, STELE_CHAINS: chains });
    assert.deepEqual(config.STELE_CHAINS, [], `STELE_CHAINS=${JSON.stringify(chains)}`);
  }
});

test("the anchor function needs the anchor key of its signer; the other functions do not", async () => {
  // Every function reads STELE_CHAINS (the read API lists the chains); only the anchorer signs.
  const withoutKey = loadConfig(withChains([POLYGON], {}));
  assert.equal(withoutKey.STELE_CHAINS.length, 1);
  await assert.rejects(
    createAnchorChains(withoutKey),
    /STELE_ANCHOR_KEY_ID: required with the kms anchor signer/,
  );
  await assert.rejects(
    createAnchorChains(loadConfig(withChains([POLYGON], { STELE_ANCHOR_SIGNER: "dev" }))),
    /STELE_DEV_ANCHOR_KEY: required with the dev anchor signer/,
  );
  const kms = loadConfig(withChains([POLYGON], { STELE_ANCHOR_KEY_ID: "alias/stele-anchor" }));
  assert.equal((await createAnchorChains(kms)).length, 1);
});

test("STELE_CHAINS that is not JSON is refused, naming it", () => {
  const message = problem({ ...BASE, ...ANCHOR_KEY, STELE_CHAINS: "[{chainId: 1}]" });
  assert.match(
    message,
    /^bad configuration: STELE_CHAINS: not JSON \(.+\): a JSON array of chains$/,
  );
});

test("STELE_CHAINS that is JSON but not an array is refused", () => {
  for (const chains of [SEPOLIA, "1", null]) {
    assert.match(problem(withChains(chains)), /STELE_CHAINS: a JSON array of chains/);
  }
});

test("each bad field is named by its path", () => {
  const cases: [string, unknown, RegExp][] = [
    ["chainId 0", { ...POLYGON, chainId: 0 }, /STELE_CHAINS\.0\.chainId: /],
    ["chainId not whole", { ...POLYGON, chainId: 1.5 }, /STELE_CHAINS\.0\.chainId: /],
    ["chainId as a string", { ...POLYGON, chainId: "137" }, /STELE_CHAINS\.0\.chainId: /],
    ["chainId missing", { ...POLYGON, chainId: undefined }, /STELE_CHAINS\.0\.chainId: /],
    ["no rpcUrls", { ...POLYGON, rpcUrls: [] }, /STELE_CHAINS\.0\.rpcUrls: /],
    ["rpcUrls missing", { ...POLYGON, rpcUrls: undefined }, /STELE_CHAINS\.0\.rpcUrls: /],
    [
      "an rpcUrl that is not a URL",
      { ...POLYGON, rpcUrls: ["http://127.0.0.1:8545", "localhost:8545"] },
      /STELE_CHAINS\.0\.rpcUrls\.1: an http\(s\) URL/,
    ],
    [
      "an rpcUrl that is not http(s)",
      { ...POLYGON, rpcUrls: ["wss://rpc.example"] },
      /STELE_CHAINS\.0\.rpcUrls\.0: an http\(s\) URL/,
    ],
    [
      "contract too short",
      { ...POLYGON, contract: "0xabcd" },
      /STELE_CHAINS\.0\.contract: an address \(0x and 40 hex characters\)/,
    ],
    ["contract missing", { ...POLYGON, contract: undefined }, /STELE_CHAINS\.0\.contract: /],
    ["confirmations 0", { ...POLYGON, confirmations: 0 }, /STELE_CHAINS\.0\.confirmations: /],
    ["confirmations 1001", { ...POLYGON, confirmations: 1001 }, /STELE_CHAINS\.0\.confirmations: /],
    [
      "maxFeePerGasGwei 0",
      { ...POLYGON, maxFeePerGasGwei: 0 },
      /STELE_CHAINS\.0\.maxFeePerGasGwei: /,
    ],
    [
      "maxFeePerGasGwei below one wei",
      { ...POLYGON, maxFeePerGasGwei: 1e-10 },
      /STELE_CHAINS\.0\.maxFeePerGasGwei: at least 0\.000000001 \(one wei\)/,
    ],
    [
      "maxFeePerGasGwei as a string",
      { ...POLYGON, maxFeePerGasGwei: "30" },
      /STELE_CHAINS\.0\.maxFeePerGasGwei: /,
    ],
    [
      "an unknown key",
      { ...POLYGON, confirmation: 3 },
      /STELE_CHAINS\.0: Unrecognized key: "confirmation"/,
    ],
    ["not an object", "137", /STELE_CHAINS\.0: /],
  ];
  for (const [name, chain, expected] of cases) {
    assert.match(problem(withChains([chain])), expected, name);
  }
  // The path counts from the start of the array.
  assert.match(
    problem(withChains([SEPOLIA, { ...POLYGON, contract: "nope" }])),
    /STELE_CHAINS\.1\.contract: /,
  );
});

test("a chainId listed twice is refused, naming the second", () => {
  const message = problem(
    withChains([POLYGON, SEPOLIA, { ...POLYGON, rpcUrls: ["https://x.example"] }]),
  );
  assert.match(message, /STELE_CHAINS\.2\.chainId: chain 137 is listed twice/);
});

test("every problem is named at once", () => {
  const message = problem(
    withChains(
      [
        { ...POLYGON, chainId: -1 },
        { ...SEPOLIA, confirmations: 0 },
      ],
      {},
    ),
  );
  assert.match(message, /STELE_CHAINS\.0\.chainId: /);
  assert.match(message, /STELE_CHAINS\.1\.confirmations: /);
});

test("createAnchorChains: one chain per element, each on its contract, all with the one anchor key", async () => {
  const config = loadConfig(withChains([SEPOLIA, POLYGON]));
  const chains = await createAnchorChains(config);
  assert.deepEqual(
    chains.map(({ chainId, contract }) => ({ chainId, contract })),
    [
      { chainId: SEPOLIA.chainId, contract: CONTRACT },
      { chainId: POLYGON.chainId, contract: CONTRACT },
    ],
  );
  // Two rpcUrls: one endpoint each behind the failover; one rpcUrl: the endpoint itself.
  assert.ok(chains[0] instanceof FailoverAnchorChain);
  assert.ok(chains[1] instanceof EthersAnchorChain);
  const anchorAddress = new Wallet(`0x${ANCHOR_KEY.STELE_DEV_ANCHOR_KEY}`).address;
  for (const chain of chains) assert.equal(await chain.address(), anchorAddress);
  assert.deepEqual(await createAnchorChains(loadConfig(BASE)), []);
});
