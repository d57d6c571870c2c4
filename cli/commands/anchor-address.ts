/** `stele anchor-address --kms-key-id <id>`: the Ethereum address of a KMS secp256k1 key. */
import { CliError } from "../usage-error.ts";

export interface AnchorAddressOptions {
  readonly kmsKeyId: string;
  readonly region?: string;
  readonly endpoint?: string;
}

export async function runAnchorAddress(options: AnchorAddressOptions): Promise<number> {
  // The AWS SDK is loaded only for this command.
  const { KMSClient } = await import("@aws-sdk/client-kms");
  const { KmsKeyError, KmsSecp256k1Key } = await import(
    "../../shared/adapters/kms/kms-secp256k1-key.ts"
  );
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const client = new KMSClient({
    ...(region === undefined ? {} : { region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  });
  const key = new KmsSecp256k1Key({
    client,
    keyId: options.kmsKeyId,
    error: (operation, message, errorOptions) =>
      new KmsKeyError("the", options.kmsKeyId, operation, message, errorOptions),
  });
  try {
    process.stdout.write(`${await key.address()}\n`);
    return 0;
  } catch (error) {
    const message = (error as Error).message;
    if (/region is missing/i.test(message)) {
      throw new CliError("no AWS region: pass --region or set AWS_REGION");
    }
    if (/credential/i.test(message)) {
      throw new CliError(
        `${message}; set AWS credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`,
      );
    }
    throw new CliError(message);
  } finally {
    client.destroy();
  }
}
