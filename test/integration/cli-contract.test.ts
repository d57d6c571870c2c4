// The operator commands as an operator runs them: `stele contract deploy|authorize` against a
// hardhat node, `stele anchor-address` against moto's KMS.
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { after, before, describe, it } from "node:test";
import { CreateKeyCommand, GetPublicKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { Contract, computeAddress, JsonRpcProvider, Wallet } from "ethers";
import { ANCHOR_ABI } from "../../shared/adapters/chain/anchor-contract.ts";
import { type HardhatNode, startHardhatNode } from "../support/chain/hardhat-node.ts";
import { runStele, type SteleRun } from "../support/cli/run-stele.ts";
import { type MotoServer, startMotoServer } from "../support/moto/moto-server.ts";

// Hardhat's first two well-known dev accounts (funded on every hardhat node).
const OWNER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const OTHER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const OWNER = new Wallet(OWNER_KEY).address;

function stele(args: readonly string[], env: Record<string, string> = {}): Promise<SteleRun> {
  return runStele(args, { cwd: tmpdir(), env });
}

let node: HardhatNode;
let moto: MotoServer;
let provider: JsonRpcProvider;

before(async () => {
  [node, moto] = await Promise.all([startHardhatNode(), startMotoServer()]);
  provider = new JsonRpcProvider(node.url, 31337, { staticNetwork: true, cacheTimeout: -1 });
});

after(async () => {
  provider?.destroy();
  await Promise.all([node?.stop(), moto?.stop()]);
});

describe("stele anchor-address", () => {
  const awsEnv = () => ({
    AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: "true",
  });

  it("prints the address that the key's public key gives", async () => {
    const kms = new KMSClient({
      region: moto.region,
      endpoint: moto.endpoint,
      credentials: moto.credentials,
    });
    const { KeyMetadata } = await kms.send(
      new CreateKeyCommand({ KeySpec: "ECC_SECG_P256K1", KeyUsage: "SIGN_VERIFY" }),
    );
    const keyId = KeyMetadata?.KeyId ?? "";
    const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    kms.destroy();
    // What the README's `aws kms get-public-key … | node -e` one-liner computes.
    const expected = computeAddress(
      `0x${Buffer.from(PublicKey ?? [])
        .subarray(-65)
        .toString("hex")}`,
    );

    const run = await stele(
      [
        "anchor-address",
        "--kms-key-id",
        keyId,
        "--region",
        moto.region,
        "--endpoint",
        moto.endpoint,
      ],
      awsEnv(),
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `${expected}\n`);
  });

  it("names the key it could not read", async () => {
    const run = await stele(
      [
        "anchor-address",
        "--kms-key-id",
        "alias/none",
        "--region",
        moto.region,
        "--endpoint",
        moto.endpoint,
      ],
      awsEnv(),
    );
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^stele: KMS GetPublicKey for the key alias\/none: NotFoundException: .*\n$/,
    );
  });
});

describe("stele contract", () => {
  let anchorAddress: string;

  it("deploys an Anchor owned by STELE_DEPLOYER_KEY", async () => {
    const run = await stele(["contract", "deploy", "--rpc", node.url, "--chain-id", "31337"], {
      STELE_DEPLOYER_KEY: OWNER_KEY,
    });
    assert.equal(run.code, 0, run.stderr);
    const match = new RegExp(
      `^Anchor deployed at (0x[0-9a-fA-F]{40}) on chain 31337 \\(owner ${OWNER}, tx 0x[0-9a-f]{64}, block \\d+, \\d+ gas\\)\\n$`,
    ).exec(run.stdout);
    assert.ok(match?.[1], run.stdout);
    anchorAddress = match[1];
    assert.match(
      run.stderr,
      new RegExp(`^next: stele contract authorize ${anchorAddress} <anchor address>`),
    );
    const anchor = new Contract(anchorAddress, ANCHOR_ABI, provider);
    assert.equal(await anchor.getFunction("owner").staticCall(), OWNER);
  });

  it("authorises an anchorer once, and says so when asked again", async () => {
    const anchorer = new Wallet(`0x${"33".repeat(32)}`).address;
    const run = await stele(["contract", "authorize", anchorAddress, anchorer, "--rpc", node.url], {
      STELE_DEPLOYER_KEY: OWNER_KEY,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(
        `^authorised ${anchorer} on ${anchorAddress} \\(chain 31337, tx 0x[0-9a-f]{64}, block \\d+\\)\\n$`,
      ),
    );
    const anchor = new Contract(anchorAddress, ANCHOR_ABI, provider);
    assert.equal(await anchor.getFunction("isAuthorized").staticCall(anchorer), true);
    const again = await stele(
      ["contract", "authorize", anchorAddress, anchorer, "--rpc", node.url],
      {
        STELE_DEPLOYER_KEY: OWNER_KEY,
      },
    );
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /is already authorised on .*; nothing sent\n$/);
  });

  it("refuses, in one line each: no key, not the owner, no funds, the wrong chain, no contract", async () => {
    const anchorer = new Wallet(`0x${"44".repeat(32)}`).address;
    const noKey = await stele(["contract", "deploy", "--rpc", node.url]);
    assert.equal(noKey.code, 2);
    assert.match(
      noKey.stderr,
      /^stele: no deployer key: set STELE_DEPLOYER_KEY to the owner's private key .*\n$/,
    );

    const notOwner = await stele(
      ["contract", "authorize", anchorAddress, anchorer, "--rpc", node.url],
      {
        STELE_DEPLOYER_KEY: OTHER_KEY,
      },
    );
    assert.equal(notOwner.code, 2);
    assert.equal(
      notOwner.stderr,
      `stele: not owner: ${anchorAddress} is owned by ${OWNER}, and STELE_DEPLOYER_KEY is the key of ${new Wallet(OTHER_KEY).address}\n`,
    );

    const pauper = new Wallet(`0x${"22".repeat(32)}`);
    const noFunds = await stele(["contract", "deploy", "--rpc", node.url], {
      STELE_DEPLOYER_KEY: pauper.privateKey,
    });
    assert.equal(noFunds.code, 2);
    assert.equal(
      noFunds.stderr,
      `stele: no funds: the deployer ${pauper.address} holds nothing on chain 31337; fund it first\n`,
    );

    const wrongChain = await stele(
      ["contract", "deploy", "--rpc", node.url, "--chain-id", "11155111"],
      {
        STELE_DEPLOYER_KEY: OWNER_KEY,
      },
    );
    assert.equal(wrongChain.code, 2);
    assert.equal(
      wrongChain.stderr,
      `stele: wrong chain: ${node.url} serves chain 31337, not 11155111 (--chain-id)\n`,
    );

    const nowhere = await stele(["contract", "authorize", anchorer, anchorer, "--rpc", node.url], {
      STELE_DEPLOYER_KEY: OWNER_KEY,
    });
    assert.equal(nowhere.code, 2);
    assert.equal(
      nowhere.stderr,
      `stele: no contract at ${anchorer} on chain 31337: check the address and --rpc\n`,
    );
  });
});
