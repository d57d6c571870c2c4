/**
 * The composition root: adapters built once per process (at Lambda cold start) from Config.
 * Functions and the local stack call these and nothing else to get their dependencies.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KMSClient } from "@aws-sdk/client-kms";
import { DynamoDbStore } from "./adapters/dynamodb/dynamodb-store.ts";
import { KmsCheckpointSigner } from "./adapters/kms/kms-checkpoint-signer.ts";
import { DevCheckpointSigner } from "./adapters/local/dev-checkpoint-signer.ts";
import type { Config } from "./config.ts";
import { fromHex } from "./domain/bytes.ts";
import { originOf } from "./domain/ledger/ledger-name.ts";
import type { CheckpointSigner } from "./ports/checkpoint-signer.ts";

/** Local endpoints accept any credentials; AWS uses the function's role. */
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export function createDynamoDbClient(config: Config): DynamoDBClient {
  const endpoint = config.STELE_DYNAMODB_ENDPOINT;
  return new DynamoDBClient({
    region: config.AWS_REGION,
    ...(endpoint === undefined ? {} : { endpoint, credentials: LOCAL_CREDENTIALS }),
  });
}

export function createStore(config: Config): DynamoDbStore {
  return new DynamoDbStore({
    client: createDynamoDbClient(config),
    tableName: config.STELE_TABLE_NAME,
  });
}

export function createCheckpointSigner(config: Config): CheckpointSigner {
  if (config.STELE_CHECKPOINT_SIGNER === "dev") {
    return new DevCheckpointSigner(fromHex(config.STELE_DEV_CHECKPOINT_KEY ?? ""));
  }
  return new KmsCheckpointSigner({
    client: createKmsClient(config),
    keyId: config.STELE_CHECKPOINT_KEY_ID ?? "",
  });
}

export function createKmsClient(config: Config): KMSClient {
  const endpoint = config.STELE_KMS_ENDPOINT;
  return new KMSClient({
    region: config.AWS_REGION,
    ...(endpoint === undefined ? {} : { endpoint, credentials: LOCAL_CREDENTIALS }),
  });
}

export function ledgerOrigin(config: Config): (ledger: string) => string {
  return (ledger) => originOf(config.STELE_ORIGIN_PREFIX, ledger);
}
