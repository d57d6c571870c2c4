// RPC URLs kept in a Secrets Manager secret (rpcUrlsSecret), read through the real SDK client
// from moto_server: the adapter reads the secret's SecretString by name or ARN, createAnchorChains
// builds the chain on the URLs it holds (a stand-in JSON-RPC endpoint proves which URL is used),
// and a missing, binary, empty or bad secret stops the anchor function at start naming it,
// never showing its value.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, test } from "node:test";
import {
  CreateSecretCommand,
  type CreateSecretCommandInput,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { SecretsManagerSecretStore } from "../../shared/adapters/secrets-manager/secrets-manager-secret-store.ts";
import { loadConfig } from "../../shared/config.ts";
import { SecretNotFoundError, SecretNotTextError } from "../../shared/ports/secret-store.ts";
import { createSecretStore, createSecretsManagerClient } from "../../shared/wiring.ts";
import { createAnchorChains } from "../../shared/wiring-chain.ts";
import { type MotoServer, resetMoto, startMotoServer } from "../support/moto/moto-server.ts";

const SECRET = "stele/test/rpc/11155111";
const CONTRACT = `0x${"ab".repeat(20)}`;

let moto: MotoServer;
let secretsManager: SecretsManagerClient;
let rpc: Server;
let rpcUrl: string;
const rpcPaths: string[] = [];

/**
 * Answers `eth_chainId` with Sepolia's id (11155111) and every other JSON-RPC call with block
 * number 42, and records the path each call came on.
 */
async function startRpcStandIn(): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      rpcPaths.push(request.url ?? "");
      const call = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        id: number;
        method: string;
      };
      const result = call.method === "eth_chainId" ? "0xaa36a7" : "0x2a";
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ jsonrpc: "2.0", id: call.id, result }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return server;
}

function env(chains: unknown) {
  return {
    STELE_TABLE_NAME: "stele",
    STELE_ORIGIN_PREFIX: "stele.test",
    STELE_CHECKPOINT_SIGNER: "dev",
    STELE_DEV_CHECKPOINT_KEY: "11".repeat(32),
    STELE_ANCHOR_SIGNER: "dev",
    STELE_DEV_ANCHOR_KEY: "22".repeat(32),
    AWS_REGION: moto.region,
    STELE_SECRETS_MANAGER_ENDPOINT: moto.endpoint,
    STELE_CHAINS: JSON.stringify(chains),
  };
}

/** Creates secret `name` (as text unless `value` says otherwise) and returns its full ARN. */
async function createSecret(
  name: string,
  value: Pick<CreateSecretCommandInput, "SecretString" | "SecretBinary">,
): Promise<string> {
  const { ARN } = await secretsManager.send(new CreateSecretCommand({ Name: name, ...value }));
  assert.ok(ARN !== undefined);
  return ARN;
}

async function failure(pending: Promise<unknown>): Promise<unknown> {
  return pending.then(
    () => assert.fail("it succeeded"),
    (error: unknown) => error,
  );
}

before(async () => {
  moto = await startMotoServer();
  secretsManager = new SecretsManagerClient({
    region: moto.region,
    endpoint: moto.endpoint,
    credentials: moto.credentials,
  });
  rpc = await startRpcStandIn();
  rpcUrl = `http://127.0.0.1:${(rpc.address() as AddressInfo).port}`;
});

after(async () => {
  secretsManager?.destroy();
  await new Promise<void>((resolve) =>
    rpc === undefined ? resolve() : rpc.close(() => resolve()),
  );
  await moto?.stop();
});

beforeEach(async () => {
  await resetMoto(moto);
  rpcPaths.length = 0;
});

test("the adapter reads a secret's SecretString by name or ARN", async () => {
  const arn = await createSecret(SECRET, { SecretString: "https://rpc.example/v3/SECRET" });
  assert.match(arn, /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:stele\/test\/rpc\/11155111-/);
  const secrets = new SecretsManagerSecretStore({ client: secretsManager });
  assert.equal(await secrets.read(SECRET), "https://rpc.example/v3/SECRET");
  assert.equal(await secrets.read(arn), "https://rpc.example/v3/SECRET");
});

test("the adapter names a secret that does not exist, or has no value", async () => {
  const secrets = new SecretsManagerSecretStore({ client: secretsManager });
  const missing = await failure(secrets.read("stele/test/rpc/nope"));
  assert.ok(missing instanceof SecretNotFoundError, String(missing));
  assert.equal(missing.secretName, "stele/test/rpc/nope");
  assert.equal(
    missing.message,
    "secret stele/test/rpc/nope does not exist: create it, or fix its name",
  );

  await secretsManager.send(new CreateSecretCommand({ Name: "stele/test/rpc/empty" }));
  const valueless = await failure(secrets.read("stele/test/rpc/empty"));
  assert.ok(valueless instanceof SecretNotFoundError, String(valueless));
});

test("the adapter refuses a binary secret", async () => {
  await createSecret(SECRET, { SecretBinary: new TextEncoder().encode("https://rpc.example") });
  const secrets = new SecretsManagerSecretStore({ client: secretsManager });
  const binary = await failure(secrets.read(SECRET));
  assert.ok(binary instanceof SecretNotTextError, String(binary));
  assert.equal(binary.secretName, SECRET);
});

test("wiring: STELE_SECRETS_MANAGER_ENDPOINT points the Secrets Manager client at moto", async () => {
  await createSecret(SECRET, { SecretString: "http://a.example,http://b.example" });
  const config = loadConfig(env([]));
  assert.equal(await createSecretStore(config).read(SECRET), "http://a.example,http://b.example");
  createSecretsManagerClient(config).destroy();
});

test("createAnchorChains builds a chain on the URLs of its rpcUrlsSecret", async () => {
  await createSecret(SECRET, { SecretString: ` ${rpcUrl}/v3/SECRET-KEY ` });
  const config = loadConfig(
    env([{ chainId: 11155111, rpcUrlsSecret: SECRET, contract: CONTRACT }]),
  );
  const [chain, ...rest] = await createAnchorChains(config);
  assert.ok(chain !== undefined && rest.length === 0);
  assert.equal(chain.chainId, 11155111);
  assert.equal(await chain.headNumber(), 42, "the endpoint from the secret answered");
  // The chain id, then the block number: both on the endpoint from the secret.
  assert.deepEqual(rpcPaths, ["/v3/SECRET-KEY", "/v3/SECRET-KEY"]);
});

test("a missing, binary, empty or bad secret stops the start naming it, never its value", async () => {
  const config = loadConfig(
    env([
      { chainId: 137, rpcUrls: [rpcUrl], contract: CONTRACT },
      { chainId: 11155111, rpcUrlsSecret: SECRET, contract: CONTRACT },
    ]),
  );
  const where = `bad configuration: STELE_CHAINS.1.rpcUrlsSecret: Secrets Manager secret ${SECRET}`;
  await assert.rejects(createAnchorChains(config), {
    message: `${where} does not exist or has no value: create it (its SecretString the comma-separated http(s) URLs), or fix the name`,
  });

  await createSecret(SECRET, { SecretBinary: new TextEncoder().encode(`${rpcUrl}/SECRET-KEY`) });
  await assert.rejects(createAnchorChains(config), {
    message: `${where} holds binary data (SecretBinary): store the comma-separated http(s) URLs as its SecretString`,
  });

  await resetMoto(moto);
  await createSecret(SECRET, { SecretString: " , " });
  await assert.rejects(createAnchorChains(config), {
    message: `${where}: holds no URL: it must hold comma-separated http(s) URLs`,
  });

  await resetMoto(moto);
  await createSecret(SECRET, { SecretString: `${rpcUrl},wss://ws.example/SECRET-KEY` });
  const bad = await failure(createAnchorChains(config));
  assert.ok(bad instanceof Error);
  assert.equal(bad.message, `${where}: URL 2 of 2: an http(s) URL`);
  assert.doesNotMatch(bad.message, /SECRET-KEY|ws\.example/);
  assert.deepEqual(rpcPaths, [], "no chain was called");
});
