// `stele verify` as a user runs it: the real binary in a child process, bundles from an
// independent generator (test/support/bundle-factory), and only what the user sees is checked.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Wallet } from "ethers";
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import {
  type BundleFiles,
  buildTestLog,
  type EntryContent,
  makeTempDir,
  OTHER_PRIVATE_KEY,
  sha256Hex,
  type TempDir,
  type TestLog,
  writeBundleFiles,
} from "../support/bundle-factory.ts";
import { freePort } from "../support/chain/hardhat-node.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = join(root, "cli", "bin", "stele.js");
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const OTHER_SIGNER = new Wallet(OTHER_PRIVATE_KEY).address;
const SPAWN_TIMEOUT_MS = 60_000;
/** Spawns at once: each costs ~0.5–1.5 s of CPU on a small machine. */
const CONCURRENCY = 3;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function spawn(file: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: root, timeout: SPAWN_TIMEOUT_MS }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `node cli/bin/stele.js verify …args`. */
function verify(...args: string[]): Promise<Run> {
  return spawn(process.execPath, [bin, "verify", ...args]);
}

const lines = (text: string) =>
  text.split("\n").filter((line, i, all) => line !== "" || i < all.length - 1);

function assertValid(run: Run, ...patterns: RegExp[]): void {
  const shown = JSON.stringify(run);
  assert.equal(run.code, 0, shown);
  assert.equal(run.stderr, "", shown);
  assert.ok(run.stdout.endsWith("\n"), shown);
  const out = lines(run.stdout);
  assert.equal(out.length, 1, shown);
  assert.match(out[0] ?? "", /^VALID: /, shown);
  for (const pattern of patterns) assert.match(out[0] ?? "", pattern, shown);
}

const STEP_NAMES = ["", "content hash", "leaf hash", "inclusion", "checkpoint signature", "anchor"];

function assertInvalid(run: Run, step: number, expected?: RegExp, found?: RegExp): void {
  const shown = JSON.stringify(run);
  assert.equal(run.code, 1, shown);
  assert.equal(run.stderr, "", shown);
  const out = lines(run.stdout);
  assert.equal(out.length, 3, shown);
  assert.ok(
    out[0]?.startsWith(`INVALID: step ${step} (${STEP_NAMES[step]}) failed: `),
    `want step ${step}: ${shown}`,
  );
  assert.match(out[1] ?? "", /^ {2}expected: \S/, shown);
  assert.match(out[2] ?? "", /^ {2}found: {4}\S/, shown);
  if (expected) assert.match(out[1] ?? "", expected, shown);
  if (found) assert.match(out[2] ?? "", found, shown);
}

function assertUsage(run: Run, pattern: RegExp): void {
  const shown = JSON.stringify(run);
  assert.equal(run.code, 2, shown);
  assert.equal(run.stdout, "", shown);
  assert.doesNotMatch(run.stderr, /^\s+at /m, `stack trace: ${shown}`);
  const err = lines(run.stderr);
  assert.equal(err.length, 1, `one line: ${shown}`);
  assert.match(err[0] ?? "", /^stele: \S/, shown);
  assert.match(err[0] ?? "", pattern, shown);
}

// ---------------------------------------------------------------------------------------------
// Fixtures.

const utf8 = (text: string) => new TextEncoder().encode(text);
const DOCUMENT: EntryContent = {
  kind: "document",
  bytes: utf8("Invoice 2026-0041\nTotal: 12.50 EUR\n"),
};
const PAYLOAD_VALUE = {
  seq: 6,
  amount: 12.5,
  currency: "EUR",
  payee: { name: "Zoë", iban: "DE89" },
  tags: ["a", "€"],
};
const PAYLOAD: EntryContent = { kind: "transaction", payload: PAYLOAD_VALUE };

let dir: TempDir;
let log: TestLog;
let docFiles: BundleFiles;
let txFiles: BundleFiles;
let anchoredFiles: BundleFiles;
let docBundle: ProofBundle;
const tampered = new Map<string, string>();

async function writeTampered(
  name: string,
  tamper: (bundle: ProofBundle) => void,
  index = 5,
): Promise<void> {
  const bundle = await log.bundle(index, { anchors: [] });
  tamper(bundle);
  tampered.set(name, await dir.writeJson(`${name}.json`, bundle));
}

function tamperedPath(name: string): string {
  const path = tampered.get(name);
  assert.ok(path, `no tampered bundle ${name}`);
  return path;
}

before(async () => {
  dir = await makeTempDir("stele-cli-");
  log = await buildTestLog({
    size: 13,
    content: (index) => (index === 5 ? DOCUMENT : index === 6 ? PAYLOAD : undefined),
  });
  docBundle = await log.bundle(5, { anchors: [] });
  docFiles = await writeBundleFiles(dir, "doc", docBundle, DOCUMENT);
  txFiles = await writeBundleFiles(dir, "tx", await log.bundle(6, { anchors: [] }), PAYLOAD, true);
  const anchored = await log.bundle(5);
  anchoredFiles = await writeBundleFiles(dir, "anchored", anchored, DOCUMENT);

  await writeTampered("content-hash", (b) => {
    b.entry.contentHash = sha256Hex(utf8("forged"));
  });
  await writeTampered("leaf-index", (b) => {
    b.leafIndex += 1;
  });
  await writeTampered("path-element", (b) => {
    const first = b.inclusionPath[0] ?? "";
    b.inclusionPath[0] = `${first.slice(0, -1)}${first.endsWith("0") ? "1" : "0"}`;
  });
  await writeTampered("root-hash", (b) => {
    b.checkpoint.rootHash = sha256Hex(utf8("forged root"));
  });
  await writeTampered(
    "tree-size",
    (b) => {
      b.checkpoint.treeSize += 1;
    },
    0,
  );
  await writeTampered("body", (b) => {
    b.checkpoint.body = b.checkpoint.body.replace("\n13\n", "\n14\n");
  });
  await writeTampered("signature", (b) => {
    const { value } = b.checkpoint.signature;
    b.checkpoint.signature.value = `${value.slice(0, 10)}${value[10] === "0" ? "1" : "0"}${value.slice(11)}`;
  });
  await writeTampered("high-s", (b) => {
    const { value } = b.checkpoint.signature;
    const s = SECP256K1_N - BigInt(`0x${value.slice(66, 130)}`);
    const v = value.endsWith("1b") ? "1c" : "1b";
    b.checkpoint.signature.value = `${value.slice(0, 66)}${s.toString(16).padStart(64, "0")}${v}`;
  });
  await writeTampered("no-root-hash", (b) => {
    delete (b.checkpoint as { rootHash?: string }).rootHash;
  });
  await writeTampered("uppercase", (b) => {
    b.entry.contentHash = b.entry.contentHash.toUpperCase();
  });
  await writeTampered("format", (b) => {
    b.format = "stele.proof.v2" as "stele.proof.v1";
  });
  tampered.set("not-json", await dir.write("not-json.json", '{"format": "stele.proof.v1",'));
  tampered.set(
    "changed-payload",
    await dir.writeJson("changed.payload.json", { ...PAYLOAD_VALUE, amount: 12.51 }),
  );
  tampered.set("other-doc", await dir.write("other.doc", "Invoice 2026-0041\nTotal: 12.51 EUR\n"));
  tampered.set("payload-not-json", await dir.write("bad.payload.json", "{amount: 12.5}"));
});

after(async () => {
  await dir?.remove();
});

// ---------------------------------------------------------------------------------------------

describe("stele verify: valid bundles", { concurrency: CONCURRENCY }, () => {
  it("exit 0 and one VALID line that says the signer was not checked", async () => {
    assertValid(
      await verify(docFiles.bundle),
      new RegExp(
        `document ${docBundle.entry.contentHash} is leaf 5 of stele\\.example\\.com/default at tree size 13`,
      ),
      /signer not checked/,
      /not anchored yet/,
    );
  });

  it("with --signer: says the published signer signed, and that the anchors were not checked", async () => {
    const run = await verify(anchoredFiles.bundle, "--signer", log.signer);
    assertValid(run, new RegExp(`published signer ${log.signer}`), /anchor\(s\) not checked/);
    assert.doesNotMatch(run.stdout, /signer not checked/);
  });

  it("with --file and a lowercase --signer: says the document was checked", async () => {
    assertValid(
      await verify(
        docFiles.bundle,
        "--file",
        docFiles.content,
        "--signer",
        log.signer.toLowerCase(),
      ),
      new RegExp(`the document given hashes to contentHash ${docBundle.entry.contentHash}`),
      /published signer/,
    );
  });

  it("with --payload whose keys are in another order: says the transaction was checked", async () => {
    assertValid(
      await verify(txFiles.bundle, "--payload", txFiles.content),
      /^VALID: transaction [0-9a-f]{64} is leaf 6 /,
      /the transaction given hashes to contentHash/,
    );
  });

  it("`npx stele verify` from the repository root runs the project's own bin", async () => {
    // --no: never fetch a package of that name from the registry.
    const run = await spawn("npx", ["--no", "stele", "verify", docFiles.bundle]);
    assert.equal(run.code, 0, JSON.stringify(run));
    assert.equal(lines(run.stdout).length, 1, JSON.stringify(run));
    assert.match(run.stdout, /^VALID: /);
    assert.doesNotMatch(run.stderr, /^\s+at /m);
  });
});

describe("stele verify: tampered bundles", { concurrency: CONCURRENCY }, () => {
  it("contentHash changed → step 2", async () => {
    assertInvalid(await verify(tamperedPath("content-hash")), 2, /[0-9a-f]{64}/, /[0-9a-f]{64}/);
  });

  it("another document given with --file → step 1", async () => {
    assertInvalid(
      await verify(docFiles.bundle, "--file", tamperedPath("other-doc")),
      1,
      new RegExp(docBundle.entry.contentHash),
      /[0-9a-f]{64}/,
    );
  });

  it("a payload with a changed value → step 1", async () => {
    assertInvalid(await verify(txFiles.bundle, "--payload", tamperedPath("changed-payload")), 1);
  });

  it("a payload given for a document entry → step 1", async () => {
    assertInvalid(
      await verify(docFiles.bundle, "--payload", txFiles.content),
      1,
      /document/,
      /transaction/,
    );
  });

  it("leafIndex + 1 → step 3", async () => {
    assertInvalid(
      await verify(tamperedPath("leaf-index")),
      3,
      new RegExp(docBundle.checkpoint.rootHash),
    );
  });

  it("a path element changed → step 3", async () => {
    assertInvalid(
      await verify(tamperedPath("path-element")),
      3,
      new RegExp(docBundle.checkpoint.rootHash),
    );
  });

  it("rootHash changed → step 3", async () => {
    assertInvalid(await verify(tamperedPath("root-hash")), 3);
  });

  it("treeSize + 1 on leaf 0 → step 4 (the path still leads to rootHash; the signed body binds the size)", async () => {
    assertInvalid(await verify(tamperedPath("tree-size")), 4, /\\n14\\n/, /\\n13\\n/);
  });

  it("body changed → step 4", async () => {
    assertInvalid(await verify(tamperedPath("body")), 4, /\\n13\\n/, /\\n14\\n/);
  });

  it("a signature byte changed → step 4", async () => {
    assertInvalid(await verify(tamperedPath("signature")), 4);
  });

  it("the high-s twin of the signature → step 4", async () => {
    assertInvalid(await verify(tamperedPath("high-s")), 4);
  });

  it("--signer of another key → step 4, naming both addresses", async () => {
    assertInvalid(
      await verify(docFiles.bundle, "--signer", OTHER_SIGNER),
      4,
      new RegExp(OTHER_SIGNER),
      new RegExp(log.signer),
    );
  });
});

describe("stele verify: usage errors and unusable input exit 2", {
  concurrency: CONCURRENCY,
}, () => {
  it("missing bundle file", async () => {
    assertUsage(
      await verify(join(dir.path, "nope.json")),
      /cannot read bundle .*nope\.json.*ENOENT/,
    );
  });

  it("bundle that is a directory", async () => {
    assertUsage(await verify(dir.path), /cannot read bundle .*EISDIR/);
  });

  it("bundle that is not JSON", async () => {
    assertUsage(await verify(tamperedPath("not-json")), /not JSON/);
  });

  it("bundle missing a field, naming its path", async () => {
    assertUsage(await verify(tamperedPath("no-root-hash")), /checkpoint\.rootHash/);
  });

  it("bundle with an uppercase hash, naming its path", async () => {
    assertUsage(await verify(tamperedPath("uppercase")), /entry\.contentHash/);
  });

  it("bundle of another format", async () => {
    assertUsage(await verify(tamperedPath("format")), /format/);
  });

  it("unknown option", async () => {
    assertUsage(await verify(docFiles.bundle, "--frobnicate"), /unknown option '--frobnicate'/);
  });

  it("missing argument", async () => {
    assertUsage(await verify(), /missing required argument 'bundle\.json'/);
  });

  it("both --file and --payload", async () => {
    assertUsage(
      await verify(docFiles.bundle, "--file", docFiles.content, "--payload", txFiles.content),
      /--file.*--payload/,
    );
  });

  it("--signer that is not an address", async () => {
    assertUsage(await verify(docFiles.bundle, "--signer", "0x1234"), /--signer/);
  });

  it("--confirmations 0", async () => {
    assertUsage(await verify(docFiles.bundle, "--confirmations", "0"), /--confirmations/);
  });

  it("--confirmations abc", async () => {
    assertUsage(await verify(docFiles.bundle, "--confirmations", "abc"), /--confirmations/);
  });

  it("unreadable --file", async () => {
    assertUsage(
      await verify(docFiles.bundle, "--file", join(dir.path, "missing.doc")),
      /cannot read document .*ENOENT/,
    );
  });

  it("--file that is a directory", async () => {
    assertUsage(await verify(docFiles.bundle, "--file", dir.path), /cannot read document .*EISDIR/);
  });

  it("--payload that is not JSON", async () => {
    assertUsage(
      await verify(txFiles.bundle, "--payload", tamperedPath("payload-not-json")),
      /payload .* is not JSON/,
    );
  });

  it("--payload that does not exist", async () => {
    assertUsage(
      await verify(txFiles.bundle, "--payload", join(dir.path, "missing.json")),
      /cannot read payload .*ENOENT/,
    );
  });

  it("--rpc where nothing listens", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    assertUsage(
      await verify(anchoredFiles.bundle, "--rpc", url),
      new RegExp(`cannot use RPC endpoint ${url}`),
    );
  });

  it("--rpc where nothing listens, with a bundle that fails on its own: exit 1, not 2", async () => {
    // Steps 1–4 decide first; the chain is contacted only for a bundle that passed them.
    const bundle = await log.bundle(5);
    bundle.checkpoint.rootHash = sha256Hex(utf8("forged root"));
    const path = await dir.writeJson("anchored-forged-root.json", bundle);
    const url = `http://127.0.0.1:${await freePort()}`;
    assertInvalid(await verify(path, "--rpc", url), 3);
  });

  it("--rpc that is not a URL", async () => {
    assertUsage(
      await verify(anchoredFiles.bundle, "--rpc", "not-a-url"),
      /cannot use RPC endpoint not-a-url/,
    );
  });
});
