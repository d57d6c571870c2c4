// rpcUrlsSecret: a chain of STELE_CHAINS may name a Secrets Manager secret holding its RPC URLs
// instead of listing them (they often carry an API key). Checked at start like the rest of
// STELE_CHAINS; read and validated by the anchor function at cold start (here through a fake
// secret store; test/integration/secrets-manager-secret-store.test.ts reads a real one from moto).
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadConfig, parseRpcUrlList, resolveChains } from "../../shared/config.ts";
import {
  SecretNotFoundError,
  SecretNotTextError,
  type SecretStore,
} from "../../shared/ports/secret-store.ts";
import { createAnchorChains } from "../../shared/wiring-chain.ts";

const BASE = {
  STELE_TABLE_NAME: "stele",
  STELE_ORIGIN_PREFIX: "stele.test",
  STELE_CHECKPOINT_SIGNER: "dev",
  STELE_DEV_CHECKPOINT_KEY: "11".repeat(32),
  STELE_ANCHOR_SIGNER: "dev",
  STELE_DEV_ANCHOR_KEY: "22".repeat(32),
};
const CONTRACT = `0x${"ab".repeat(20)}`;
const SECRET = "stele/prod/rpc/11155111";
const SEPOLIA = { chainId: 11155111, rpcUrlsSecret: SECRET, contract: CONTRACT };
const POLYGON = { chainId: 137, rpcUrls: ["http://127.0.0.1:8545"], contract: CONTRACT };
const SECRET_URL = "https://sepolia.example/v3/SECRET-API-KEY";

function withChains(chains: unknown) {
  return { ...BASE, STELE_CHAINS: JSON.stringify(chains) };
}

function problem(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof Error);
    return error.message;
  }
  assert.fail("the configuration was accepted");
}

/** A secret store holding `values`; counts reads. */
function fakeSecrets(values: Record<string, string>) {
  const reads: string[] = [];
  const secrets: SecretStore = {
    read: async (name) => {
      reads.push(name);
      const value = values[name];
      if (value === undefined) throw new SecretNotFoundError(name);
      return value;
    },
  };
  return { secrets, reads };
}

async function resolveProblem(chains: unknown, secrets: SecretStore): Promise<Error> {
  const config = loadConfig(withChains(chains));
  const error = await resolveChains(config.STELE_CHAINS, secrets).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof Error, "the chains were resolved");
  return error;
}

test("a chain gives rpcUrlsSecret instead of rpcUrls; nothing is read at loadConfig", () => {
  const config = loadConfig(withChains([SEPOLIA, POLYGON]));
  assert.deepEqual(config.STELE_CHAINS, [
    { ...SEPOLIA, confirmations: 2, maxFeePerGasGwei: 100 },
    { ...POLYGON, confirmations: 2, maxFeePerGasGwei: 100 },
  ]);
});

test("exactly one of rpcUrls and rpcUrlsSecret", () => {
  assert.match(
    problem(withChains([{ ...SEPOLIA, rpcUrls: POLYGON.rpcUrls }])),
    /STELE_CHAINS\.0\.rpcUrlsSecret: give rpcUrls or rpcUrlsSecret, not both/,
  );
  assert.match(
    problem(withChains([{ chainId: 1, contract: CONTRACT }])),
    /STELE_CHAINS\.0\.rpcUrls: required: rpcUrls, or rpcUrlsSecret naming a Secrets Manager secret/,
  );
});

test("rpcUrlsSecret must be a Secrets Manager secret name or ARN", () => {
  for (const secret of [
    SECRET,
    "stele-rpc",
    "/stele/prod/rpc/1",
    "a_b+c=d.e@f-g",
    "x".repeat(512),
    "arn:aws:secretsmanager:eu-central-1:123456789012:secret:stele/prod/rpc/1-AbC123",
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:stele-rpc",
    "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:stele/rpc-Xy9Z0a",
    "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:rpc",
  ]) {
    assert.equal(
      loadConfig(withChains([{ ...SEPOLIA, rpcUrlsSecret: secret }])).STELE_CHAINS[0]
        ?.rpcUrlsSecret,
      secret,
    );
  }
  for (const secret of [
    "",
    "stele rpc",
    "stele:rpc",
    "https://rpc.example",
    "x".repeat(513),
    "arn:aws:ssm:eu-central-1:123456789012:parameter/stele/rpc",
    "arn:aws:secretsmanager:eu-central-1:1234:secret:stele-rpc",
    "arn:aws:secretsmanager:eu-central-1:123456789012:secret:",
    "arn:aws:secretsmanager:eu-central-1:123456789012:secret:stele rpc",
    "arn:aws:secretsmanager::123456789012:secret:stele-rpc",
    "arn:aws:secretsmanager:eu-central-1:123456789012:stele-rpc",
  ]) {
    assert.match(
      problem(withChains([{ ...SEPOLIA, rpcUrlsSecret: secret }])),
      /STELE_CHAINS\.0\.rpcUrlsSecret: a Secrets Manager secret name \(1 to 512 of A-Za-z0-9\/_\+=\.@-\) or ARN, such as stele\/prod\/rpc\/11155111$/,
      JSON.stringify(secret),
    );
  }
  assert.match(problem(withChains([{ ...SEPOLIA, rpcUrlsSecret: 42 }])), /rpcUrlsSecret: /);
});

test("the secret's value: comma-separated http(s) URLs, blanks around each ignored", () => {
  assert.deepEqual(parseRpcUrlList(SECRET_URL), { urls: [SECRET_URL] });
  assert.deepEqual(parseRpcUrlList(` ${SECRET_URL} ,\nhttp://127.0.0.1:8545,`), {
    urls: [SECRET_URL, "http://127.0.0.1:8545"],
  });
  assert.deepEqual(parseRpcUrlList(" , "), {
    problems: ["holds no URL: it must hold comma-separated http(s) URLs"],
  });
  assert.deepEqual(parseRpcUrlList(`${SECRET_URL},wss://ws.example/KEY,nope`), {
    problems: ["URL 2 of 3: an http(s) URL", "URL 3 of 3: an http(s) URL"],
  });
});

test("resolveChains: URLs read from the secret, once per name, in STELE_CHAINS order", async () => {
  const { secrets, reads } = fakeSecrets({ [SECRET]: `${SECRET_URL},https://b.example` });
  const config = loadConfig(
    withChains([SEPOLIA, POLYGON, { ...SEPOLIA, chainId: 5, confirmations: 3 }]),
  );
  const chains = await resolveChains(config.STELE_CHAINS, secrets);
  assert.deepEqual(chains, [
    {
      chainId: 11155111,
      rpcUrls: [SECRET_URL, "https://b.example"],
      contract: CONTRACT,
      confirmations: 2,
      maxFeePerGasGwei: 100,
    },
    { ...POLYGON, confirmations: 2, maxFeePerGasGwei: 100 },
    {
      chainId: 5,
      rpcUrls: [SECRET_URL, "https://b.example"],
      contract: CONTRACT,
      confirmations: 3,
      maxFeePerGasGwei: 100,
    },
  ]);
  assert.deepEqual(reads, [SECRET]);
});

test("resolveChains: a missing secret is named with what to do", async () => {
  const { secrets } = fakeSecrets({});
  const error = await resolveProblem([POLYGON, SEPOLIA], secrets);
  assert.equal(
    error.message,
    `bad configuration: STELE_CHAINS.1.rpcUrlsSecret: Secrets Manager secret ${SECRET} does not exist or has no value: create it (its SecretString the comma-separated http(s) URLs), or fix the name`,
  );
  assert.ok(error.cause instanceof SecretNotFoundError);
});

test("resolveChains: a binary secret is named with what to do", async () => {
  const binary: SecretStore = {
    read: async (name) => {
      throw new SecretNotTextError(name);
    },
  };
  const error = await resolveProblem([SEPOLIA], binary);
  assert.equal(
    error.message,
    `bad configuration: STELE_CHAINS.0.rpcUrlsSecret: Secrets Manager secret ${SECRET} holds binary data (SecretBinary): store the comma-separated http(s) URLs as its SecretString`,
  );
  assert.ok(error.cause instanceof SecretNotTextError);
});

test("resolveChains: a bad value names the secret and the URL's position, never the URL", async () => {
  const { secrets } = fakeSecrets({ [SECRET]: `${SECRET_URL}, ftp://SECRET-API-KEY` });
  const error = await resolveProblem([SEPOLIA], secrets);
  assert.equal(
    error.message,
    `bad configuration: STELE_CHAINS.0.rpcUrlsSecret: Secrets Manager secret ${SECRET}: URL 2 of 2: an http(s) URL`,
  );
  assert.doesNotMatch(error.message, /SECRET-API-KEY|sepolia\.example/);
  const empty = await resolveProblem([SEPOLIA], fakeSecrets({ [SECRET]: "" }).secrets);
  assert.match(empty.message, /Secrets Manager secret stele\/prod\/rpc\/11155111: holds no URL/);
});

test("resolveChains: an unreadable secret (no access) is named with the store's reason", async () => {
  const denied: SecretStore = {
    read: async () => {
      throw new Error("User is not authorized to perform: secretsmanager:GetSecretValue");
    },
  };
  const error = await resolveProblem([SEPOLIA, { ...SEPOLIA, chainId: 5 }], denied);
  assert.match(
    error.message,
    /STELE_CHAINS\.0\.rpcUrlsSecret: Secrets Manager secret stele\/prod\/rpc\/11155111 could not be read: User is not authorized to perform: secretsmanager:GetSecretValue; STELE_CHAINS\.1\.rpcUrlsSecret: /,
  );
});

test("createAnchorChains reads no secret store when every chain lists its rpcUrls", async () => {
  const { secrets, reads } = fakeSecrets({});
  const chains = await createAnchorChains(loadConfig(withChains([POLYGON])), { secrets });
  assert.deepEqual(
    chains.map((chain) => chain.chainId),
    [137],
  );
  assert.deepEqual(reads, []);
  const viaSecret = await createAnchorChains(loadConfig(withChains([SEPOLIA])), {
    secrets: fakeSecrets({ [SECRET]: SECRET_URL }).secrets,
  });
  assert.deepEqual(
    viaSecret.map(({ chainId, contract }) => ({ chainId, contract })),
    [{ chainId: 11155111, contract: CONTRACT }],
  );
});
