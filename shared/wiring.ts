/**
 * The composition root: adapters built once per process (at Lambda cold start) from Config.
 * Functions and the local stack call these and nothing else to get their dependencies.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KMSClient } from "@aws-sdk/client-kms";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DynamoDbStore } from "./adapters/dynamodb/dynamodb-store.ts";
import { KmsCheckpointSigner } from "./adapters/kms/kms-checkpoint-signer.ts";
import { DevCheckpointSigner } from "./adapters/local/dev-checkpoint-signer.ts";
import { SecretsManagerSecretStore } from "./adapters/secrets-manager/secrets-manager-secret-store.ts";
import { type FaultPoints, faultPoints } from "./adapters/system/fault-points.ts";
import type { Config } from "./config.ts";
import { fromHex } from "./domain/bytes.ts";
import { originOf } from "./domain/ledger/ledger-name.ts";
import type { CheckpointSigner } from "./ports/checkpoint-signer.ts";
import type { SecretStore } from "./ports/secret-store.ts";

/** Local endpoints accept any credentials; AWS uses the function's role. */
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export interface ClientOptions {
  /**
   * Wraps each AWS SDK client once it is built: the functions pass the Tracer's
   * captureAWSv3Client (an X-Ray subsegment per call). Without it, clients are used as built.
   */
  readonly instrument?: <Client extends object>(client: Client) => Client;
}

function instrumented<Client extends object>(client: Client, options: ClientOptions): Client {
  return options.instrument === undefined ? client : options.instrument(client);
}

export function createDynamoDbClient(config: Config, options: ClientOptions = {}): DynamoDBClient {
  const endpoint = config.STELE_DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient({
    region: config.AWS_REGION,
    ...(endpoint === undefined ? {} : { endpoint, credentials: LOCAL_CREDENTIALS }),
  });
  return instrumented(client, options);
}

let processFaultPoints: FaultPoints | undefined;

/**
 * `adapter`, its calls made fault points when the tests ask (STELE_FAULT_POINT or
 * STELE_FAULT_TRACE; see fault-points.ts); otherwise `adapter` itself. One count of calls for
 * the whole process, whichever adapter they go to.
 */
export function withFaultPoints<T extends object>(config: Config, adapter: T): T {
  processFaultPoints ??= faultPoints(config);
  return processFaultPoints.wrap(adapter);
}

export function createStore(config: Config, options: ClientOptions = {}): DynamoDbStore {
  return withFaultPoints(
    config,
    new DynamoDbStore({
      client: createDynamoDbClient(config, options),
      tableName: config.STELE_TABLE_NAME,
    }),
  );
}

export function createCheckpointSigner(
  config: Config,
  options: ClientOptions = {},
): CheckpointSigner {
  const signer =
    config.STELE_CHECKPOINT_SIGNER === "dev"
      ? new DevCheckpointSigner(fromHex(config.STELE_DEV_CHECKPOINT_KEY ?? ""))
      : new KmsCheckpointSigner({
          client: createKmsClient(config, options),
          keyId: config.STELE_CHECKPOINT_KEY_ID ?? "",
        });
  return withFaultPoints(config, signer);
}

export function createKmsClient(config: Config, options: ClientOptions = {}): KMSClient {
  const endpoint = config.STELE_KMS_ENDPOINT;
  const client = new KMSClient({
    region: config.AWS_REGION,
    ...(endpoint === undefined ? {} : { endpoint, credentials: LOCAL_CREDENTIALS }),
  });
  return instrumented(client, options);
}

export function createSecretsManagerClient(
  config: Config,
  options: ClientOptions = {},
): SecretsManagerClient {
  const endpoint = config.STELE_SECRETS_MANAGER_ENDPOINT;
  const client = new SecretsManagerClient({
    region: config.AWS_REGION,
    ...(endpoint === undefined ? {} : { endpoint, credentials: LOCAL_CREDENTIALS }),
  });
  return instrumented(client, options);
}

/** Secrets Manager, for the secrets kept out of the environment (rpcUrlsSecret). */
export function createSecretStore(config: Config, options: ClientOptions = {}): SecretStore {
  return new SecretsManagerSecretStore({ client: createSecretsManagerClient(config, options) });
}

export function ledgerOrigin(config: Config): (ledger: string) => string {
  return (ledger) => originOf(config.STELE_ORIGIN_PREFIX, ledger);
}
