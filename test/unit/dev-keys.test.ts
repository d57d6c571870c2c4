// The local stack's dev keys across upgrades: a data dir from before a key existed keeps every
// key it has and gets the missing ones (the content key of encrypted retention), once, for good.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { loadOrCreateDevKeys } from "../../local/dev-keys.ts";

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "stele-dev-keys-"));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

it("completes an older dev-keys.json with a content key, keeping the others", async () => {
  const path = join(dir, "dev-keys.json");
  const old = {
    apiKey: "stele_dev_an-older-api-key-0123",
    checkpointKey: "11".repeat(32),
    anchorKey: "22".repeat(32),
  };
  await writeFile(path, JSON.stringify(old), { mode: 0o600 });
  const keys = await loadOrCreateDevKeys(dir);
  assert.deepEqual({ ...keys, contentKey: undefined }, { ...old, contentKey: undefined });
  assert.match(keys.contentKey, /^[0-9a-f]{64}$/);
  assert.deepEqual(await loadOrCreateDevKeys(dir), keys, "the same keys at the next start");
  assert.equal(JSON.parse(await readFile(path, "utf8")).contentKey, keys.contentKey);
});

it("completes the oldest dev-keys.json (no anchor key either)", async () => {
  const oldest = join(dir, "oldest");
  await mkdir(oldest);
  await writeFile(
    join(oldest, "dev-keys.json"),
    JSON.stringify({ apiKey: "stele_dev_the-oldest-api-key-01", checkpointKey: "33".repeat(32) }),
  );
  const keys = await loadOrCreateDevKeys(oldest);
  assert.equal(keys.checkpointKey, "33".repeat(32));
  assert.match(keys.anchorKey, /^[0-9a-f]{64}$/);
  assert.match(keys.contentKey, /^[0-9a-f]{64}$/);
  assert.notEqual(keys.anchorKey, keys.contentKey);
});
