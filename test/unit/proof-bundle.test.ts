// Proof bundle v1 (../shared/spec/proof-v1.md): schema, codec, EIP-191 recovery, steps 1–4 and
// the pure step 5, against bundles made by an independent generator (test/support/bundle-factory).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import {
  computeAddress,
  getAddress,
  hashMessage,
  Interface,
  id,
  SigningKey,
  toBeHex,
  verifyMessage,
  Wallet,
} from "ethers";
import fc from "fast-check";
import { type VerifyBundleOptions, verifyBundle } from "../../shared/app/verify-bundle.ts";
import { InvalidArgumentError } from "../../shared/domain/errors.ts";
import {
  ANCHORED_TOPIC,
  type AnchorEvidence,
  checkAnchor,
  logIdOfOrigin,
  type ReceiptLog,
} from "../../shared/domain/proof/anchor-check.ts";
import {
  decodeBundle,
  encodeBundle,
  InvalidBundleError,
  parseBundle,
} from "../../shared/domain/proof/bundle-codec.ts";
import type { Anchor, ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { recoverEip191Signer } from "../../shared/domain/proof/checkpoint.ts";
import type { StepOutcome } from "../../shared/domain/proof/verdict.ts";
import {
  type SuppliedContent,
  verifyBundleOffline,
} from "../../shared/domain/proof/verify-bundle.ts";
import type { AnchorEvidenceReader } from "../../shared/ports/anchor-evidence-reader.ts";
import {
  ANCHOR_CONTRACT,
  ANCHOR_EVENT,
  anchoredLog,
  buildTestLog,
  checkpointBodyOf,
  type EntryContent,
  honestEvidence,
  type JsonValue,
  leafHashOf,
  OTHER_CONTRACT,
  OTHER_PRIVATE_KEY,
  reorderKeys,
  sha256Hex,
  TEST_CHAIN_ID,
  TEST_ORIGIN,
  type TestLog,
} from "../support/bundle-factory.ts";

// ---------------------------------------------------------------------------------------------
// Fixtures.

const utf8 = (text: string) => new TextEncoder().encode(text);
/** SHA-256("test"): the contentHash in the spec's example bundle. */
const SPEC_EXAMPLE_HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const OTHER_SIGNER = new Wallet(OTHER_PRIVATE_KEY).address;

const docAt = new Map<number, EntryContent>([
  [5, { kind: "document", bytes: utf8("the fifth document\n") }],
  [41, { kind: "document", bytes: utf8("test") }],
]);
const txAt = new Map<number, EntryContent>([
  [
    6,
    {
      kind: "transaction",
      payload: { amount: 12.5, currency: "EUR", payee: { iban: "DE89…", name: "Zoë" }, seq: 6 },
    },
  ],
]);
const fixedContent = (index: number) => docAt.get(index) ?? txAt.get(index);

const small = await buildTestLog({ size: 13, content: fixedContent });
const large = await buildTestLog({ size: 1000, content: fixedContent });

function contentOf(log: TestLog, index: number): EntryContent {
  const entry = log.entries[index];
  assert.ok(entry, `no entry ${index}`);
  return entry.content;
}

/** The supplied-content form of an entry's content, as the CLI would pass it. */
function supplied(content: EntryContent): SuppliedContent {
  return content.kind === "document"
    ? { kind: "document", bytes: content.bytes }
    : { kind: "transaction", payload: JSON.parse(JSON.stringify(content.payload)) as unknown };
}

function offline(bundle: unknown, options: VerifyBundleOptions = {}): StepOutcome[] {
  return verifyBundleOffline(parseBundle(bundle), options);
}

function failedStep(steps: readonly StepOutcome[]): number | undefined {
  return steps.find((step) => step.status === "failed")?.step;
}

function assertPassesOffline(steps: readonly StepOutcome[]): void {
  assert.deepEqual(
    steps.map((step) => step.step),
    [1, 2, 3, 4],
    JSON.stringify(steps),
  );
  assert.ok(
    steps.every((step) => step.status !== "failed"),
    JSON.stringify(steps),
  );
}

/** Flips bit `bit` (0 = the lowest bit of the last character) of a hex string, keeping its prefix. */
function flipHexBit(hex: string, bit: number): string {
  const prefixed = hex.startsWith("0x");
  const digits = prefixed ? hex.slice(2) : hex;
  const position = digits.length - 1 - Math.floor(bit / 4);
  const digit = Number.parseInt(digits[position] ?? "0", 16) ^ (1 << (bit % 4));
  const flipped = `${digits.slice(0, position)}${digit.toString(16)}${digits.slice(position + 1)}`;
  return prefixed ? `0x${flipped}` : flipped;
}

/** The same object with a key added or changed at `path` (a copy; the input is left alone). */
function withField(value: unknown, path: readonly (string | number)[], field: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  const last = path.at(-1);
  if (last === undefined) return field;
  target[last] = field;
  return copy;
}

function withoutField(value: unknown, path: readonly (string | number)[]): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  delete target[path.at(-1) ?? ""];
  return copy;
}

/** RFC 9162 §2.1.3.2 written out again, to predict step 3 without the project's code. */
function rfcRootFromPath(
  index: number,
  size: number,
  leafHash: string,
  path: readonly string[],
): string | null {
  if (index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  const h = (a: string, b: string) =>
    sha256Hex(Uint8Array.of(1), Buffer.from(a, "hex"), Buffer.from(b, "hex"));
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = h(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = h(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

// ---------------------------------------------------------------------------------------------
// Schema and codec.

describe("proof bundle schema", () => {
  it("accepts the spec's example bundle, with real values", async () => {
    const bundle = await large.bundle(41);
    bundle.entry.id = "01JDX7R4M8Q2V3N5P6K7H8J9AB";
    bundle.entry.receivedAt = "2026-11-24T01:02:03.456Z";
    assert.equal(bundle.entry.contentHash, SPEC_EXAMPLE_HASH);
    assert.equal(bundle.leafIndex, 41);
    assert.equal(bundle.checkpoint.treeSize, 1000);
    assert.match(
      bundle.checkpoint.body,
      /^stele\.example\.com\/default\n1000\n[A-Za-z0-9+/]{43}=\n$/,
    );
    const parsed = parseBundle(bundle);
    assert.deepEqual(parsed, bundle);
    assert.deepEqual(Object.keys(parsed), [
      "format",
      "entry",
      "leafIndex",
      "leafHash",
      "inclusionPath",
      "checkpoint",
      "anchors",
    ]);
    assertPassesOffline(
      verifyBundleOffline(parsed, {
        content: { kind: "document", bytes: utf8("test") },
        trustedSigner: large.signer,
      }),
    );
  });

  it("accepts RFC 3339 UTC times with any sub-second precision, as Z or +00:00", async () => {
    const bundle = await small.bundle(5);
    for (const time of [
      "2026-11-24T01:02:03Z",
      "2026-11-24T01:02:03.456+00:00",
      "2026-11-24T01:02:03.4Z",
      "2026-11-24T01:02:03.456789Z",
    ]) {
      assert.doesNotThrow(
        () => parseBundle(withField(bundle, ["entry", "receivedAt"], time)),
        time,
      );
    }
  });

  it("keeps unknown fields at every level (forward compatibility)", async () => {
    const bundle = await small.bundle(6);
    let extended: unknown = bundle;
    const additions: [readonly (string | number)[], unknown][] = [
      [["bundleVersion"], 2],
      [
        ["entry", "labels"],
        ["a", "b"],
      ],
      [["checkpoint", "witnesses"], [{ name: "w1", sig: "…" }]],
      [["checkpoint", "signature", "keyId"], "arn:aws:kms:…"],
      [["anchors", 0, "explorer"], "https://example.com/tx"],
      [["consistency"], { from: 3, path: [] }],
    ];
    for (const [path, value] of additions) extended = withField(extended, path, value);
    const parsed = parseBundle(extended);
    assert.deepEqual(parsed, extended);
    assert.deepEqual(decodeBundle(encodeBundle(parsed)), extended);
    assertPassesOffline(verifyBundleOffline(parsed, { trustedSigner: small.signer }));
  });

  it("round-trips through encode and decode", async () => {
    for (const bundle of [await small.bundle(0), await small.bundle(6), await large.bundle(999)]) {
      const text = encodeBundle(parseBundle(bundle));
      assert.ok(text.endsWith("}\n"));
      assert.equal(text, `${JSON.stringify(bundle, null, 2)}\n`);
      assert.deepEqual(decodeBundle(text), bundle);
      assert.deepEqual(decodeBundle(JSON.stringify(bundle)), bundle);
    }
  });

  const upper = (hex: string) => hex.toUpperCase();
  const malformed: [string, readonly (string | number)[], unknown][] = [
    ["uppercase contentHash", ["entry", "contentHash"], upper(SPEC_EXAMPLE_HASH)],
    [
      "contentHash with one uppercase digit",
      ["entry", "contentHash"],
      `${SPEC_EXAMPLE_HASH.slice(0, 63)}A`,
    ],
    ["0x on a 32-byte hash (leafHash)", ["leafHash"], `0x${SPEC_EXAMPLE_HASH}`],
    ["0x on a 32-byte hash (rootHash)", ["checkpoint", "rootHash"], `0x${SPEC_EXAMPLE_HASH}`],
    ["short path element", ["inclusionPath", 1], SPEC_EXAMPLE_HASH.slice(2)],
    ["long path element", ["inclusionPath", 0], `${SPEC_EXAMPLE_HASH}00`],
    ["path element not hex", ["inclusionPath", 2], `${SPEC_EXAMPLE_HASH.slice(1)}g`],
    ["inclusionPath not an array", ["inclusionPath"], SPEC_EXAMPLE_HASH],
    ["negative leafIndex", ["leafIndex"], -1],
    ["fractional leafIndex", ["leafIndex"], 1.5],
    ["leafIndex as a string", ["leafIndex"], "5"],
    ["leafIndex beyond 2^53", ["leafIndex"], 2 ** 53],
    ["negative treeSize", ["checkpoint", "treeSize"], -13],
    ["fractional treeSize", ["checkpoint", "treeSize"], 13.000001],
    ["wrong format", ["format"], "stele.proof.v2"],
    ["unknown kind", ["entry", "kind"], "image"],
    ["empty id", ["entry", "id"], ""],
    ["time that is not RFC 3339", ["entry", "receivedAt"], "24/11/2026 01:02"],
    ["origin of two lines", ["checkpoint", "origin"], "stele.example.com/default\n13"],
    ["body not a string", ["checkpoint", "body"], 13],
    ["wrong algorithm", ["checkpoint", "signature", "algorithm"], "ed25519"],
    ["64-byte signature", ["checkpoint", "signature", "value"], `0x${"ab".repeat(64)}`],
    ["66-byte signature", ["checkpoint", "signature", "value"], `0x${"ab".repeat(66)}`],
    ["signature without 0x", ["checkpoint", "signature", "value"], "ab".repeat(65)],
    ["short signer", ["checkpoint", "signature", "signer"], "0x1234"],
    ["signer without 0x", ["checkpoint", "signature", "signer"], "ab".repeat(20)],
    ["bad status", ["anchors", 0, "status"], "pending"],
    ["zero chain id", ["anchors", 0, "chainId"], 0],
    ["txHash without 0x", ["anchors", 0, "txHash"], SPEC_EXAMPLE_HASH],
    ["short blockHash", ["anchors", 0, "blockHash"], "0x1234"],
    ["contract of 19 bytes", ["anchors", 0, "contract"], `0x${"ab".repeat(19)}`],
    ["negative logIndex", ["anchors", 0, "logIndex"], -1],
    ["fractional blockNumber", ["anchors", 0, "blockNumber"], 12.5],
    ["anchors not an array", ["anchors"], {}],
  ];
  for (const [name, path, value] of malformed) {
    it(`rejects ${name}, naming ${path.join(".")}`, async () => {
      const bundle = withField(await small.bundle(5), path, value);
      assertRejectedAt(bundle, path.join("."));
    });
  }

  const required: readonly (string | number)[][] = [
    ["format"],
    ["entry"],
    ["entry", "kind"],
    ["entry", "contentHash"],
    ["entry", "receivedAt"],
    ["leafIndex"],
    ["leafHash"],
    ["inclusionPath"],
    ["checkpoint"],
    ["checkpoint", "origin"],
    ["checkpoint", "treeSize"],
    ["checkpoint", "rootHash"],
    ["checkpoint", "body"],
    ["checkpoint", "signature"],
    ["checkpoint", "signature", "value"],
    ["checkpoint", "signature", "signer"],
    ["anchors"],
    ["anchors", 0, "txHash"],
    ["anchors", 0, "logIndex"],
  ];
  for (const path of required) {
    it(`rejects a bundle without ${path.join(".")}`, async () => {
      assertRejectedAt(withoutField(await small.bundle(5), path), path.join("."));
    });
  }

  it("rejects what is not a bundle object, and text that is not JSON", () => {
    for (const value of [null, [], "bundle", 42]) assertRejectedAt(value, "(root)");
    assert.throws(
      () => decodeBundle("{ not json"),
      (error: unknown) => error instanceof InvalidBundleError && /not JSON/.test(error.message),
    );
  });
});

function assertRejectedAt(value: unknown, path: string): void {
  assert.throws(
    () => parseBundle(value),
    (error: unknown) => {
      assert.ok(error instanceof InvalidBundleError, String(error));
      const paths = error.problems.map((problem) => problem.path);
      assert.ok(
        paths.includes(path),
        `problems ${JSON.stringify(error.problems)} should name ${path}`,
      );
      assert.ok(error.message.includes(`${path}:`), error.message);
      return true;
    },
  );
}

// ---------------------------------------------------------------------------------------------
// EIP-191 recovery against ethers.

/** The address ethers or ours recovers, lowercased, or "rejected". */
function outcome(recover: () => string): string {
  try {
    return recover().toLowerCase();
  } catch {
    return "rejected";
  }
}

function agree(message: Uint8Array, signature: string): string {
  const theirs = outcome(() => verifyMessage(message, signature));
  const ours = outcome(() => recoverEip191Signer(message, signature));
  assert.equal(ours, theirs, `signature ${signature}`);
  return ours;
}

/** 0x + r || s || v from parts. */
function signatureHex(r: bigint, s: bigint, v: number): string {
  return `0x${r.toString(16).padStart(64, "0")}${s.toString(16).padStart(64, "0")}${v.toString(16).padStart(2, "0")}`;
}

describe("recoverEip191Signer agrees with ethers.verifyMessage", () => {
  const privateKey = fc.bigInt({ min: 1n, max: SECP256K1_N - 1n }).map((k) => toBeHex(k, 32));
  const message = fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.string({ unit: "grapheme", maxLength: 80 }).map(utf8),
    fc
      .tuple(
        fc.string({ maxLength: 30 }),
        fc.nat(),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
      )
      .map(([origin, size, root]) =>
        utf8(`${origin}\n${size}\n${Buffer.from(root).toString("base64")}\n`),
      ),
  );

  it("for random keys and messages, with v as 27/28, as 0/1, and for the high-s twin", () => {
    fc.assert(
      fc.property(privateKey, message, (key, bytes) => {
        const signingKey = new SigningKey(key);
        const address = computeAddress(signingKey.publicKey).toLowerCase();
        const signature = signingKey.sign(hashMessage(bytes));
        const r = BigInt(signature.r);
        const s = BigInt(signature.s);
        assert.equal(agree(bytes, signatureHex(r, s, signature.v)), address);
        assert.equal(agree(bytes, signatureHex(r, s, signature.v - 27)), address);
        // The high-s twin (n − s with the other v) is the same signature in another encoding.
        // ethers v6 refuses it when s's top bit is set ("non-canonical s"); ours must agree.
        const twin = signatureHex(r, SECP256K1_N - s, signature.v === 27 ? 28 : 27);
        const twinOutcome = agree(bytes, twin);
        assert.ok(twinOutcome === address || twinOutcome === "rejected", twinOutcome);
        // A different v gives a different key (or none).
        assert.notEqual(agree(bytes, signatureHex(r, s, signature.v === 27 ? 28 : 27)), address);
      }),
      { numRuns: 150 },
    );
  });

  it("rejects the high-s twin of a real signature, as ethers does", async () => {
    const wallet = new Wallet(OTHER_PRIVATE_KEY);
    let checked = 0;
    for (let i = 0; checked < 5; i++) {
      const body = checkpointBodyOf(TEST_ORIGIN, i, sha256Hex(utf8(`root ${i}`)));
      const signature = await wallet.signMessage(body);
      const r = BigInt(signature.slice(0, 66));
      const s = BigInt(`0x${signature.slice(66, 130)}`);
      const v = Number.parseInt(signature.slice(130), 16);
      const highS = SECP256K1_N - s;
      if (highS < 2n ** 255n) continue; // top bit clear: ethers would accept it
      const twin = signatureHex(r, highS, v === 27 ? 28 : 27);
      assert.throws(() => verifyMessage(body, twin), /non-canonical s/);
      assert.equal(agree(utf8(body), twin), "rejected");
      checked++;
    }
  });

  it("agrees at the edges of r, s and v", async () => {
    const body = checkpointBodyOf(TEST_ORIGIN, 1000, SPEC_EXAMPLE_HASH);
    const signature = await new Wallet(OTHER_PRIVATE_KEY).signMessage(body);
    const r = BigInt(signature.slice(0, 66));
    const s = BigInt(`0x${signature.slice(66, 130)}`);
    const bytes = utf8(body);
    for (const v of [0, 1, 2, 26, 27, 28, 29, 34]) agree(bytes, signatureHex(r, s, v));
    // EIP-155 values: ethers reads them, Stele refuses them (see the test of that name).
    for (const v of [35, 36, 37, 38, 0x3b, 0x2c, 0xff]) {
      assert.throws(
        () => recoverEip191Signer(bytes, signatureHex(r, s, v)),
        /v \d+ is not 27, 28, 0 or 1/,
      );
    }
    const halfN = SECP256K1_N / 2n;
    for (const [rr, ss] of [
      [0n, s],
      [r, 0n],
      [SECP256K1_N, s],
      [r, SECP256K1_N],
      [r, SECP256K1_N - 1n],
      [r, halfN],
      [r, halfN + 1n], // above n/2 but top bit clear: ethers accepts
      [r, 2n ** 255n - 1n],
      [r, 2n ** 255n],
      [2n ** 256n - 1n, s],
      [1n, 1n],
    ] as const) {
      agree(bytes, signatureHex(rr, ss, 27));
      agree(bytes, signatureHex(rr, ss, 28));
    }
  });

  it("refuses what is not 65 bytes of 0x hex", () => {
    const bytes = utf8("x");
    for (const signature of [
      "",
      "0x",
      `0x${"ab".repeat(64)}`,
      "ab".repeat(65),
      `0x${"zz".repeat(65)}`,
    ]) {
      assert.throws(() => recoverEip191Signer(bytes, signature), /65 bytes/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Steps 1–4.

describe("verifyBundleOffline: valid bundles pass steps 1–4", () => {
  it("for every leaf of logs of many sizes, without content and with the signer", async () => {
    for (const size of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31]) {
      const log = await buildTestLog({ size, seed: size * 7 });
      for (let index = 0; index < size; index++) {
        const steps = offline(await log.bundle(index), { trustedSigner: log.signer });
        assertPassesOffline(steps);
        assert.equal(steps[0]?.status, "skipped");
      }
    }
  });

  it("across tile boundaries and for older checkpoints of the same log", async () => {
    for (const [index, treeSize] of [
      [0, 1000],
      [255, 1000],
      [256, 1000],
      [511, 512],
      [512, 513],
      [999, 1000],
      [41, 42],
      [300, 301],
      [0, 1],
      [255, 256],
      [256, 257],
    ] as const) {
      const bundle = await large.bundle(index, { treeSize });
      const content = supplied(contentOf(large, index));
      assertPassesOffline(offline(bundle, { content, trustedSigner: large.signer }));
    }
  });

  it("with the document as bytes, as its SHA-256, and with the payload", async () => {
    const document = contentOf(small, 5);
    assert.equal(document.kind, "document");
    const docBundle = await small.bundle(5);
    const bytes = document.kind === "document" ? document.bytes : new Uint8Array(0);
    const sha256 = new Uint8Array(createHash("sha256").update(bytes).digest());
    for (const content of [supplied(document), { kind: "document", sha256 } as const]) {
      const steps = offline(docBundle, { content, trustedSigner: small.signer });
      assertPassesOffline(steps);
      assert.equal(steps[0]?.status, "passed");
    }
    const steps = offline(await small.bundle(6), { content: supplied(contentOf(small, 6)) });
    assertPassesOffline(steps);
    assert.equal(steps[0]?.status, "passed");
    assert.match(steps[3]?.detail ?? "", /not checked/);
  });

  it("with payload keys in another order (RFC 8785 sorts them)", async () => {
    const payload = contentOf(small, 6);
    assert.equal(payload.kind, "transaction");
    const reordered = payload.kind === "transaction" ? reorderKeys(payload.payload) : null;
    assert.notEqual(
      JSON.stringify(reordered),
      JSON.stringify(payload.kind === "transaction" ? payload.payload : null),
    );
    assertPassesOffline(
      offline(await small.bundle(6), { content: { kind: "transaction", payload: reordered } }),
    );
  });

  it("for every transaction and document of a generated log, with the content given", async () => {
    for (const entry of small.entries) {
      assertPassesOffline(
        offline(await small.bundle(entry.index), { content: supplied(entry.content) }),
      );
    }
  });

  it("whatever the case of the signer, in the bundle or as the published signer", async () => {
    const bundle = await small.bundle(5);
    const hex = small.signer.slice(2);
    for (const signer of [small.signer, `0x${hex.toLowerCase()}`, `0x${hex.toUpperCase()}`]) {
      assertPassesOffline(
        offline(withField(bundle, ["checkpoint", "signature", "signer"], signer), {
          trustedSigner: signer.toLowerCase(),
        }),
      );
      assertPassesOffline(offline(bundle, { trustedSigner: signer }));
    }
  });
});

interface Tampering {
  readonly name: string;
  /** Step at which the tampered bundle must fail. */
  readonly step: 1 | 2 | 3 | 4;
  readonly tamper: (bundle: ProofBundle) => void;
  readonly options?: (log: TestLog, index: number) => VerifyBundleOptions;
}

function bumpTreeSize(delta: number) {
  return (bundle: ProofBundle) => {
    bundle.checkpoint.treeSize += delta;
  };
}

const withContent = (log: TestLog, index: number): VerifyBundleOptions => ({
  content: supplied(contentOf(log, index)),
  trustedSigner: log.signer,
});

const tamperings: readonly Tampering[] = [
  {
    name: "the content given is another document or payload",
    step: 1,
    tamper: () => {},
    options: (log, index) =>
      contentOf(log, index).kind === "document"
        ? { content: { kind: "document", bytes: utf8("another document") } }
        : { content: { kind: "transaction", payload: { seq: -1 } } },
  },
  {
    name: "the content given has one value (payload) or one byte (document) changed",
    step: 1,
    tamper: () => {},
    options: (log, index) => {
      const content = contentOf(log, index);
      if (content.kind === "transaction") {
        return {
          content: { kind: "transaction", payload: withField(content.payload, ["seq"], index + 1) },
        };
      }
      const bytes = content.bytes.slice();
      bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 1;
      return { content: { kind: "document", bytes } };
    },
  },
  {
    name: "content of the other kind",
    step: 1,
    tamper: () => {},
    options: (log, index) =>
      contentOf(log, index).kind === "document"
        ? { content: { kind: "transaction", payload: { seq: index } } }
        : { content: { kind: "document", bytes: utf8("x") } },
  },
  {
    name: "contentHash changed, content given",
    step: 1,
    tamper: (b) => {
      b.entry.contentHash = flipHexBit(b.entry.contentHash, 0);
    },
    options: withContent,
  },
  {
    name: "contentHash changed, no content",
    step: 2,
    tamper: (b) => {
      b.entry.contentHash = flipHexBit(b.entry.contentHash, 200);
    },
  },
  {
    name: "leafHash changed",
    step: 2,
    tamper: (b) => {
      b.leafHash = flipHexBit(b.leafHash, 17);
    },
  },
  {
    name: "contentHash and leafHash changed consistently",
    step: 3,
    tamper: (b) => {
      b.entry.contentHash = sha256Hex(utf8("forged"));
      b.leafHash = leafHashOf(b.entry.contentHash);
    },
  },
  {
    name: "leafIndex + 1",
    step: 3,
    tamper: (b) => {
      b.leafIndex += 1;
    },
  },
  {
    name: "leafIndex − 1",
    step: 3,
    tamper: (b) => {
      b.leafIndex -= 1;
    },
  },
  {
    name: "leafIndex = treeSize",
    step: 3,
    tamper: (b) => {
      b.leafIndex = b.checkpoint.treeSize;
    },
  },
  {
    name: "path truncated",
    step: 3,
    tamper: (b) => {
      b.inclusionPath.pop();
    },
  },
  {
    name: "path padded with a hash",
    step: 3,
    tamper: (b) => {
      b.inclusionPath.push(b.leafHash);
    },
  },
  {
    name: "path padded with a copy of its last element",
    step: 3,
    tamper: (b) => {
      b.inclusionPath.push(b.inclusionPath.at(-1) ?? b.leafHash);
    },
  },
  {
    name: "path elements swapped",
    step: 3,
    tamper: (b) => {
      b.inclusionPath.reverse();
    },
  },
  {
    name: "rootHash changed",
    step: 3,
    tamper: (b) => {
      b.checkpoint.rootHash = flipHexBit(b.checkpoint.rootHash, 255);
    },
  },
  {
    name: "rootHash and body changed consistently",
    step: 3,
    tamper: (b) => {
      const { origin, treeSize } = b.checkpoint;
      b.checkpoint.rootHash = sha256Hex(utf8("forged root"));
      b.checkpoint.body = checkpointBodyOf(origin, treeSize, b.checkpoint.rootHash);
    },
  },
  {
    name: "body: trailing newline dropped",
    step: 4,
    tamper: (b) => {
      b.checkpoint.body = b.checkpoint.body.slice(0, -1);
    },
  },
  {
    name: "body: CRLF line ends",
    step: 4,
    tamper: (b) => {
      b.checkpoint.body = b.checkpoint.body.replaceAll("\n", "\r\n");
    },
  },
  {
    name: "body: unpadded base64",
    step: 4,
    tamper: (b) => {
      b.checkpoint.body = b.checkpoint.body.replace("=\n", "\n");
    },
  },
  {
    name: "origin changed",
    step: 4,
    tamper: (b) => {
      b.checkpoint.origin = "stele.example.com/other";
    },
  },
  {
    name: "origin and body changed consistently",
    step: 4,
    tamper: (b) => {
      const { treeSize, rootHash } = b.checkpoint;
      b.checkpoint.origin = "stele.example.com/other";
      b.checkpoint.body = checkpointBodyOf(b.checkpoint.origin, treeSize, rootHash);
    },
  },
  {
    name: "signature: bit of r flipped",
    step: 4,
    tamper: (b) => {
      b.checkpoint.signature.value = flipHexBit(b.checkpoint.signature.value, 8 + 256 + 3);
    },
  },
  {
    name: "signature: bit of s flipped",
    step: 4,
    tamper: (b) => {
      b.checkpoint.signature.value = flipHexBit(b.checkpoint.signature.value, 8 + 100);
    },
  },
  {
    name: "signature: v 27 ↔ 28",
    step: 4,
    tamper: (b) => {
      const { value } = b.checkpoint.signature;
      b.checkpoint.signature.value = `${value.slice(0, -2)}${value.endsWith("1b") ? "1c" : "1b"}`;
    },
  },
  {
    name: "signature: high-s twin (n − s, other v)",
    step: 4,
    tamper: (b) => {
      const value = b.checkpoint.signature.value;
      const s = BigInt(`0x${value.slice(66, 130)}`);
      const v = value.endsWith("1b") ? 28 : 27;
      b.checkpoint.signature.value = signatureHex(BigInt(value.slice(0, 66)), SECP256K1_N - s, v);
    },
  },
  {
    name: "signature.signer changed",
    step: 4,
    tamper: (b) => {
      b.checkpoint.signature.signer = OTHER_SIGNER;
    },
  },
  {
    name: "published signer is another address",
    step: 4,
    tamper: () => {},
    options: () => ({ trustedSigner: OTHER_SIGNER }),
  },
];

describe("verifyBundleOffline: each tampering fails at its step", () => {
  const bases: [string, TestLog, number][] = [
    ["document 5 of 13", small, 5],
    ["transaction 6 of 13", small, 6],
    ["document 41 of 1000", large, 41],
    ["leaf 998 of 1000", large, 998],
  ];
  for (const tampering of tamperings) {
    it(`${tampering.name} → step ${tampering.step}`, async () => {
      for (const [label, log, index] of bases) {
        const bundle = await log.bundle(index);
        tampering.tamper(bundle);
        const steps = offline(
          bundle,
          tampering.options?.(log, index) ?? { trustedSigner: log.signer },
        );
        const failure = steps.find((step) => step.status === "failed");
        assert.equal(failure?.step, tampering.step, `${label}: ${JSON.stringify(steps)}`);
        assert.ok(
          failure?.expected && failure.found,
          `${label}: expected/found ${JSON.stringify(failure)}`,
        );
        assert.notEqual(failure.expected, failure.found, label);
        assert.equal(steps.at(-1), failure, "stops at the first failure");
      }
    });
  }

  it("a checkpoint signed by another key fails step 4 against the published signer", async () => {
    const impostor = await buildTestLog({
      size: 13,
      content: fixedContent,
      privateKey: OTHER_PRIVATE_KEY,
    });
    const bundle = await impostor.bundle(5);
    assertPassesOffline(offline(bundle));
    const steps = offline(bundle, { trustedSigner: small.signer });
    assert.equal(failedStep(steps), 4);
    assert.equal(steps.at(-1)?.expected, small.signer);
    assert.equal(steps.at(-1)?.found, impostor.signer);
  });

  it("each path element with any one bit flipped → step 3", async () => {
    for (const [log, index] of [
      [small, 5],
      [small, 12],
      [large, 41],
      [large, 999],
    ] as const) {
      const original = await log.bundle(index);
      original.inclusionPath.forEach((_, element) => {
        for (const bit of [0, 7, 100, 255, element * 31]) {
          const bundle = structuredClone(original);
          bundle.inclusionPath[element] = flipHexBit(
            bundle.inclusionPath[element] ?? "",
            bit % 256,
          );
          const steps = offline(bundle, { trustedSigner: log.signer });
          assert.equal(failedStep(steps), 3, `leaf ${index} element ${element} bit ${bit}`);
          assert.match(steps.at(-1)?.expected ?? "", new RegExp(original.checkpoint.rootHash));
        }
      });
    }
  });

  it("each byte of the body changed → step 4", async () => {
    const original = await small.bundle(5);
    for (let i = 0; i < original.checkpoint.body.length; i++) {
      const bundle = structuredClone(original);
      const body = bundle.checkpoint.body;
      const replacement = body[i] === "A" ? "B" : "A";
      bundle.checkpoint.body = `${body.slice(0, i)}${replacement}${body.slice(i + 1)}`;
      assert.equal(failedStep(offline(bundle)), 4, `byte ${i}`);
    }
  });

  it("treeSize ± 1 fails at step 3 when the path no longer leads to rootHash, else at step 4", async () => {
    // The inclusion walk depends on treeSize only through the path's length and where the leaf
    // meets the right edge. For a leaf far from the right edge (leaf 0 of 13 → 12 or 14) the
    // same path still computes rootHash, so step 3 passes and only the signed body, which
    // contains the size, catches the change at step 4. Near the edge the path length or the
    // walk changes (or leafIndex ≥ treeSize) and step 3 fails.
    const seen = new Set<number>();
    for (const log of [small, large]) {
      for (const index of log === small
        ? small.entries.map((e) => e.index)
        : [0, 41, 500, 767, 768, 998, 999]) {
        for (const delta of [-1, 1]) {
          const bundle = await log.bundle(index);
          bumpTreeSize(delta)(bundle);
          const { treeSize, rootHash } = bundle.checkpoint;
          const walk = rfcRootFromPath(index, treeSize, bundle.leafHash, bundle.inclusionPath);
          const want = walk === rootHash ? 4 : 3;
          assert.equal(
            failedStep(offline(bundle)),
            want,
            `leaf ${index} of ${treeSize - delta} → ${treeSize}`,
          );
          seen.add(want);
        }
      }
    }
    assert.deepEqual([...seen].sort(), [3, 4]);
    const leaf0 = await small.bundle(0);
    bumpTreeSize(1)(leaf0);
    assert.equal(failedStep(offline(leaf0)), 4);
    const last = await small.bundle(12);
    bumpTreeSize(1)(last);
    assert.equal(failedStep(offline(last)), 3);
    const lastDown = await small.bundle(12);
    bumpTreeSize(-1)(lastDown);
    assert.equal(failedStep(offline(lastDown)), 3);
  });

  it("refuses an EIP-155-style v (≥ 35), which ethers.verifyMessage would read", async () => {
    // The spec defines value as a personal_sign r || s || v, whose v is 27 or 28; ethers
    // (getNormalizedV) also reads v ≥ 35 as 27 (odd) or 28 (even). No signer of a bundle makes
    // such a v, so a one-byte change to it is a tampering and must not verify.
    const original = await small.bundle(5);
    const { value } = original.checkpoint.signature;
    const odd = value.endsWith("1b");
    for (const v of odd ? ["23", "3b", "ff"] : ["24", "2c", "fe"]) {
      const variant = `${value.slice(0, -2)}${v}`;
      assert.equal(verifyMessage(original.checkpoint.body, variant), small.signer);
      const bundle = withField(original, ["checkpoint", "signature", "value"], variant);
      assert.equal(failedStep(offline(bundle, { trustedSigner: small.signer })), 4);
    }
  });

  it("treeSize 0 fails at step 3", async () => {
    const bundle = await small.bundle(0);
    bundle.checkpoint.treeSize = 0;
    assert.equal(failedStep(offline(bundle)), 3);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: one changed character of any hex field.

/** A chain that knows only what an honest chain would say about `original`'s anchors. */
function honestChain(original: ProofBundle, chainId = TEST_CHAIN_ID): AnchorEvidenceReader {
  const evidence = new Map<string, AnchorEvidence>();
  const blocks = new Map<number, string>();
  for (const anchor of original.anchors) {
    const found = honestEvidence(original, anchor);
    evidence.set(anchor.txHash.toLowerCase(), found);
    blocks.set(anchor.blockNumber, anchor.blockHash);
  }
  return {
    chainId,
    async readEvidence(anchor: Anchor) {
      const known = evidence.get(anchor.txHash.toLowerCase());
      return {
        chainId,
        receipt: known?.receipt ?? null,
        canonicalBlockHash: blocks.get(anchor.blockNumber) ?? null,
        headBlockNumber: 10_000,
      };
    },
    close() {},
  };
}

type HexField = readonly (string | number)[];
const ETHEREUM_FIELDS = new Set(["signer", "value", "contract", "txHash", "blockHash"]);

function hexFields(bundle: ProofBundle): HexField[] {
  return [
    ["entry", "contentHash"],
    ["leafHash"],
    ...bundle.inclusionPath.map((_, i) => ["inclusionPath", i]),
    ["checkpoint", "rootHash"],
    ["checkpoint", "signature", "signer"],
    ["checkpoint", "signature", "value"],
    ...bundle.anchors.flatMap((_, i) => [
      ["anchors", i, "contract"],
      ["anchors", i, "txHash"],
      ["anchors", i, "blockHash"],
    ]),
  ];
}

function fieldAt(value: unknown, path: HexField): string {
  let at: unknown = value;
  for (const key of path) at = (at as Record<string | number, unknown>)[key];
  assert.equal(typeof at, "string");
  return at as string;
}

describe("property: a one-character change to any hex field never verifies", () => {
  it("unless it only changes the case of an Ethereum value, or v to an alias ethers accepts", async () => {
    const bases = [
      { log: small, index: 5, bundle: await small.bundle(5) },
      { log: small, index: 6, bundle: await small.bundle(6) },
      { log: large, index: 41, bundle: await large.bundle(41) },
      { log: large, index: 999, bundle: await large.bundle(999) },
    ];
    // "⇅" stands for "the same character in the other case".
    const replacements = [..."0123456789abcdefABCDEFxXg ⇅"];
    const counts = { rejectedBySchema: 0, invalid: 0, caseChange: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bases),
        fc.nat(),
        fc.nat(),
        fc.constantFrom(...replacements),
        fc.boolean(),
        async (base, fieldChoice, position, replacement, giveContent) => {
          const fields = hexFields(base.bundle);
          const field = fields[fieldChoice % fields.length] ?? [];
          const text = fieldAt(base.bundle, field);
          const at = position % text.length;
          const original = text[at] ?? "";
          const swapped =
            original === original.toLowerCase() ? original.toUpperCase() : original.toLowerCase();
          const character = replacement === "⇅" ? swapped : replacement;
          fc.pre(original !== character);
          const mutated = `${text.slice(0, at)}${character}${text.slice(at + 1)}`;
          const tampered = withField(base.bundle, field, mutated);
          const isEthereum = ETHEREUM_FIELDS.has(String(field.at(-1)));
          const caseChange = isEthereum && at >= 2 && mutated.toLowerCase() === text.toLowerCase();
          let bundle: ProofBundle;
          try {
            bundle = parseBundle(tampered);
          } catch (error) {
            assert.ok(error instanceof InvalidBundleError, String(error));
            assert.ok(!caseChange, `case change rejected: ${field.join(".")} ${mutated}`);
            counts.rejectedBySchema++;
            return;
          }
          const verdict = await verifyBundle(bundle, {
            ...(giveContent ? { content: supplied(contentOf(base.log, base.index)) } : {}),
            trustedSigner: base.log.signer,
            chain: { connect: async () => [honestChain(base.bundle)], confirmations: 1 },
          });
          const allowed = caseChange;
          assert.equal(
            verdict.valid,
            allowed,
            `${field.join(".")}[${at}] ${original} → ${character}: ${JSON.stringify(verdict.failure ?? verdict.steps)}`,
          );
          if (caseChange) counts.caseChange++;
          else counts.invalid++;
        },
      ),
      { numRuns: 1500 },
    );
    assert.ok(
      counts.invalid > 500 && counts.rejectedBySchema > 50 && counts.caseChange > 5,
      JSON.stringify(counts),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Step 5 as a pure check.

const anchorBundle = await small.bundle(5);
const useCaseBundle = parseBundle(await small.bundle(5));

describe("checkAnchor (step 5) over AnchorEvidence", () => {
  const bundle = anchorBundle;
  const anchor = bundle.anchors[0] as Anchor;
  const { checkpoint } = bundle;
  const good = honestEvidence(bundle, anchor, 3);
  const anchored = (good.receipt?.logs ?? [])[anchor.logIndex] as ReceiptLog;
  const withLogs = (logs: readonly ReceiptLog[]): AnchorEvidence => ({
    ...good,
    receipt: good.receipt && { ...good.receipt, logs },
  });
  const replaceAnchored = (log: Partial<ReceiptLog>): AnchorEvidence =>
    withLogs(
      (good.receipt?.logs ?? []).map((l, i) => (i === anchor.logIndex ? { ...l, ...log } : l)),
    );
  const word = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

  it("the event encoding is the spec's (computed here with ethers)", () => {
    const iface = new Interface([ANCHOR_EVENT]);
    assert.equal(ANCHORED_TOPIC, id("Anchored(bytes32,uint64,bytes32)"));
    assert.equal(iface.getEvent("Anchored")?.topicHash, ANCHORED_TOPIC);
    assert.equal(logIdOfOrigin(TEST_ORIGIN), id(TEST_ORIGIN));
    assert.deepEqual(anchored.topics, [
      id("Anchored(bytes32,uint64,bytes32)"),
      id(TEST_ORIGIN),
      word(13),
    ]);
    assert.equal(anchored.data, `0x${checkpoint.rootHash}`);
    const decoded = iface.parseLog({ topics: [...anchored.topics], data: anchored.data });
    assert.equal(decoded?.args.treeSize, 13n);
    assert.equal(decoded?.args.rootHash, `0x${checkpoint.rootHash}`);
  });

  it("passes on an honest chain, at exactly the required confirmations and in any hex case", () => {
    const outcome = checkAnchor(anchor, checkpoint, good, 3);
    assert.equal(outcome.status, "passed", JSON.stringify(outcome));
    assert.equal(outcome.step, 5);
    assert.equal(checkAnchor(anchor, checkpoint, good, 1).status, "passed");
    const shouty: AnchorEvidence = {
      ...good,
      receipt: good.receipt && {
        ...good.receipt,
        blockHash: `0x${good.receipt.blockHash.slice(2).toUpperCase()}`,
        logs: good.receipt.logs.map((l) => ({
          address: l.address.toLowerCase(),
          topics: l.topics.map((t) => `0x${t.slice(2).toUpperCase()}`),
          data: l.data.toUpperCase().replace("0X", "0x"),
        })),
      },
      canonicalBlockHash: `0x${anchor.blockHash.slice(2).toUpperCase()}`,
    };
    assert.equal(checkAnchor(anchor, checkpoint, shouty, 3).status, "passed");
    const logAtZero = { ...anchor, logIndex: 0 };
    assert.equal(
      checkAnchor(logAtZero, checkpoint, honestEvidence(bundle, logAtZero), 1).status,
      "passed",
    );
  });

  it("passes for a tree size near 2^53", () => {
    const big = { ...checkpoint, treeSize: 2 ** 53 - 1 };
    const evidence = withLogs([
      anchoredLog(anchor.contract, big.origin, big.treeSize, big.rootHash),
    ]);
    const atZero = { ...anchor, logIndex: 0 };
    assert.equal(checkAnchor(atZero, big, evidence, 1).status, "passed");
  });

  const otherHash = id("something else");
  const failures: [string, AnchorEvidence, number, RegExp, RegExp][] = [
    ["the endpoint serves another chain", { ...good, chainId: 1 }, 1, /31337/, /chainId 1\b/],
    [
      "no receipt (dropped or reorged)",
      { ...good, receipt: null },
      1,
      new RegExp(anchor.txHash),
      /none/,
    ],
    [
      "the transaction reverted",
      { ...good, receipt: good.receipt && { ...good.receipt, status: 0 } },
      1,
      /status 1/,
      /status 0/,
    ],
    [
      "the receipt is in another block number",
      {
        ...good,
        receipt: good.receipt && { ...good.receipt, blockNumber: anchor.blockNumber + 1 },
      },
      1,
      new RegExp(`block ${anchor.blockNumber}`),
      new RegExp(`block ${anchor.blockNumber + 1}`),
    ],
    [
      "the receipt is in a block of another hash",
      { ...good, receipt: good.receipt && { ...good.receipt, blockHash: otherHash } },
      1,
      new RegExp(anchor.blockHash),
      new RegExp(otherHash),
    ],
    [
      "the block is no longer canonical",
      { ...good, canonicalBlockHash: otherHash },
      1,
      new RegExp(anchor.blockHash),
      new RegExp(otherHash),
    ],
    [
      "the chain is not that tall any more",
      { ...good, canonicalBlockHash: null },
      1,
      new RegExp(anchor.blockHash),
      /no block/,
    ],
    [
      "the log comes from another contract",
      replaceAnchored({ address: OTHER_CONTRACT }),
      1,
      new RegExp(ANCHOR_CONTRACT),
      new RegExp(OTHER_CONTRACT),
    ],
    [
      "the log has another logId",
      replaceAnchored({ topics: [ANCHORED_TOPIC, id("stele.example.com/other"), word(13)] }),
      1,
      new RegExp(id(TEST_ORIGIN)),
      new RegExp(id("stele.example.com/other")),
    ],
    [
      "the log has another treeSize",
      replaceAnchored({ topics: [ANCHORED_TOPIC, id(TEST_ORIGIN), word(12)] }),
      1,
      new RegExp(word(13)),
      new RegExp(word(12)),
    ],
    [
      "the log has another rootHash",
      replaceAnchored({ data: otherHash }),
      1,
      new RegExp(checkpoint.rootHash),
      new RegExp(otherHash),
    ],
    [
      "the log is another event",
      replaceAnchored({
        topics: [id("Anchored(bytes32,uint256,bytes32)"), id(TEST_ORIGIN), word(13)],
      }),
      1,
      new RegExp(ANCHORED_TOPIC),
      new RegExp(id("Anchored(bytes32,uint256,bytes32)")),
    ],
    [
      "the log has an extra topic",
      replaceAnchored({ topics: [...anchored.topics, word(0)] }),
      1,
      new RegExp(ANCHORED_TOPIC),
      new RegExp(`${word(13)}, ${word(0)}`),
    ],
    [
      "the log's data is longer than the root",
      replaceAnchored({ data: `${anchored.data}00` }),
      1,
      new RegExp(`data 0x${checkpoint.rootHash}$`),
      new RegExp(`${checkpoint.rootHash}00`),
    ],
    [
      "the Anchored log is at another logIndex",
      withLogs([anchored, ...(good.receipt?.logs ?? []).filter((l) => l !== anchored)]),
      1,
      new RegExp(ANCHORED_TOPIC),
      new RegExp(OTHER_CONTRACT),
    ],
    [
      "there is no log at logIndex",
      withLogs([anchored]),
      1,
      new RegExp(ANCHORED_TOPIC),
      /no log at index 1/,
    ],
    ["too few confirmations", good, 4, /4 confirmations/, /^3$/],
    [
      "the head is behind the block",
      { ...good, headBlockNumber: anchor.blockNumber - 1 },
      1,
      /1 confirmations/,
      /^0$/,
    ],
  ];
  for (const [name, evidence, confirmations, expected, found] of failures) {
    it(`fails when ${name}`, () => {
      const outcome = checkAnchor(anchor, checkpoint, evidence, confirmations);
      assert.equal(outcome.status, "failed", JSON.stringify(outcome));
      assert.equal(outcome.step, 5);
      assert.match(outcome.expected ?? "", expected, JSON.stringify(outcome));
      assert.match(outcome.found ?? "", found, JSON.stringify(outcome));
    });
  }
});

describe("verifyBundle (use case): step 5 through the AnchorEvidenceReader port", () => {
  const bundle = useCaseBundle;
  const chain = (chainId = TEST_CHAIN_ID) => ({
    connect: async () => [honestChain(bundle, chainId)],
    confirmations: 1,
  });
  const BASE_CHAIN_ID = 8453;
  // The same checkpoint anchored on a second chain, as a log anchoring on two chains lists it.
  const onBase = { ...(bundle.anchors[0] as Anchor), chainId: BASE_CHAIN_ID, txHash: id("base") };
  const twoChains: ProofBundle = { ...bundle, anchors: [...bundle.anchors, onBase] };

  it("is valid with an honest chain, and says so for each anchor", async () => {
    const verdict = await verifyBundle(bundle, { trustedSigner: small.signer, chain: chain() });
    assert.equal(verdict.valid, true, JSON.stringify(verdict));
    assert.deepEqual(
      verdict.steps.map((s) => [s.step, s.status]),
      [
        [1, "skipped"],
        [2, "passed"],
        [3, "passed"],
        [4, "passed"],
        [5, "passed"],
      ],
    );
  });

  it("skips step 5 without a chain or without anchors", async () => {
    const noChain = await verifyBundle(bundle);
    assert.equal(noChain.valid, true);
    assert.match(noChain.steps.at(-1)?.detail ?? "", /not checked/);
    const unanchored = await verifyBundle({ ...bundle, anchors: [] }, { chain: chain() });
    assert.equal(unanchored.valid, true);
    assert.match(unanchored.steps.at(-1)?.detail ?? "", /not anchored/);
  });

  it("fails when the endpoint serves none of the bundle's chains", async () => {
    const verdict = await verifyBundle(bundle, { chain: chain(1) });
    assert.equal(verdict.valid, false);
    assert.equal(verdict.failure?.step, 5);
    assert.match(verdict.failure?.detail ?? "", /^the RPC endpoint serves none/);
    assert.match(verdict.failure?.expected ?? "", /31337/);
    assert.match(verdict.failure?.found ?? "", /chainId 1\b/);
  });

  it("fails when none of several endpoints serves a chain of the bundle, listing them all", async () => {
    const connect = async () => [honestChain(twoChains, 1), honestChain(twoChains, 10)];
    const verdict = await verifyBundle(twoChains, { chain: { connect, confirmations: 1 } });
    assert.equal(verdict.failure?.step, 5);
    assert.match(verdict.failure?.detail ?? "", /^the RPC endpoints serve none/);
    assert.equal(verdict.failure?.expected, `chainId 31337, ${BASE_CHAIN_ID}`);
    assert.equal(verdict.failure?.found, "chainId 1, 10");
  });

  it("checks the anchor on the endpoint's chain and reports the others as unchecked", async () => {
    const verdict = await verifyBundle(
      { ...bundle, anchors: [onBase, ...bundle.anchors] },
      { chain: chain() },
    );
    assert.equal(verdict.valid, true, JSON.stringify(verdict));
    const [checked, unchecked, ...rest] = verdict.steps.filter((s) => s.step === 5);
    assert.equal(rest.length, 0);
    assert.equal(checked?.status, "passed");
    assert.match(checked?.detail ?? "", /^anchor on chain 31337: Anchored\(13, /);
    assert.equal(unchecked?.status, "skipped");
    assert.equal(
      unchecked?.detail,
      `1 anchor(s) not checked: no RPC endpoint for chain ${BASE_CHAIN_ID}`,
    );
  });

  it("checks each anchor with the reader of its chain, whatever the readers' order", async () => {
    const connect = async () => [honestChain(twoChains, BASE_CHAIN_ID), honestChain(twoChains)];
    const verdict = await verifyBundle(twoChains, { chain: { connect, confirmations: 1 } });
    assert.equal(verdict.valid, true, JSON.stringify(verdict));
    assert.deepEqual(
      verdict.steps
        .filter((s) => s.step === 5)
        .map((s) => [s.status, s.detail.replace(/: Anchored\(13, .*/, "")]),
      [
        ["passed", "anchor on chain 31337"],
        ["passed", `anchor on chain ${BASE_CHAIN_ID}`],
      ],
    );
  });

  it("fails step 5 when the anchor on one of two chains does not hold, naming that chain", async () => {
    const tampered: ProofBundle = {
      ...twoChains,
      anchors: [...bundle.anchors, { ...onBase, blockHash: id("another block") }],
    };
    const connect = async () => [honestChain(twoChains), honestChain(twoChains, BASE_CHAIN_ID)];
    const verdict = await verifyBundle(tampered, { chain: { connect, confirmations: 1 } });
    assert.equal(verdict.valid, false);
    assert.equal(verdict.failure?.step, 5);
    assert.match(
      verdict.failure?.detail ?? "",
      new RegExp(`^anchor on chain ${BASE_CHAIN_ID}: the transaction is in another block`),
    );
    assert.deepEqual(
      verdict.steps.filter((s) => s.step === 5).map((s) => s.status),
      ["passed", "failed"],
    );
  });

  it("refuses two readers of one chain, and closes both", async () => {
    let closed = 0;
    const reader = () => ({ ...honestChain(bundle), close: () => void closed++ });
    await assert.rejects(
      verifyBundle(bundle, {
        chain: { connect: async () => [reader(), reader()], confirmations: 1 },
      }),
      (error: Error) =>
        error instanceof InvalidArgumentError &&
        /two RPC endpoints serve chain 31337: give one endpoint per chain/.test(error.message),
    );
    assert.equal(closed, 2);
  });

  it("does not even connect to the chain once an earlier step failed", async () => {
    let connects = 0;
    const connect = async () => {
      connects++;
      return [honestChain(bundle)];
    };
    const verdict = await verifyBundle(
      { ...bundle, leafIndex: 6 },
      { chain: { connect, confirmations: 1 } },
    );
    assert.equal(verdict.failure?.step, 3);
    assert.equal(connects, 0);
  });

  it("closes every reader it opened, also when a read fails", async () => {
    let closed = 0;
    const counted = (reader: AnchorEvidenceReader) => ({ ...reader, close: () => void closed++ });
    const connect = async () => [
      counted(honestChain(twoChains)),
      counted(honestChain(twoChains, 1)),
    ];
    await verifyBundle(twoChains, { chain: { connect, confirmations: 1 } });
    assert.equal(closed, 2);
    const unreachable: AnchorEvidenceReader = {
      ...honestChain(twoChains, BASE_CHAIN_ID),
      readEvidence: () => Promise.reject(new Error("ECONNRESET")),
    };
    const failing = async () => [counted(honestChain(twoChains)), counted(unreachable)];
    await assert.rejects(
      verifyBundle(twoChains, { chain: { connect: failing, confirmations: 1 } }),
      /ECONNRESET/,
    );
    assert.equal(closed, 4);
  });
});

// Keeps the generator honest: its addresses and payload hashes are the spec's.
describe("bundle factory", () => {
  it("hashes payloads as SHA-256 of the RFC 8785 text and signs with the published key", async () => {
    const payload: JsonValue = { b: [1, "é"], a: 1e21, "€": null, "😀": 0.1 };
    const log = await buildTestLog({ size: 2, content: () => ({ kind: "transaction", payload }) });
    assert.equal(
      log.entries[0]?.contentHash,
      sha256Hex(utf8('{"a":1e+21,"b":[1,"é"],"€":null,"😀":0.1}')),
    );
    assert.equal(getAddress(log.signer), log.signer);
    const bundle = await log.bundle(1);
    assert.equal(
      verifyMessage(bundle.checkpoint.body, bundle.checkpoint.signature.value),
      log.signer,
    );
  });
});
