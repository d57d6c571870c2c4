/** SecretStore from AWS Secrets Manager: a secret's SecretString, its AWSCURRENT version. */
import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import {
  SecretNotFoundError,
  SecretNotTextError,
  type SecretStore,
} from "../../ports/secret-store.ts";

export class SecretsManagerSecretStore implements SecretStore {
  readonly #client: SecretsManagerClient;

  constructor(options: { readonly client: SecretsManagerClient }) {
    this.#client = options.client;
  }

  async read(name: string): Promise<string> {
    let output: GetSecretValueCommandOutput;
    try {
      output = await this.#client.send(new GetSecretValueCommand({ SecretId: name }));
    } catch (error) {
      // Also what Secrets Manager answers for a secret created without a value.
      if (error instanceof ResourceNotFoundException)
        throw new SecretNotFoundError(name, { cause: error });
      throw error;
    }
    if (output.SecretString !== undefined) return output.SecretString;
    if (output.SecretBinary !== undefined) throw new SecretNotTextError(name);
    throw new Error(`Secrets Manager returned secret ${name} without a value`);
  }
}
