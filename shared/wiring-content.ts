/**
 * The composition of encrypted retention, built once per process from Config: the content
 * cipher (KMS or the dev-only software key, behind one data key cache) and the content store.
 */

import { DataKeyCache } from "./adapters/crypto/data-key-cache.ts";
import { EnvelopeContentCipher } from "./adapters/crypto/envelope-cipher.ts";
import { DynamoDbContentStore } from "./adapters/dynamodb/content-store.ts";
import { KmsDataKeySource } from "./adapters/kms/kms-data-keys.ts";
import { DevDataKeySource } from "./adapters/local/dev-data-keys.ts";
import { systemClock } from "./adapters/system/system-clock.ts";
import type { ContentRetention } from "./app/retained-content.ts";
import type { Config } from "./config.ts";
import { fromHex } from "./domain/bytes.ts";
import type { ContentCipher } from "./ports/content-cipher.ts";
import type { ContentStore } from "./ports/content-store.ts";
import type { DataKeySource } from "./ports/data-key-source.ts";
import {
  type ClientOptions,
  createDynamoDbClient,
  createKmsClient,
  withFaultPoints,
} from "./wiring.ts";

function dataKeySource(config: Config, options: ClientOptions): DataKeySource | undefined {
  switch (config.STELE_CONTENT_CIPHER) {
    case "kms":
      return new KmsDataKeySource({
        client: createKmsClient(config, options),
        keyId: config.STELE_CONTENT_KEY_ID ?? "",
      });
    case "dev":
      return new DevDataKeySource(fromHex(config.STELE_DEV_CONTENT_KEY ?? ""));
    case "off":
      return undefined;
  }
}

/** The content cipher of STELE_CONTENT_CIPHER; undefined when it is off. */
export function createContentCipher(
  config: Config,
  options: ClientOptions = {},
): ContentCipher | undefined {
  const source = dataKeySource(config, options);
  return source === undefined
    ? undefined
    : new EnvelopeContentCipher(new DataKeyCache(source, systemClock));
}

export function createContentStore(config: Config, options: ClientOptions = {}): ContentStore {
  return new DynamoDbContentStore({
    client: createDynamoDbClient(config, options),
    tableName: config.STELE_TABLE_NAME,
  });
}

/** What the accept path needs to keep content; undefined when retention is off. */
export function createContentRetention(
  config: Config,
  options: ClientOptions = {},
): ContentRetention | undefined {
  const cipher = createContentCipher(config, options);
  if (cipher === undefined) return undefined;
  const store = createContentStore(config, options);
  return { cipher: withFaultPoints(config, cipher), store: withFaultPoints(config, store) };
}
