// Fault matrix, KMS cell: integrate signing checkpoints with the KMS checkpoint key (moto_server,
// through a proxy that answers as KMS does when it throttles or fails). A run whose Sign (or
// GetPublicKey) fails publishes nothing: the head and the checkpoints stay as they were, no
// checkpoint of the new size exists. Once KMS answers again the next run finishes the same plan
// and the ledger is healed: every acknowledged entry once, every checkpoint signed by the key and
// consistent with its predecessor.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { CreateKeyCommand, type KMSClient } from "@aws-sdk/client-kms";
import { DynamoDbStore } from "../../shared/adapters/dynamodb/dynamodb-store.ts";
import { createTable } from "../../shared/adapters/dynamodb/table.ts";
import {
  KmsCheckpointKeyError,
  KmsCheckpointSigner,
} from "../../shared/adapters/kms/kms-checkpoint-signer.ts";
import { getProof } from "../../shared/app/read-entries.ts";
import { verifyBundle } from "../../shared/app/verify-bundle.ts";
import { NotYetError } from "../../shared/domain/errors.ts";
import { type DynamoDbBackend, startDynalite } from "../support/dynamodb/dynalite.ts";
import {
  type AwsErrorAnswer,
  AwsFaultProxy,
  KMS_ERRORS,
} from "../support/faults/aws-fault-proxy.ts";
import {
  LedgerWorkload,
  sdkDynamoClient,
  sdkKmsClient,
  TENANT,
} from "../support/faults/ledger-workload.ts";
import { type MotoServer, startMotoServer } from "../support/moto/moto-server.ts";

let moto: MotoServer;
let dynalite: DynamoDbBackend;
let proxy: AwsFaultProxy;
let direct: KMSClient;
let viaProxy: KMSClient;
let keyId: string;
let store: DynamoDbStore;

before(async () => {
  [moto, dynalite] = await Promise.all([startMotoServer(), startDynalite()]);
  proxy = await AwsFaultProxy.start(moto.endpoint);
  direct = sdkKmsClient(moto.endpoint);
  viaProxy = sdkKmsClient(proxy.endpoint);
  const created = await direct.send(
    new CreateKeyCommand({ KeySpec: "ECC_SECG_P256K1", KeyUsage: "SIGN_VERIFY" }),
  );
  keyId = created.KeyMetadata?.KeyId ?? "";
  const client = sdkDynamoClient(dynalite.endpoint);
  const tableName = `matrix-kms-${randomUUID().slice(0, 8)}`;
  await createTable(client, tableName);
  store = new DynamoDbStore({ client, tableName });
});

after(async () => {
  direct?.destroy();
  viaProxy?.destroy();
  await proxy?.stop();
  await Promise.all([moto?.stop(), dynalite?.stop()]);
});

/** What KMS answers for a key that is disabled, or pending deletion (400s, not retried). */
function keyStateErrors(): Record<string, AwsErrorAnswer> {
  const arn = `arn:aws:kms:us-east-1:123456789012:key/${keyId}`;
  return {
    disabled: { status: 400, type: "DisabledException", message: `${arn} is disabled.` },
    invalidState: {
      status: 400,
      type: "KMSInvalidStateException",
      message: `${arn} is pending deletion.`,
    },
  };
}

/** The ledger's head size and its checkpoints' sizes, as readers see them. */
async function published(ledger: string) {
  const head = await store.getHead(ledger);
  const sizes = (await store.listCheckpoints(ledger, 1, Number.MAX_SAFE_INTEGER, 10_000)).map(
    (c) => c.treeSize,
  );
  return { head: head?.treeSize ?? 0, sizes };
}

test("KMS throttled, failing or refusing a disabled key: no checkpoint published; healed once KMS answers", async (t) => {
  const started = performance.now();
  const signer = new KmsCheckpointSigner({ client: viaProxy, keyId });
  const w = new LedgerWorkload("kms-faults", signer);
  await w.accept({ store, count: 5, subjectEvery: 2 });
  assert.ok(!((await w.integrate(store)) instanceof Error));

  // A throttle the SDK's retries get through: the run succeeds.
  proxy.inject({ operations: ["Sign"], answer: KMS_ERRORS.throttling, times: 2 });
  await w.accept({ store, count: 3 });
  assert.ok(!((await w.integrate(store)) instanceof Error), "retried through a short throttle");

  const readDeps = { entries: store, log: store };
  const { disabled, invalidState } = keyStateErrors();
  const faults: [string, AwsErrorAnswer, number][] = [
    ["throttling past the SDK's retries", KMS_ERRORS.throttling, 10],
    ["KMSInternalException past the SDK's retries", KMS_ERRORS.internal, 10],
    ["DisabledException (not retried)", disabled ?? KMS_ERRORS.internal, 1],
    ["KMSInvalidStateException (not retried)", invalidState ?? KMS_ERRORS.internal, 1],
  ];
  for (const [name, answer, times] of faults) {
    await w.accept({ store, count: 4, subjectEvery: 2 });
    const before = await published(w.ledger);
    proxy.inject({ operations: ["Sign"], answer, times });
    const failed = await w.integrate(store);
    proxy.clear();
    assert.ok(failed instanceof KmsCheckpointKeyError, `${name}: the run fails: ${failed}`);
    assert.equal(failed.operation, "Sign");
    assert.match(failed.message, new RegExp(answer.type));
    assert.deepEqual(await published(w.ledger), before, `${name}: nothing published`);
    // What a client asking for the proof of a new entry sees meanwhile: "not yet", retry later.
    const newest = w.acknowledged.at(-1)?.id ?? "";
    await assert.rejects(getProof(readDeps, newest, { reader: { tenant: TENANT } }), NotYetError);
    // The next scheduled run, with KMS back, finishes the plan the failed run left.
    await w.heal(store);
    const healed = await w.assertHealed(store);
    assert.ok(healed > before.head, `${name}: the entries are sequenced after recovery`);
    const bundle = await getProof(readDeps, newest, { reader: { tenant: TENANT } });
    const verdict = await verifyBundle(bundle, { trustedSigner: await signer.address() });
    assert.equal(verdict.valid, true, `${name}: ${JSON.stringify(verdict.failure)}`);
  }

  // (A key disabled for real in moto 5.2.1 still signs: moto does not check the key's state on
  // Sign, so DisabledException and KMSInvalidStateException come from the proxy, in KMS's shape.)

  // A cold start whose GetPublicKey is throttled past retries: the run fails before any write
  // of a checkpoint; the next cold start (a new signer) heals.
  const cold = new KmsCheckpointSigner({ client: viaProxy, keyId });
  const coldWorkload = new LedgerWorkload("kms-faults", cold);
  coldWorkload.acknowledged.push(...w.acknowledged);
  await coldWorkload.accept({ store, count: 3 });
  const before = await published(w.ledger);
  proxy.inject({ operations: ["GetPublicKey"], answer: KMS_ERRORS.throttling, times: 10 });
  const failed = await coldWorkload.integrate(store);
  proxy.clear();
  assert.ok(failed instanceof KmsCheckpointKeyError && failed.operation === "GetPublicKey");
  assert.deepEqual(await published(w.ledger), before, "GetPublicKey failed: nothing published");
  await coldWorkload.heal(store);
  await coldWorkload.assertHealed(store);
  t.diagnostic(
    `faults ${JSON.stringify(Object.fromEntries(proxy.injected))}; ${Math.round(performance.now() - started)} ms`,
  );
});
