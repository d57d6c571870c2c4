// Stage settings from CDK context (infra/stages.ts): the defaults, overrides as cdk.json or
// `-c stele:settings='<json>'` give them, and refusals that name the setting.
import assert from "node:assert/strict";
import { test } from "node:test";
import { FUNCTIONS } from "../../infra/catalog.ts";
import { DEFAULT_SETTINGS, resolveStage } from "../../infra/stages.ts";

function context(values: Record<string, unknown>): (key: string) => unknown {
  return (key) => values[key];
}

const CHAIN = {
  chainId: 11155111,
  contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  rpcUrlsSecret: "stele/prod/rpc/11155111",
};

test("no context: dev with its defaults, no chain", () => {
  const { stage, settings } = resolveStage(context({}));
  assert.equal(stage, "dev");
  assert.equal(settings.originPrefix, DEFAULT_SETTINGS.dev.originPrefix);
  assert.equal(settings.protectData, false);
  assert.deepEqual(settings.chains, []);
});

test("prod protects its data and keeps logs a year", () => {
  const { settings } = resolveStage(context({ "stele:stage": "prod" }));
  assert.equal(settings.protectData, true);
  assert.equal(settings.logRetentionDays, 365);
});

test("an override merges into the stage's defaults; chains get the runtime's defaults", () => {
  const { settings } = resolveStage(
    context({
      "stele:stage": "prod",
      "stele:settings": {
        dev: { originPrefix: "ignored.example" },
        prod: { originPrefix: "log.example.org", anchor: { intervalMs: 300_000 }, chains: [CHAIN] },
      },
    }),
  );
  assert.equal(settings.originPrefix, "log.example.org");
  assert.equal(settings.anchor.intervalMs, 300_000);
  assert.equal(settings.anchor.everyMs, DEFAULT_SETTINGS.prod.anchor.everyMs);
  assert.deepEqual(settings.chains, [
    { ...CHAIN, confirmations: 2, maxFeePerGasGwei: 100, blockSeconds: 15, minBalanceEth: 0.05 },
  ]);
});

test("settings given on the command line arrive as JSON text", () => {
  const { settings } = resolveStage(
    context({
      "stele:stage": "dev",
      "stele:settings": JSON.stringify({ dev: { chains: [CHAIN], alarms: { email: "a@b.test" } } }),
    }),
  );
  assert.equal(settings.chains[0]?.chainId, CHAIN.chainId);
  assert.equal(settings.alarms.email, "a@b.test");
});

test("refusals name the setting", () => {
  const refused = (values: Record<string, unknown>, message: RegExp) =>
    assert.throws(() => resolveStage(context(values)), message);
  refused({ "stele:stage": "staging" }, /stele:stage is "staging": want dev or prod/);
  refused({ "stele:settings": "{not json" }, /stele:settings is not JSON/);
  refused({ "stele:settings": { qa: {} } }, /has a key qa: want a stage name/);
  refused(
    { "stele:settings": { dev: { originPrefx: "x" } } },
    /stele:settings\.dev: Unrecognized key: "originPrefx"/,
  );
  refused(
    { "stele:settings": { dev: { chains: [{ ...CHAIN, rpcUrls: ["https://rpc.example/KEY"] }] } } },
    /chains\.0\.rpcUrls: RPC URLs are not put in the template/,
  );
  refused(
    { "stele:settings": { dev: { chains: [CHAIN, CHAIN] } } },
    /chains\.1\.chainId: chain 11155111 is listed twice/,
  );
  // A partial ARN (without the 6 characters Secrets Manager adds) would be granted nothing real.
  refused(
    {
      "stele:settings": {
        dev: {
          chains: [
            {
              ...CHAIN,
              rpcUrlsSecret: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:stele/rpc",
            },
          ],
        },
      },
    },
    /chains\.0\.rpcUrlsSecret: a Secrets Manager secret name .+ or its full ARN/,
  );
  refused(
    { "stele:settings": { dev: { chains: [{ ...CHAIN, rpcUrlsSecret: "has space" }] } } },
    /chains\.0\.rpcUrlsSecret: a Secrets Manager secret name such as/,
  );
  refused(
    { "stele:settings": { dev: { integrate: { runForMs: 58_000 } } } },
    new RegExp(
      `integrate\\.runForMs: at most ${FUNCTIONS["integrate-ledgers"].timeoutSeconds * 1000 - 5000}`,
    ),
  );
  refused(
    { "stele:settings": { dev: { logRetentionDays: 31 } } },
    /logRetentionDays: one of 1, 3, 5/,
  );
  refused({ "stele:settings": { dev: { originPrefix: "a/" } } }, /originPrefix: no spaces/);
});
