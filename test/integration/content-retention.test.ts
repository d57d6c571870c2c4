// Encrypted retention end to end: the local stack with its content data keys from KMS (moto) and
// its table in dynalite. Retained documents and transactions come back to a read-content key of
// their tenant; nothing in the raw table is plaintext; erasing leaves a 410 and a proof that
// still verifies, and a retry with the first request's Idempotency-Key does not bring it back.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type AttributeValue,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { type LocalStack, startLocalStack } from "../../local/stack.ts";
import { DataKeyCache } from "../../shared/adapters/crypto/data-key-cache.ts";
import { EnvelopeContentCipher } from "../../shared/adapters/crypto/envelope-cipher.ts";
import { KmsDataKeySource } from "../../shared/adapters/kms/kms-data-keys.ts";
import { systemClock } from "../../shared/adapters/system/system-clock.ts";
import { contentAad } from "../../shared/app/retained-content.ts";
import { verifyBundle } from "../../shared/app/verify-bundle.ts";
import { loadConfig } from "../../shared/config.ts";
import { parseBundle } from "../../shared/domain/proof/bundle-codec.ts";
import { canonicalJson } from "../../shared/domain/proof/content-hash.ts";
import { sha256Hex } from "../../shared/http/auth.ts";
import type { ApiKeyRecord, ApiScope } from "../../shared/ports/api-key-store.ts";
import { ContentDecryptionError } from "../../shared/ports/content-cipher.ts";
import { createDynamoDbClient, createStore } from "../../shared/wiring.ts";
import { type MotoServer, resetMoto, startMotoServer } from "../support/moto/moto-server.ts";

const KEYS = {
  farm: `stele_farm_${randomBytes(16).toString("hex")}`,
  farmReadOnly: `stele_fro_${randomBytes(16).toString("hex")}`,
  shop: `stele_shop_${randomBytes(16).toString("hex")}`,
};
/** Content distinctive enough that finding it anywhere in the table is no accident. */
const DOCUMENT = new Uint8Array(
  Buffer.concat([Buffer.from("CONFIDENTIAL lab report "), randomBytes(48)]),
);
const PAYLOAD = {
  patient: `P-${randomBytes(12).toString("hex")}`,
  result: "negative",
  mgPerL: 0.5,
};
const PAYLOAD_BYTES = Buffer.from(canonicalJson(PAYLOAD), "utf8");
const IDEMPOTENCY = { "idempotency-key": `retain-${randomBytes(8).toString("hex")}` };
const BODY = {
  entries: [
    { kind: "document", content: Buffer.from(DOCUMENT).toString("base64"), retain: true },
    { kind: "transaction", payload: PAYLOAD, retain: true },
    { kind: "document", contentHash: randomBytes(32).toString("hex") },
  ],
};

let moto: MotoServer;
let contentKeyArn = "";
let dataDir: string;
let stack: LocalStack;
const ids = { document: "", transaction: "", hashOnly: "" };

async function api(
  key: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      ...options.headers,
      authorization: `Bearer ${key}`,
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = Buffer.from(bytes).toString("utf8");
  return {
    status: response.status,
    type: response.headers.get("content-type") ?? "",
    headers: response.headers,
    bytes,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

function key(name: string, tenant: string, scopes: ApiScope[]): ApiKeyRecord {
  return { keyHash: sha256Hex(name), keyId: name.slice(0, 12), scopes, tenant, label: "retention" };
}

before(async () => {
  moto = await startMotoServer();
  await resetMoto(moto);
  const kms = new KMSClient({
    endpoint: moto.endpoint,
    region: moto.region,
    credentials: moto.credentials,
  });
  const created = await kms.send(new CreateKeyCommand({ Description: "stele content test" }));
  kms.destroy();
  const keyId = created.KeyMetadata?.Arn;
  assert.ok(keyId !== undefined);
  contentKeyArn = keyId;
  // The functions read these at import: KMS envelope encryption instead of the dev key.
  Object.assign(process.env, {
    AWS_REGION: moto.region,
    STELE_CONTENT_CIPHER: "kms",
    STELE_CONTENT_KEY_ID: keyId,
    STELE_KMS_ENDPOINT: moto.endpoint,
  });
  dataDir = await mkdtemp(join(tmpdir(), "stele-retention-"));
  stack = await startLocalStack({
    dataDir,
    port: 0,
    integrateIntervalMs: 60_000,
    originPrefix: "stele.test",
    log: () => {},
    page: false,
  });
  const store = createStore(loadConfig(process.env));
  await store.putApiKey(key(KEYS.farm, "farm", ["read", "write", "read-content", "erase-content"]));
  await store.putApiKey(key(KEYS.farmReadOnly, "farm", ["read"]));
  await store.putApiKey(key(KEYS.shop, "shop", ["read", "write", "read-content", "erase-content"]));
  const posted = await api(KEYS.farm, "POST", "/v1/entries", {
    body: BODY,
    headers: IDEMPOTENCY,
  });
  assert.equal(posted.status, 202, posted.text);
  const entries = posted.json().entries as { id: string; retained?: boolean }[];
  assert.deepEqual(
    entries.map((entry) => entry.retained),
    [true, true, undefined],
  );
  [ids.document = "", ids.transaction = "", ids.hashOnly = ""] = entries.map((entry) => entry.id);
});

after(async () => {
  await stack?.stop();
  await moto?.stop();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

/** Every string and binary value of the raw table, as bytes, with where it was. */
async function rawValues(): Promise<{ where: string; bytes: Buffer }[]> {
  const config = loadConfig(process.env);
  const client = createDynamoDbClient(config);
  const values: { where: string; bytes: Buffer }[] = [];
  const walk = (where: string, value: AttributeValue) => {
    if (value.S !== undefined) values.push({ where, bytes: Buffer.from(value.S, "utf8") });
    if (value.B !== undefined) values.push({ where, bytes: Buffer.from(value.B) });
    for (const [i, inner] of (value.L ?? []).entries()) walk(`${where}[${i}]`, inner);
    for (const [name, inner] of Object.entries(value.M ?? {})) walk(`${where}.${name}`, inner);
    for (const text of value.SS ?? []) values.push({ where, bytes: Buffer.from(text, "utf8") });
  };
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: config.STELE_TABLE_NAME,
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    );
    for (const item of page.Items ?? []) {
      const name = `${item.pk?.S}/${item.sk?.S}`;
      for (const [attribute, value] of Object.entries(item)) walk(`${name}.${attribute}`, value);
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  client.destroy();
  return values;
}

describe("retained content", () => {
  it("comes back, exactly the bytes its contentHash hashes, to a read-content key", async () => {
    const document = await api(KEYS.farm, "GET", `/v1/entries/${ids.document}/content`);
    assert.equal(document.status, 200, document.text);
    assert.equal(document.type, "application/octet-stream");
    assert.match(document.headers.get("cache-control") ?? "", /no-store/);
    assert.deepEqual(document.bytes, DOCUMENT);
    const transaction = await api(KEYS.farm, "GET", `/v1/entries/${ids.transaction}/content`);
    assert.equal(transaction.status, 200, transaction.text);
    assert.equal(transaction.type, "application/json");
    assert.deepEqual(Buffer.from(transaction.bytes), PAYLOAD_BYTES);
    assert.deepEqual(transaction.json(), PAYLOAD);
    const entry = await api(KEYS.farm, "GET", `/v1/entries/${ids.transaction}`);
    assert.equal(entry.json().retained, true);
    assert.equal(entry.json().contentHash, sha256Hex(PAYLOAD_BYTES.toString("utf8")));
  });

  it("is 403 without the read-content scope, 404 to another tenant, 404 if not retained", async () => {
    const readOnly = await api(KEYS.farmReadOnly, "GET", `/v1/entries/${ids.document}/content`);
    assert.equal(readOnly.status, 403);
    assert.match(readOnly.json().detail as string, /read-content/);
    const erase = await api(KEYS.farmReadOnly, "DELETE", `/v1/entries/${ids.document}/content`);
    assert.equal(erase.status, 403);
    assert.match(erase.json().detail as string, /erase-content/);

    const unknown = await api(KEYS.shop, "GET", "/v1/entries/01JDX7R4M8Q2V3N5P6K7H8J9AB/content");
    assert.equal(unknown.status, 404);
    const others = await api(KEYS.shop, "GET", `/v1/entries/${ids.document}/content`);
    assert.equal(others.status, 404);
    assert.equal(
      (others.json().detail as string).replace(ids.document, "<id>"),
      (unknown.json().detail as string).replace("01JDX7R4M8Q2V3N5P6K7H8J9AB", "<id>"),
      "another tenant's entry is answered as an unknown id",
    );
    const othersErase = await api(KEYS.shop, "DELETE", `/v1/entries/${ids.document}/content`);
    assert.equal(othersErase.status, 404);

    const hashOnly = await api(KEYS.farm, "GET", `/v1/entries/${ids.hashOnly}/content`);
    assert.equal(hashOnly.status, 404);
    assert.match(hashOnly.json().detail as string, /not retained/);
    assert.equal(
      (await api(KEYS.farm, "DELETE", `/v1/entries/${ids.hashOnly}/content`)).status,
      404,
    );
  });

  it("is nowhere in the raw table as plaintext, base64 or hex", async () => {
    const values = await rawValues();
    assert.ok(
      values.some((value) => value.where.includes("ciphertext")),
      "content items exist",
    );
    // Sealed under the KMS key (moto), not the dev key.
    const keyIds = values.filter(
      (value) => value.where.startsWith("CONTENT#") && value.where.endsWith(".keyId"),
    );
    assert.equal(keyIds.length, 2);
    for (const { bytes } of keyIds) assert.equal(bytes.toString("utf8"), contentKeyArn);
    for (const plaintext of [Buffer.from(DOCUMENT), PAYLOAD_BYTES, Buffer.from(PAYLOAD.patient)]) {
      const forms = [
        plaintext,
        Buffer.from(plaintext.toString("base64")),
        Buffer.from(plaintext.toString("hex")),
        // A prefix long enough to be no accident, in case of a truncated copy.
        plaintext.subarray(0, 24),
      ];
      for (const { where, bytes } of values) {
        for (const form of forms) {
          assert.ok(!bytes.includes(form), `${where} holds retained content in the clear`);
        }
      }
    }
  });

  it("moved under another entry's id, does not open: a 500, not the other entry's content", async () => {
    const posted = await api(KEYS.farm, "POST", "/v1/entries", {
      body: { entries: [{ kind: "transaction", payload: { other: true }, retain: true }] },
    });
    const otherId = (posted.json().entries as { id: string }[])[0]?.id ?? "";
    const config = loadConfig(process.env);
    const client = createDynamoDbClient(config);
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: config.STELE_TABLE_NAME,
        Key: { pk: { S: `CONTENT#${ids.transaction}` }, sk: { S: "CONTENT" } },
      }),
    );
    assert.ok(Item !== undefined);
    await client.send(
      new PutItemCommand({
        TableName: config.STELE_TABLE_NAME,
        Item: { ...Item, pk: { S: `CONTENT#${otherId}` } },
      }),
    );
    client.destroy();
    const swapped = await api(KEYS.farm, "GET", `/v1/entries/${otherId}/content`);
    assert.equal(swapped.status, 500);
    assert.ok(!swapped.text.includes(PAYLOAD.patient));
    assert.equal(swapped.json().detail, undefined, "a server fault says nothing of its cause");
  });

  it("is refused when a document gives only its hash, naming the field", async () => {
    const refused = await api(KEYS.farm, "POST", "/v1/entries", {
      body: { entries: [{ kind: "document", contentHash: "ab".repeat(32), retain: true }] },
    });
    assert.equal(refused.status, 400);
    assert.deepEqual(
      (refused.json().errors as { path: string }[]).map((error) => error.path),
      ["entries.0.retain"],
    );
  });

  it("erased: 410 saying when, idempotent, not restored by a retry, the proof still valid", async () => {
    await stack.integrateNow();
    const erased = await api(KEYS.farm, "DELETE", `/v1/entries/${ids.document}/content`);
    assert.equal(erased.status, 204, erased.text);
    assert.equal(erased.text, "");
    const gone = await api(KEYS.farm, "GET", `/v1/entries/${ids.document}/content`);
    assert.equal(gone.status, 410, gone.text);
    assert.equal(gone.type, "application/problem+json");
    const when = /erased at (\S+?);/.exec(gone.json().detail as string)?.[1];
    assert.ok(when !== undefined && !Number.isNaN(Date.parse(when)), gone.text);
    assert.equal(
      (await api(KEYS.farm, "DELETE", `/v1/entries/${ids.document}/content`)).status,
      204,
    );
    const again = await api(KEYS.farm, "GET", `/v1/entries/${ids.document}/content`);
    assert.equal(again.json().detail, gone.json().detail, "the first erasure's time stays");

    // The same request again, with its Idempotency-Key: the first answer, and still erased.
    const retried = await api(KEYS.farm, "POST", "/v1/entries", {
      body: BODY,
      headers: IDEMPOTENCY,
    });
    assert.equal(retried.status, 202, retried.text);
    assert.deepEqual(
      (retried.json().entries as { id: string }[]).map((entry) => entry.id),
      [ids.document, ids.transaction, ids.hashOnly],
    );
    assert.equal((await api(KEYS.farm, "GET", `/v1/entries/${ids.document}/content`)).status, 410);
    // The other retained entry is untouched by both.
    const kept = await api(KEYS.farm, "GET", `/v1/entries/${ids.transaction}/content`);
    assert.deepEqual(Buffer.from(kept.bytes), PAYLOAD_BYTES);

    // Nothing of the erased content is left in the table, not even sealed.
    const values = await rawValues();
    const erasedItem = values.filter((value) => value.where.startsWith(`CONTENT#${ids.document}/`));
    assert.deepEqual(erasedItem.map((value) => value.where.split(".").at(-1)).sort(), [
      "erasedAt",
      "pk",
      "sk",
    ]);

    const proof = await api(KEYS.farm, "GET", `/v1/entries/${ids.document}/proof`);
    assert.equal(proof.status, 200, proof.text);
    const bundle = parseBundle(proof.json());
    assert.equal(bundle.entry.contentHash, createHash("sha256").update(DOCUMENT).digest("hex"));
    const verdict = await verifyBundle(bundle, { trustedSigner: stack.checkpointSigner });
    assert.equal(verdict.valid, true, JSON.stringify(verdict.failure));
  });
});

describe("KmsDataKeySource on moto, behind the data key cache", () => {
  it("one GenerateDataKey for many records, one Decrypt per reader; tampering does not open", async () => {
    const calls = { GenerateDataKeyCommand: 0, DecryptCommand: 0 };
    const client = new KMSClient({
      endpoint: moto.endpoint,
      region: moto.region,
      credentials: moto.credentials,
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName as keyof typeof calls;
        if (name in calls) calls[name]++;
        return next(args);
      },
      { step: "initialize", name: "countKmsCalls" },
    );
    const source = new KmsDataKeySource({ client, keyId: contentKeyArn });
    const writer = new EnvelopeContentCipher(new DataKeyCache(source, systemClock));
    const sealed = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        writer.encrypt(new TextEncoder().encode(`record ${i}`), contentAad(`ID${i}`)),
      ),
    );
    assert.equal(calls.GenerateDataKeyCommand, 1);
    const reader = new EnvelopeContentCipher(new DataKeyCache(source, systemClock));
    for (const [i, record] of sealed.entries()) {
      assert.equal(
        new TextDecoder().decode(await reader.decrypt(record, contentAad(`ID${i}`))),
        `record ${i}`,
      );
    }
    assert.equal(calls.DecryptCommand, 1);
    const first = sealed[0];
    assert.ok(first !== undefined);
    await assert.rejects(reader.decrypt(first, contentAad("ID1")), ContentDecryptionError);
    const blob = first.encryptedDataKey.slice();
    blob[blob.length - 1] = (blob[blob.length - 1] ?? 0) ^ 1;
    const otherReader = new EnvelopeContentCipher(new DataKeyCache(source, systemClock));
    await assert.rejects(
      otherReader.decrypt({ ...first, encryptedDataKey: blob }, contentAad("ID0")),
      ContentDecryptionError,
    );
    client.destroy();
  });
});
