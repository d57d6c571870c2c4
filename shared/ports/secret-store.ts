/** Port: secrets kept outside the template and the environment (RPC URLs carry API keys). */

export interface SecretStore {
  /**
   * The text of secret `name` (a name or an ARN), its current version, decrypted. Throws
   * SecretNotFoundError when there is no such secret, SecretNotTextError when it holds binary
   * data, and whatever the store threw otherwise (no access, throttled, …).
   */
  read(name: string): Promise<string>;
}

/** The secret does not exist (or is not visible to this account and region, or has no value). */
export class SecretNotFoundError extends Error {
  readonly secretName: string;

  constructor(secretName: string, options?: ErrorOptions) {
    super(`secret ${secretName} does not exist: create it, or fix its name`, options);
    this.name = "SecretNotFoundError";
    this.secretName = secretName;
  }
}

/** The secret holds binary data (SecretBinary) where text is expected. */
export class SecretNotTextError extends Error {
  readonly secretName: string;

  constructor(secretName: string, options?: ErrorOptions) {
    super(`secret ${secretName} holds binary data, not text: store its value as text`, options);
    this.name = "SecretNotTextError";
    this.secretName = secretName;
  }
}
