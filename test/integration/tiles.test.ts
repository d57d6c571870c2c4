// The log as C2SP tlog-tiles serves it, from the local stack: full and partial hash tiles hold
// exactly the reference tree's hashes, entry bundles the submitted content hashes, a client that
// knows only the tile layout rebuilds the signed root from them over HTTP, the signed note
// carries the checkpoint's signature, and nothing past the checkpoint is served.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { LocalStack } from "../../local/stack.ts";
import { fromHex, toHex } from "../../shared/domain/bytes.ts";
import { treeRoot } from "../../shared/domain/merkle/build-proof.ts";
import { readEntryBundle } from "../../shared/domain/merkle/entry-tiles.ts";
import { hashLeaf } from "../../shared/domain/merkle/hasher.ts";
import { ENTRY_TILE_LEVEL, tilePath } from "../../shared/domain/merkle/tile-id.ts";
import type { TileReader } from "../../shared/domain/merkle/tile-reader.ts";
import { recoverEip191Signer } from "../../shared/domain/proof/checkpoint.ts";
import { eip191NoteSignature } from "../../shared/domain/proof/checkpoint-note.ts";
import { startQuietStack } from "../support/local/quiet-stack.ts";
import { ReferenceTree, refLeafHash } from "../support/reference-merkle.ts";

/** 300 leaves: level 0 has full tile 0 and partial tile 1 (44 wide); level 1 a partial tile of 1. */
const SIZE = 300;

let dataDir: string;
let stack: LocalStack;
let reference: ReferenceTree;
let contentHashes: string[];
let treeSize = 0;

async function getTile(path: string, prefix = "/v1/ledgers/default") {
  const response = await fetch(`${stack.url}${prefix}/${path}`);
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    cache: response.headers.get("cache-control"),
    bytes: new Uint8Array(await response.arrayBuffer()),
  };
}

/** Hashes laid end to end, as a tile holds them (a plain Uint8Array, as fetch gives). */
const concat = (hashes: readonly Uint8Array[]) =>
  new Uint8Array(Buffer.concat(hashes.map((h) => Buffer.from(h))));

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-tiles-"));
  stack = await startQuietStack(dataDir);
  const hashes = Array.from({ length: SIZE }, () => randomBytes(32).toString("hex"));
  contentHashes = hashes;
  const accepted = await fetch(`${stack.url}/v1/entries`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({
      entries: hashes.map((contentHash) => ({ kind: "document", contentHash })),
    }),
  });
  assert.equal(accepted.status, 202);
  reference = new ReferenceTree(hashes.map((hash) => refLeafHash(fromHex(hash))));
  const deadline = Date.now() + 30_000;
  while (treeSize < SIZE) {
    if (Date.now() > deadline) throw new Error(`no checkpoint of ${SIZE} in 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const checkpoint = await fetch(`${stack.url}/v1/ledgers/default/checkpoint`);
    if (checkpoint.status === 200)
      treeSize = ((await checkpoint.json()) as { treeSize: number }).treeSize;
  }
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("hash tiles", () => {
  it("serve the reference tree's hashes: a full tile, a partial one, and the level above", async () => {
    const full = await getTile("tile/0/000");
    assert.equal(full.status, 200);
    assert.equal(full.type, "application/octet-stream");
    assert.equal(full.cache, "public, max-age=31536000, immutable");
    assert.deepEqual(full.bytes, concat(reference.leafHashes.slice(0, 256)));

    const partial = await getTile("tile/0/001.p/44");
    assert.deepEqual(partial.bytes, concat(reference.leafHashes.slice(256, 300)));
    // A narrower width of the same tile: its first hashes, as it was at a smaller size.
    const narrower = await getTile("tile/0/001.p/3");
    assert.deepEqual(narrower.bytes, concat(reference.leafHashes.slice(256, 259)));
    // Level 1 holds the roots of full level-0 tiles: MTH of leaves 0–255.
    const above = await getTile("tile/1/000.p/1");
    assert.deepEqual(above.bytes, concat([reference.mth(0, 256)]));
  });

  it("let a client that knows only the layout rebuild the signed root", async () => {
    const overHttp: TileReader = {
      readTiles: (tiles) =>
        Promise.all(tiles.map(async (tile) => (await getTile(tilePath(tile))).bytes)),
    };
    const checkpoint = (await (
      await fetch(`${stack.url}/v1/ledgers/default/checkpoint`)
    ).json()) as { treeSize: number; rootHash: string };
    assert.equal(toHex(await treeRoot(overHttp, checkpoint.treeSize)), checkpoint.rootHash);
    assert.equal(checkpoint.rootHash, toHex(reference.mth(0, SIZE)));
  });

  it("answer 404 past the checkpoint, for other spellings and unknown ledgers", async () => {
    for (const path of [
      "tile/0/001", // not full yet
      "tile/0/001.p/45", // wider than the tree
      "tile/1/000", // level 1 holds one hash
      "tile/0/0", // not canonical
      "tile/entries/001", // not full yet
      "tile/entries/001.p/45", // wider than the tree
      "tile/entries/0/000", // not a tile path
    ]) {
      const answer = await getTile(path);
      assert.equal(answer.status, 404, path);
      assert.equal(answer.type, "application/problem+json", path);
    }
    const unknown = await fetch(`${stack.url}/v1/ledgers/no-such-ledger/tile/0/000`);
    assert.equal(unknown.status, 404);
  });
});

describe("entry bundles", () => {
  it("hold each leaf's content hash behind its 2-byte length, full and partial", async () => {
    const full = await getTile("tile/entries/000");
    assert.equal(full.status, 200);
    assert.equal(full.bytes.length, 256 * 34);
    assert.deepEqual(readEntryBundle(full.bytes).map(toHex), contentHashes.slice(0, 256));
    const partial = await getTile("tile/entries/001.p/44");
    assert.deepEqual(readEntryBundle(partial.bytes).map(toHex), contentHashes.slice(256));
  });

  it("hash to the leaves of the signed tree, so a mirror needs nothing else", async () => {
    const overHttp: TileReader = {
      readTiles: (tiles) =>
        Promise.all(
          tiles.map(async (tile) => {
            if (tile.level !== 0) return (await getTile(tilePath(tile), "/v1/tlog/default")).bytes;
            // Level 0 rebuilt from the entries: the leaf hashes of their data.
            const entries = { ...tile, level: ENTRY_TILE_LEVEL };
            const bundle = await getTile(tilePath(entries), "/v1/tlog/default");
            return concat(readEntryBundle(bundle.bytes).map(hashLeaf));
          }),
        ),
    };
    assert.equal(toHex(await treeRoot(overHttp, SIZE)), toHex(reference.mth(0, SIZE)));
  });
});

describe("the signed note at /v1/tlog/{ledger}/checkpoint", () => {
  it("is the checkpoint body with its EIP-191 signature under the origin's key ID", async () => {
    const response = await fetch(`${stack.url}/v1/tlog/default/checkpoint`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
    const note = await response.text();
    const json = (await (await fetch(`${stack.url}/v1/ledgers/default/checkpoint`)).json()) as {
      body: string;
      origin: string;
      signature: { signer: string; value: string };
    };
    assert.ok(note.startsWith(`${json.body}\n\u2014 ${json.origin} `), note);
    const signed = eip191NoteSignature(note, json.origin, json.signature.signer);
    assert.deepEqual(signed, { text: json.body, value: json.signature.value });
    assert.equal(
      recoverEip191Signer(new TextEncoder().encode(signed?.text), signed?.value ?? ""),
      json.signature.signer.toLowerCase(),
    );
    const unknown = await fetch(`${stack.url}/v1/tlog/no-such-ledger/checkpoint`);
    assert.equal(unknown.status, 404);
  });
});
