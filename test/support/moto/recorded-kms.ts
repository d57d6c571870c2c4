// A KMS client on moto that records what KMS itself answers, beneath the adapters under test,
// and a fresh ECC_SECG_P256K1 signing key.
import assert from "node:assert/strict";
import { createPublicKey } from "node:crypto";
import { CreateKeyCommand, GetPublicKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import type { MotoServer } from "./moto-server.ts";

export interface RecordedKms {
  readonly client: KMSClient;
  readonly keyId: string;
  /** Every DER signature KMS answered to a Sign, in order, as the adapter received it. */
  readonly rawSignatures: Uint8Array[];
  /** Calls made so far, by command. */
  readonly calls: { getPublicKey: number };
}

export async function recordedKmsWithKey(moto: MotoServer): Promise<RecordedKms> {
  const client = new KMSClient({
    endpoint: moto.endpoint,
    region: moto.region,
    credentials: moto.credentials,
  });
  const rawSignatures: Uint8Array[] = [];
  const calls = { getPublicKey: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "GetPublicKeyCommand") calls.getPublicKey++;
      const result = await next(args);
      const output: object = result.output;
      if (
        context.commandName === "SignCommand" &&
        "Signature" in output &&
        output.Signature instanceof Uint8Array
      ) {
        rawSignatures.push(output.Signature);
      }
      return result;
    },
    { step: "initialize", name: "recordKmsAnswers" },
  );
  const created = await client.send(
    new CreateKeyCommand({ KeySpec: "ECC_SECG_P256K1", KeyUsage: "SIGN_VERIFY" }),
  );
  const keyId = created.KeyMetadata?.KeyId;
  assert.ok(keyId !== undefined, "CreateKey answered no KeyId");
  return { client, keyId, rawSignatures, calls };
}

/** The key's uncompressed point, read from GetPublicKey by Node's own SPKI parser (not ours). */
export async function publicKeyFromKms(client: KMSClient, keyId: string): Promise<Uint8Array> {
  const answer = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
  assert.ok(answer.PublicKey !== undefined);
  const jwk = createPublicKey({
    key: Buffer.from(answer.PublicKey),
    format: "der",
    type: "spki",
  }).export({
    format: "jwk",
  });
  assert.equal(jwk.crv, "secp256k1");
  assert.ok(jwk.x !== undefined && jwk.y !== undefined);
  return Uint8Array.of(
    0x04,
    ...Buffer.from(jwk.x, "base64url"),
    ...Buffer.from(jwk.y, "base64url"),
  );
}
