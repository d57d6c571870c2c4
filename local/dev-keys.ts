/**
 * The local stack's keys, made once and kept in the data dir so a restart signs with the same
 * checkpoint key and accepts the same API key. DEV ONLY: in AWS the keys live in KMS.
 */
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

const devKeysSchema = z.object({
  apiKey: z.string().min(16),
  checkpointKey: z.string().regex(/^[0-9a-f]{64}$/),
  /** Added after the first releases: a data dir without one gets one. */
  anchorKey: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** The master key that wraps retained content's data keys; added later, like anchorKey. */
  contentKey: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

export interface DevKeys {
  readonly apiKey: string;
  readonly checkpointKey: string;
  readonly anchorKey: string;
  readonly contentKey: string;
}

/** Reads `<dataDir>/dev-keys.json`, creating it (mode 0600) on first start, or completing it. */
export async function loadOrCreateDevKeys(dataDir: string): Promise<DevKeys> {
  const path = join(dataDir, "dev-keys.json");
  let stored: z.infer<typeof devKeysSchema> | undefined;
  try {
    stored = devKeysSchema.parse(JSON.parse(await readFile(path, "utf8")));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new Error(
        `${path} is damaged (${(error as Error).message}): delete it to make new dev keys`,
      );
    }
  }
  if (stored?.anchorKey !== undefined && stored.contentKey !== undefined) {
    return { ...stored, anchorKey: stored.anchorKey, contentKey: stored.contentKey };
  }
  const keys: DevKeys = {
    apiKey: stored?.apiKey ?? `stele_dev_${randomBytes(24).toString("base64url")}`,
    checkpointKey: stored?.checkpointKey ?? randomBytes(32).toString("hex"),
    anchorKey: stored?.anchorKey ?? randomBytes(32).toString("hex"),
    contentKey: stored?.contentKey ?? randomBytes(32).toString("hex"),
  };
  await writeFile(path, `${JSON.stringify(keys, null, 2)}\n`, {
    mode: 0o600,
    flag: stored === undefined ? "wx" : "w",
  });
  return keys;
}
