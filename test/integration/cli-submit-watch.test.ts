// `stele submit` and `stele watch` as a user runs them: the real binary against `npm start`.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort } from "../support/chain/hardhat-node.ts";
import { runStele, type SteleRun } from "../support/cli/run-stele.ts";
import { type StackProcess, startStackProcess } from "../support/local/stack-process.ts";

let stack: StackProcess;
let dataDir: string;
let work: string;
let chainUrl: string;
/** A loopback URL where nothing listens. */
let deadUrl: string;

/** `stele …args` in `cwd`, configured by the environment as a user who pasted npm start's exports. */
function stele(
  args: readonly string[],
  env: Record<string, string> = {},
  cwd = work,
): Promise<SteleRun> {
  return runStele(args, { cwd, api: stack, env });
}

async function chainRpc(method: string, params: unknown[]): Promise<void> {
  const response = await fetch(chainUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  assert.equal(response.status, 200);
  await response.json();
}

interface IndexFile {
  format: string;
  entries: { path: string; kind: string; contentHash: string; id: string; ledger: string }[];
}

const readIndexFile = async (path: string) =>
  JSON.parse(await readFile(join(work, path), "utf8")) as IndexFile;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-cli-data-"));
  work = await mkdtemp(join(tmpdir(), "stele-cli-work-"));
  stack = await startStackProcess({
    STELE_DATA_DIR: dataDir,
    STELE_INTEGRATE_INTERVAL_MS: "200",
    STELE_ANCHOR_INTERVAL_MS: "1000",
  });
  const url = /chain\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stack.output())?.[1];
  assert.ok(url, stack.output());
  chainUrl = url;
  deadUrl = `http://127.0.0.1:${await freePort()}`;
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe("stele submit and stele watch", () => {
  it("submits a nested folder by hash, keeps an index, and submits nothing twice", async () => {
    const docs = join(work, "docs");
    await mkdir(join(docs, "2025", "q4"), { recursive: true });
    for (let i = 0; i < 25; i++) {
      const dir = i < 10 ? docs : i < 20 ? join(docs, "2025") : join(docs, "2025", "q4");
      await writeFile(join(dir, `invoice-${i}.txt`), `invoice ${i} of Hof Zoë\n`);
    }
    // Not taken from a walked folder: dot files, symlinks, proof bundles.
    await writeFile(join(docs, ".DS_Store"), "finder");
    await symlink(join(docs, "invoice-0.txt"), join(docs, "link.txt"));
    await writeFile(join(docs, "invoice-0.txt.stele.json"), "{}");
    await writeFile(join(work, "tx.json"), JSON.stringify({ lot: "A-42", weightKg: 12.5 }));

    const first = await stele(["submit", "docs", "--payload", "tx.json"]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(
      first.stdout,
      "submitted 26 entries (25 documents as hashes, 1 transaction) in 1 request to ledger default; ids saved in stele-index.json\n",
    );
    const index = await readIndexFile("stele-index.json");
    assert.equal(index.format, "stele.index.v1");
    assert.equal(index.entries.length, 26);
    assert.ok(index.entries.some((e) => e.path === "docs/2025/q4/invoice-24.txt"));
    assert.ok(index.entries.some((e) => e.path === "tx.json" && e.kind === "transaction"));
    assert.ok(!index.entries.some((e) => /link|DS_Store|stele\.json/.test(e.path)));
    assert.equal(new Set(index.entries.map((e) => e.id)).size, 26);
    for (const entry of index.entries) assert.equal(entry.ledger, "default");

    // Without the index (lost, or another machine), the same batch gets the same ids back:
    // its Idempotency-Key is derived from its content, so nothing is doubled.
    const resent = await stele(["submit", "docs", "--payload", "tx.json", "--index", "fresh.json"]);
    assert.equal(resent.code, 0, resent.stderr);
    const fresh = await readIndexFile("fresh.json");
    assert.deepEqual(
      fresh.entries.map((e) => [e.path, e.id]),
      index.entries.map((e) => [e.path, e.id]),
    );

    // A new file is the only thing sent on a re-run; a copy of known content reuses its entry.
    await writeFile(join(docs, "invoice-25.txt"), "invoice 25\n");
    await writeFile(join(docs, "2025", "copy-of-1.txt"), "invoice 1 of Hof Zoë\n");
    const again = await stele(["submit", "docs", "--payload", "tx.json"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      /^submitted 1 entry \(1 document as hashes\) in 1 request .*; 27 already in the index;/,
    );
    const merged = await readIndexFile("stele-index.json");
    assert.equal(merged.entries.length, 28);
    const copy = merged.entries.find((e) => e.path === "docs/2025/copy-of-1.txt");
    const original = merged.entries.find((e) => e.path === "docs/invoice-1.txt");
    assert.equal(copy?.id, original?.id);

    const third = await stele(["submit", "docs", "--payload", "tx.json"]);
    assert.equal(
      third.stdout,
      "nothing new to submit: 28 inputs already in stele-index.json (ledger default)\n",
    );

    const watch = await stele(["watch", "--index", "stele-index.json", "--timeout", "60s"]);
    assert.equal(watch.code, 0, watch.stderr);
    const done = /^all 27 entries are final \(after [\d.]+ s, (\d+) status requests\)\n$/.exec(
      watch.stdout,
    );
    assert.ok(done, watch.stdout);
    // Not stderr-TTY: one line per change of the tally, ending with everything final.
    assert.match(watch.stderr, /watch: 27\/27 final \(27 final\)\n$/);

    // Another ledger has none of them: everything is stamped there too, beside the first.
    const shelf = await stele(["submit", "docs", "--payload", "tx.json", "--ledger", "shelf"]);
    assert.equal(shelf.code, 0, shelf.stderr);
    assert.match(shelf.stdout, /^submitted 27 entries /);
    const both = await readIndexFile("stele-index.json");
    assert.equal(both.entries.filter((e) => e.ledger === "shelf").length, 28);
    assert.equal(both.entries.filter((e) => e.ledger === "default").length, 28);
  });

  it("uploads content with --upload, and refuses a document over 256 KiB before sending anything", async () => {
    const dir = join(work, "upload");
    await mkdir(dir);
    await writeFile(join(dir, "small.txt"), "small enough\n");
    await writeFile(join(dir, "big.bin"), Buffer.alloc(256 * 1024 + 1, 7));
    const refused = await stele(["submit", "upload", "--upload", "--index", "upload.json"]);
    assert.equal(refused.code, 2);
    assert.equal(
      refused.stderr,
      "stele: upload/big.bin is 256.0 KiB: --upload sends at most 256 KiB per document; submit it without --upload (only its SHA-256 is sent)\n",
    );
    await assert.rejects(readFile(join(work, "upload.json")), /ENOENT/);

    await rm(join(dir, "big.bin"));
    const sent = await stele([
      "submit",
      "upload",
      "--upload",
      "--index",
      "upload.json",
      "--ledger",
      "uploads",
    ]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(
      sent.stdout,
      /^submitted 1 entry \(1 document with content\) in 1 request to ledger uploads;/,
    );
    const [record] = (await readIndexFile("upload.json")).entries;
    assert.equal(record?.ledger, "uploads");
    assert.equal(record?.contentHash, createHash("sha256").update("small enough\n").digest("hex"));
  });

  it("gives up waiting with exit 3 while the chain is stalled, naming what is missing", async () => {
    await writeFile(join(work, "stalled.txt"), "submitted while no block is mined\n");
    await chainRpc("evm_setAutomine", [false]);
    await chainRpc("evm_setIntervalMining", [0]);
    try {
      const sent = await stele(["submit", "stalled.txt", "--index", "stalled.json"]);
      assert.equal(sent.code, 0, sent.stderr);
      const [record] = (await readIndexFile("stalled.json")).entries;
      assert.ok(record);
      const watch = await stele(["watch", record.id, "--until", "anchored", "--timeout", "3s"]);
      assert.equal(watch.code, 3, watch.stderr);
      assert.equal(
        watch.stderr.split("\n").at(-2),
        "stele: timed out after 3s: 1 of 1 entries are not anchored (1 sequenced); run stele watch again to keep waiting",
      );
      assert.match(
        watch.stderr,
        new RegExp(`^${record.id} sequenced \\(leaf \\d+ of default\\)\n`),
      );
    } finally {
      await chainRpc("evm_setAutomine", [true]);
      await chainRpc("evm_setIntervalMining", [1000]);
    }
  });

  it("says in one line what is wrong: no URL, a bad key, an unknown entry, a dead API", async () => {
    const noUrl = await stele(["watch", "01J00000000000000000000000"], { STELE_API_URL: "" });
    assert.equal(noUrl.code, 2);
    assert.equal(
      noUrl.stderr,
      "stele: no API URL: pass --api-url, set STELE_API_URL, or run `npm start` and use the URL it prints\n",
    );
    const badKey = await stele(["submit", "tx.json", "--index", "bad-key.json"], {
      STELE_API_KEY: "not-a-key-of-this-stack",
    });
    assert.equal(badKey.code, 2);
    assert.equal(
      badKey.stderr,
      "stele: the API key is not known (HTTP 401); check the API key (--api-key, STELE_API_KEY or apiKey in the config file)\n",
    );
    const unknown = await stele(["watch", "01J00000000000000000000000"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^stele: .*01J00000000000000000000000.* \(HTTP 404\)\n$/);
    const dead = await stele(["watch", "01J00000000000000000000000", "--retries", "0"], {
      STELE_API_URL: deadUrl,
    });
    assert.equal(dead.code, 2);
    assert.equal(
      dead.stderr,
      `stele: cannot reach the API at ${deadUrl}: ECONNREFUSED; is it running? check --api-url or STELE_API_URL\n`,
    );
  });

  it("takes flags over the environment over the config file", async () => {
    const config = join(work, "config.json");
    await writeFile(
      config,
      JSON.stringify({ apiUrl: deadUrl, apiKey: "from-the-file", ledger: "from-file" }),
    );
    await writeFile(join(work, "precedence.txt"), "which ledger?\n");
    // The file alone: its dead URL is used.
    const fileOnly = await stele(
      ["submit", "precedence.txt", "--retries", "0", "--index", "p.json"],
      {
        STELE_CONFIG: config,
        STELE_API_URL: "",
        STELE_API_KEY: "",
      },
    );
    assert.equal(fileOnly.code, 2);
    assert.match(fileOnly.stderr, new RegExp(`cannot reach the API at ${deadUrl}: ECONNREFUSED`));
    // The environment over the file (URL and key), the file's ledger where nothing else says.
    const envOverFile = await stele(["submit", "precedence.txt", "--index", "p.json"], {
      STELE_CONFIG: config,
    });
    assert.equal(envOverFile.code, 0, envOverFile.stderr);
    assert.match(envOverFile.stdout, /to ledger from-file;/);
    // Flags over both.
    const flags = await stele(
      [
        "submit",
        "precedence.txt",
        "--index",
        "p2.json",
        "--ledger",
        "from-flag",
        "--api-url",
        stack.url,
      ],
      { STELE_CONFIG: config, STELE_API_URL: deadUrl, STELE_LEDGER: "from-env" },
    );
    assert.equal(flags.code, 0, flags.stderr);
    assert.match(flags.stdout, /to ledger from-flag;/);
  });
});
