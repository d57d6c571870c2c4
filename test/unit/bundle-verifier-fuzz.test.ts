// Fuzzing the proof bundle verifier (issue 8 part 4): parse + verify (steps 1–5, step 5 over an
// honest in-memory chain) on arbitrary values, arbitrary text, chimeras of real and random
// fields, and structured mutations of real bundles from the independent factory. Always a
// verdict or a typed parse error, never another exception, and never a valid verdict unless the
// spec says the change does not touch what the bundle proves.
//
// What a bundle proves, per ../shared/spec/proof-v1.md "Verifying", is `boundClaim` below; a
// change outside it is neutral and must still verify. The neutral changes, explicitly:
//   - the case of Ethereum hex values after `0x` (signer, contract, txHash, blockHash, the
//     signature): "compare case-insensitively";
//   - the signature's v as 0/1 instead of 27/28 (what ethers.verifyMessage reads alike);
//   - anchors[].status (the service's claim; step 5 counts the confirmations itself) and
//     anchors[].blockTime (informational);
//   - dropping, duplicating or reordering anchors (a bundle may prove less; each listed anchor
//     is still checked);
//   - fields no step covers: entry.id, entry.ledger, entry.receivedAt, and entry.kind when no
//     document or payload is given (step 1 is then skipped);
//   - unknown extra fields at any level (forward compatibility).
// Everything else — path elements, leafIndex, treeSize, contentHash, leafHash, rootHash, body,
// origin, signature bytes, the checkpoint itself, anchors' chainId/contract/txHash/block/
// logIndex — is bound, and any change must be refused.
//
// fast-check prints the seed and the shrunk counterexample on failure; rerun with
// `{ seed, path }` in the failing assertion's options to reproduce.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { verifyBundle } from "../../shared/app/verify-bundle.ts";
import type { AnchorEvidence } from "../../shared/domain/proof/anchor-check.ts";
import {
  decodeBundle,
  InvalidBundleError,
  parseBundle,
} from "../../shared/domain/proof/bundle-codec.ts";
import type { Anchor, ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import type { SuppliedContent } from "../../shared/domain/proof/verify-bundle.ts";
import type { AnchorEvidenceReader } from "../../shared/ports/anchor-evidence-reader.ts";
import {
  buildTestLog,
  checkpointBodyOf,
  type EntryContent,
  honestEvidence,
  OTHER_CONTRACT,
  OTHER_PRIVATE_KEY,
  TEST_CHAIN_ID,
  type TestLog,
} from "../support/bundle-factory.ts";

const BASE_CHAIN_ID = 8453;
/** A chain id no reader serves: anchors on it are reported unchecked, not verified. */
const UNSERVED_CHAIN_ID = 10;
const CONFIRMATIONS = 2;

// ---------------------------------------------------------------------------------------------
// Fixtures: a log anchored on two chains, bundles against its latest and an older checkpoint.

const log = await buildTestLog({ size: 37, seed: 8, chainIds: [TEST_CHAIN_ID, BASE_CHAIN_ID] });
const unanchored = await buildTestLog({ size: 9, seed: 3, chainIds: [] });

interface Base {
  readonly log: TestLog;
  readonly index: number;
  readonly bundle: ProofBundle;
}

const bases: Base[] = [];
for (const [source, index, treeSize] of [
  [log, 0, 37],
  [log, 5, 37],
  [log, 32, 37],
  [log, 36, 37],
  [log, 3, 17],
  [log, 16, 17],
  [unanchored, 4, 9],
] as const) {
  bases.push({ log: source, index, bundle: await source.bundle(index, { treeSize }) });
}
/** Other valid checkpoints of the same log, of every size but the bundles' own. */
const otherCheckpoints = new Map<number, ProofBundle["checkpoint"]>();
for (const size of [1, 2, 5, 16, 17, 31, 32, 33, 36, 37]) {
  otherCheckpoints.set(size, (await log.bundle(0, { treeSize: size })).checkpoint);
}
/** A checkpoint of the same size and root as `log`'s latest, signed by another key. */
const otherSignerCheckpoint = (
  await buildTestLog({ size: 37, seed: 8, privateKey: OTHER_PRIVATE_KEY })
)
  .bundle(0)
  .then((bundle) => bundle.checkpoint);

/** One reader per chain, answering only what an honest chain says about `original`'s anchors. */
function honestChains(original: ProofBundle): AnchorEvidenceReader[] {
  return [TEST_CHAIN_ID, BASE_CHAIN_ID].map((chainId) => {
    const evidence = new Map<string, AnchorEvidence>();
    const blocks = new Map<number, string>();
    for (const anchor of original.anchors.filter((a) => a.chainId === chainId)) {
      evidence.set(anchor.txHash.toLowerCase(), honestEvidence(original, anchor));
      blocks.set(anchor.blockNumber, anchor.blockHash);
    }
    return {
      chainId,
      async readEvidence(anchor: Anchor) {
        return {
          chainId,
          receipt: evidence.get(anchor.txHash.toLowerCase())?.receipt ?? null,
          canonicalBlockHash: blocks.get(anchor.blockNumber) ?? null,
          headBlockNumber: 10_000,
        };
      },
      close() {},
    };
  });
}

function supplied(content: EntryContent): SuppliedContent {
  return content.kind === "document"
    ? { kind: "document", bytes: content.bytes }
    : { kind: "transaction", payload: JSON.parse(JSON.stringify(content.payload)) as unknown };
}

// ---------------------------------------------------------------------------------------------
// The oracle: what a bundle proves, normalised by exactly the neutral changes listed above.

const lower = (value: unknown) => (typeof value === "string" ? value.toLowerCase() : value);

/** The signature with v 0/1 read as 27/28, lowercase. */
function signatureClaim(value: unknown): unknown {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{130}$/.test(value)) return value;
  const v = Number.parseInt(value.slice(-2), 16);
  const aliased = v === 0 || v === 1 ? (v + 27).toString(16) : value.slice(-2);
  return `${value.slice(0, -2)}${aliased}`.toLowerCase();
}

type Json = Record<string, unknown>;
/** Schema paths of fields no verification step covers (their values are still checked). */
const UNBOUND_PATHS = /^(entry\.(id|ledger|receivedAt|kind)|anchors\.\d+\.(status|blockTime))$/;
const SERVED = new Set([TEST_CHAIN_ID, BASE_CHAIN_ID]);

function anchorClaim(anchor: Json): string {
  return JSON.stringify([
    anchor.chainId,
    lower(anchor.contract),
    lower(anchor.txHash),
    anchor.blockNumber,
    lower(anchor.blockHash),
    anchor.logIndex,
  ]);
}

/** Everything steps 1–4 bind, as one comparable string. */
function boundClaim(bundle: Json, contentGiven: boolean): string {
  const entry = (bundle.entry ?? {}) as Json;
  const checkpoint = (bundle.checkpoint ?? {}) as Json;
  const signature = (checkpoint.signature ?? {}) as Json;
  return JSON.stringify([
    bundle.format,
    contentGiven ? entry.kind : "-",
    entry.contentHash,
    bundle.leafIndex,
    bundle.leafHash,
    bundle.inclusionPath,
    checkpoint.origin,
    checkpoint.treeSize,
    checkpoint.rootHash,
    checkpoint.body,
    signature.algorithm,
    lower(signature.signer),
    signatureClaim(signature.value),
  ]);
}

/**
 * Whether `mutated` must verify, given that `original` does: the same bound claim, every
 * anchor on a served chain one of the original's, and at least one served anchor unless the
 * bundle has none at all (anchors only on unserved chains fail step 5: nothing to check them).
 */
function mustVerify(original: ProofBundle, mutated: unknown, contentGiven: boolean): boolean {
  if (typeof mutated !== "object" || mutated === null || Array.isArray(mutated)) return false;
  const candidate = mutated as Json;
  if (boundClaim(candidate, contentGiven) !== boundClaim(original as unknown as Json, contentGiven))
    return false;
  if (!Array.isArray(candidate.anchors)) return false;
  const known = new Set(original.anchors.map((a) => anchorClaim(a as unknown as Json)));
  const anchors = candidate.anchors as Json[];
  const served = anchors.filter((a) => SERVED.has(a.chainId as number));
  if (anchors.length > 0 && served.length === 0) return false;
  return served.every((a) => known.has(anchorClaim(a)));
}

// ---------------------------------------------------------------------------------------------
// Running the verifier: a verdict or a typed parse error, nothing else.

type Outcome =
  | { kind: "rejected"; error: InvalidBundleError }
  | { kind: "verdict"; valid: boolean; detail: string };

async function parseAndVerify(
  value: unknown,
  base: Base | undefined,
  contentGiven: boolean,
): Promise<Outcome> {
  let bundle: ProofBundle;
  try {
    bundle = parseBundle(value);
  } catch (error) {
    assert.ok(error instanceof InvalidBundleError, `parse threw ${String(error)}`);
    assert.ok(error.problems.length > 0, "a parse error names at least one field");
    return { kind: "rejected", error };
  }
  const original = base?.bundle ?? bases[0]?.bundle;
  assert.ok(original);
  const content = base?.log.entries[base.index]?.content;
  const verdict = await verifyBundle(bundle, {
    ...(contentGiven && content !== undefined ? { content: supplied(content) } : {}),
    trustedSigner: (base?.log ?? log).signer,
    chain: { connect: async () => honestChains(original), confirmations: CONFIRMATIONS },
  });
  assert.equal(typeof verdict.valid, "boolean");
  assert.ok(verdict.steps.length > 0, "a verdict has steps");
  assert.equal(verdict.valid, verdict.failure === undefined);
  return {
    kind: "verdict",
    valid: verdict.valid,
    detail: JSON.stringify(verdict.failure ?? verdict.steps),
  };
}

// ---------------------------------------------------------------------------------------------
// (a) Arbitrary input.

const hex = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString("hex"));
const anyNumber = fc.oneof(
  fc.nat({ max: 64 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 53, 2 ** 53 - 1, -0, 1e308, Number.NaN, Number.POSITIVE_INFINITY),
);

/** A field: the base's real value, or something random of about the right shape. */
const either = <T>(real: T, random: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: fc.constant(real), weight: 6 }, { arbitrary: random, weight: 1 });

/** A bundle whose every field is the real one or a random one: exercises steps 2–5 deeply. */
const chimera = fc.nat({ max: bases.length - 1 }).chain((baseIndex) => {
  const { bundle } = bases[baseIndex] as Base;
  const { checkpoint } = bundle;
  return fc.record({
    baseIndex: fc.constant(baseIndex),
    contentGiven: fc.boolean(),
    value: fc.record({
      format: either(bundle.format, fc.string()),
      entry: fc.record({
        id: either(bundle.entry.id, fc.string()),
        ledger: either(bundle.entry.ledger, fc.string()),
        kind: either(bundle.entry.kind, fc.constantFrom("document", "transaction", "other")),
        contentHash: either(bundle.entry.contentHash, hex(32)),
        receivedAt: either(
          bundle.entry.receivedAt,
          fc.date().map((d) => (Number.isNaN(d.getTime()) ? "x" : d.toISOString())),
        ),
      }),
      leafIndex: either(bundle.leafIndex, anyNumber),
      leafHash: either(bundle.leafHash, hex(32)),
      inclusionPath: either(bundle.inclusionPath, fc.array(hex(32), { maxLength: 8 })),
      checkpoint: fc.record({
        origin: either(checkpoint.origin, fc.string()),
        treeSize: either(checkpoint.treeSize, anyNumber),
        rootHash: either(checkpoint.rootHash, hex(32)),
        body: either(checkpoint.body, fc.string()),
        signature: fc.record({
          algorithm: either(checkpoint.signature.algorithm, fc.string()),
          signer: either(
            checkpoint.signature.signer,
            hex(20).map((h) => `0x${h}`),
          ),
          value: either(
            checkpoint.signature.value,
            hex(65).map((h) => `0x${h}`),
          ),
        }),
      }),
      anchors: either(
        bundle.anchors,
        fc.array(
          fc.record({
            chainId: fc.constantFrom(TEST_CHAIN_ID, BASE_CHAIN_ID, UNSERVED_CHAIN_ID, 0, -1),
            contract: hex(20).map((h) => `0x${h}`),
            txHash: either(
              bundle.anchors[0]?.txHash ?? "0x",
              hex(32).map((h) => `0x${h}`),
            ),
            blockNumber: either(bundle.anchors[0]?.blockNumber ?? 0, anyNumber),
            blockHash: hex(32).map((h) => `0x${h}`),
            logIndex: anyNumber,
            status: fc.constantFrom("included", "final", "pending"),
          }),
          { maxLength: 3 },
        ),
      ),
    }),
  });
});

describe("fuzz: arbitrary input to parse + verify", () => {
  it("any JS or JSON value: a verdict or an InvalidBundleError, never valid", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), fc.jsonValue()), async (value) => {
        const outcome = await parseAndVerify(value, undefined, false);
        assert.ok(outcome.kind === "rejected" || !outcome.valid, JSON.stringify(value));
      }),
      { numRuns: 500 },
    );
  });

  it("any text, including near-JSON: decodeBundle gives a bundle or an InvalidBundleError", () => {
    const real = JSON.stringify(bases[1]?.bundle);
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: "binary" }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      // The real bundle's text cut short or with a character replaced.
      fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 1 })).map(([at, c]) => {
        const i = at % real.length;
        return `${real.slice(0, i)}${c}${real.slice(i + 1)}`;
      }),
      fc.nat().map((at) => real.slice(0, at % real.length)),
    );
    fc.assert(
      fc.property(text, (input) => {
        try {
          decodeBundle(input);
        } catch (error) {
          assert.ok(error instanceof InvalidBundleError, `decode threw ${String(error)}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("chimeras of a real bundle and random fields: valid only when every bound field is real", async () => {
    const counts = { rejected: 0, invalid: 0, valid: 0 };
    await fc.assert(
      fc.asyncProperty(chimera, async ({ baseIndex, contentGiven, value }) => {
        const base = bases[baseIndex] as Base;
        const outcome = await parseAndVerify(value, base, contentGiven);
        const expected = mustVerify(base.bundle, value, contentGiven);
        if (outcome.kind === "rejected") {
          // Unbound fields still have a schema: a random entry.id or receivedAt may be refused.
          const onlyUnbound = outcome.error.problems.every((problem) =>
            UNBOUND_PATHS.test(problem.path),
          );
          assert.ok(
            !expected || onlyUnbound,
            `refused a bundle that must verify: ${outcome.error.message}`,
          );
          counts.rejected++;
          return;
        }
        assert.equal(outcome.valid, expected, outcome.detail);
        counts[outcome.valid ? "valid" : "invalid"]++;
      }),
      { numRuns: 500 },
    );
    assert.ok(
      counts.rejected > 20 && counts.invalid > 50 && counts.valid > 5,
      JSON.stringify(counts),
    );
    if (process.env.FUZZ_COUNTS) console.log("chimeras", counts);
  });
});

// ---------------------------------------------------------------------------------------------
// (b) Structured mutations of real bundles.

/** A mutation: its name (for the counterexample) and what it does to a copy of the bundle. */
interface Mutation {
  readonly name: string;
  apply(bundle: Json): void | Promise<void>;
}

/** fast-check prints a counterexample's mutations by name, not as source code. */
function named(mutation: Mutation): Mutation {
  return Object.assign(mutation, { [fc.toStringMethod]: () => JSON.stringify(mutation.name) });
}

const at = <T>(items: readonly T[], i: number): T | undefined =>
  items.length === 0 ? undefined : items[i % items.length];

function flipCase(text: string, i: number): string {
  const c = text[i] ?? "";
  const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
  return `${text.slice(0, i)}${flipped}${text.slice(i + 1)}`;
}

/** Replaces byte `i` of 0x-less or 0x hex `text` with `byte`. */
function setByte(text: string, i: number, byte: number): string {
  const prefix = text.startsWith("0x") ? 2 : 0;
  const bytes = (text.length - prefix) / 2;
  const position = prefix + 2 * (i % bytes);
  return `${text.slice(0, position)}${byte.toString(16).padStart(2, "0")}${text.slice(position + 2)}`;
}

const path = (b: Json) => b.inclusionPath as string[];
const checkpointOf = (b: Json) => b.checkpoint as Json;
const signatureOf = (b: Json) => checkpointOf(b).signature as Json;
const anchorsOf = (b: Json) => b.anchors as Json[];
const ETHEREUM_FIELDS = ["contract", "txHash", "blockHash"] as const;

const mutation: fc.Arbitrary<Mutation> = fc.oneof<fc.Arbitrary<Mutation>[]>(
  // Inclusion path.
  fc.nat().map((i) => ({
    name: `delete path element ${i}`,
    apply: (b: Json) => void path(b).splice(i % Math.max(1, path(b).length), 1),
  })),
  fc.nat().map((i) => ({
    name: `duplicate path element ${i}`,
    apply: (b: Json) => {
      const p = path(b);
      const element = at(p, i);
      if (element !== undefined) p.splice(i % p.length, 0, element);
    },
  })),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]) => ({
    name: `swap path elements ${i} and ${j}`,
    apply: (b: Json) => {
      const p = path(b);
      if (p.length === 0) return;
      const [x, y] = [i % p.length, j % p.length];
      [p[x], p[y]] = [p[y] as string, p[x] as string];
    },
  })),
  fc.constant({ name: "reverse the path", apply: (b: Json) => void path(b).reverse() }),
  fc.tuple(fc.nat(), hex(32)).map(([i, h]) => ({
    name: `insert ${h.slice(0, 8)}… into the path at ${i}`,
    apply: (b: Json) => void path(b).splice(i % (path(b).length + 1), 0, h),
  })),
  fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 })).map(([i, byte, x]) => ({
    name: `xor byte ${byte} of path element ${i} with ${x}`,
    apply: (b: Json) => {
      const p = path(b);
      const element = at(p, i);
      if (element === undefined) return;
      const original = Number.parseInt(element.slice(2 * (byte % 32), 2 * (byte % 32) + 2), 16);
      p[i % p.length] = setByte(element, byte % 32, original ^ x);
    },
  })),
  // Indexes and sizes.
  fc.oneof(fc.nat({ max: 40 }), fc.constantFrom(2 ** 53 - 1, 2 ** 31, -1, 0.5)).map((n) => ({
    name: `leafIndex := ${n}`,
    apply: (b: Json) => {
      b.leafIndex = n;
    },
  })),
  fc.oneof(fc.nat({ max: 40 }), fc.constantFrom(2 ** 53 - 1, 2 ** 32, -1)).map((n) => ({
    name: `checkpoint.treeSize := ${n}`,
    apply: (b: Json) => {
      checkpointOf(b).treeSize = n;
    },
  })),
  fc.oneof(fc.nat({ max: 40 }), fc.constantFrom(2 ** 53 - 1)).map((n) => ({
    name: `checkpoint.treeSize := ${n} with body rebuilt`,
    apply: (b: Json) => {
      const c = checkpointOf(b);
      c.treeSize = n;
      c.body = checkpointBodyOf(c.origin as string, n, c.rootHash as string);
    },
  })),
  // Entry and leaf hashes.
  fc.tuple(fc.nat({ max: 36 }), fc.boolean()).map(([other, withLeaf]) => ({
    name: `contentHash${withLeaf ? " and leafHash" : ""} of entry ${other}`,
    apply: (b: Json) => {
      const entry = log.entries[other];
      if (entry === undefined) return;
      (b.entry as Json).contentHash = entry.contentHash;
      if (withLeaf) b.leafHash = entry.leafHash;
    },
  })),
  fc.nat({ max: 36 }).map((other) => ({
    name: `contentHash, leafHash and leafIndex of entry ${other}, path kept`,
    apply: (b: Json) => {
      const entry = log.entries[other];
      if (entry === undefined) return;
      (b.entry as Json).contentHash = entry.contentHash;
      b.leafHash = entry.leafHash;
      b.leafIndex = other;
    },
  })),
  fc
    .tuple(
      fc.constantFrom("contentHash", "leafHash", "rootHash"),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
    )
    .map(([field, byte, x]) => ({
      name: `xor byte ${byte % 32} of ${field} with ${x}`,
      apply: (b: Json) => {
        const holder =
          field === "contentHash" ? (b.entry as Json) : field === "rootHash" ? checkpointOf(b) : b;
        const text = holder[field] as string;
        const original = Number.parseInt(text.slice(2 * (byte % 32), 2 * (byte % 32) + 2), 16);
        holder[field] = setByte(text, byte % 32, original ^ x);
      },
    })),
  // Checkpoint body, origin and signature.
  fc.tuple(fc.nat(), fc.string({ minLength: 0, maxLength: 2 })).map(([i, s]) => ({
    name: `body[${i}] := ${JSON.stringify(s)}`,
    apply: (b: Json) => {
      const body = checkpointOf(b).body as string;
      const k = i % (body.length + 1);
      checkpointOf(b).body = `${body.slice(0, k)}${s}${body.slice(k + 1)}`;
    },
  })),
  fc.tuple(fc.string({ minLength: 1, maxLength: 30 }), fc.boolean()).map(([origin, rebuild]) => ({
    name: `origin := ${JSON.stringify(origin)}${rebuild ? " with body rebuilt" : ""}`,
    apply: (b: Json) => {
      const c = checkpointOf(b);
      c.origin = origin;
      if (rebuild) c.body = checkpointBodyOf(origin, c.treeSize as number, c.rootHash as string);
    },
  })),
  fc.tuple(fc.nat({ max: 64 }), fc.integer({ min: 1, max: 255 })).map(([byte, x]) => ({
    name: `xor signature byte ${byte} with ${x}`,
    apply: (b: Json) => {
      const s = signatureOf(b);
      const value = s.value as string;
      const original = Number.parseInt(value.slice(2 + 2 * byte, 4 + 2 * byte), 16);
      s.value = setByte(value, byte, original ^ x);
    },
  })),
  fc.constant({
    name: "signer := another address",
    apply: (b: Json) => {
      signatureOf(b).signer = OTHER_CONTRACT;
    },
  }),
  fc.constantFrom(...otherCheckpoints.keys()).map((size) => ({
    name: `checkpoint := the log's valid checkpoint of size ${size}`,
    apply: (b: Json) => {
      const replacement = otherCheckpoints.get(size);
      if (replacement !== undefined) b.checkpoint = structuredClone(replacement);
    },
  })),
  fc.constant({
    name: "checkpoint := the same tree signed by another key",
    apply: async (b: Json) => {
      if (checkpointOf(b).treeSize === 37)
        b.checkpoint = structuredClone(await otherSignerCheckpoint);
      else b.checkpoint = structuredClone(otherCheckpoints.get(37));
    },
  }),
  // Anchors.
  fc
    .tuple(fc.nat(), fc.constantFrom(TEST_CHAIN_ID, BASE_CHAIN_ID, UNSERVED_CHAIN_ID))
    .map(([i, chainId]) => ({
      name: `anchors[${i}].chainId := ${chainId}`,
      apply: (b: Json) => {
        const anchor = at(anchorsOf(b), i);
        if (anchor !== undefined) anchor.chainId = chainId;
      },
    })),
  fc.tuple(fc.nat(), fc.integer({ min: -3, max: 3 })).map(([i, d]) => ({
    name: `anchors[${i}].blockNumber += ${d}`,
    apply: (b: Json) => {
      const anchor = at(anchorsOf(b), i);
      if (anchor !== undefined)
        anchor.blockNumber = Math.max(0, (anchor.blockNumber as number) + d);
    },
  })),
  fc.tuple(fc.nat(), fc.nat({ max: 3 })).map(([i, n]) => ({
    name: `anchors[${i}].logIndex := ${n}`,
    apply: (b: Json) => {
      const anchor = at(anchorsOf(b), i);
      if (anchor !== undefined) anchor.logIndex = n;
    },
  })),
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom(...ETHEREUM_FIELDS),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
    )
    .map(([i, field, byte, x]) => ({
      name: `xor anchors[${i}].${field} byte ${byte} with ${x}`,
      apply: (b: Json) => {
        const anchor = at(anchorsOf(b), i);
        if (anchor === undefined) return;
        const text = anchor[field] as string;
        const bytes = (text.length - 2) / 2;
        const k = byte % bytes;
        const original = Number.parseInt(text.slice(2 + 2 * k, 4 + 2 * k), 16);
        anchor[field] = setByte(text, k, original ^ x);
      },
    })),
  fc.nat().map((i) => ({
    name: `anchors[${i}] := the other chain's anchor's txHash`,
    apply: (b: Json) => {
      const anchors = anchorsOf(b);
      const anchor = at(anchors, i);
      const other = at(anchors, i + 1);
      if (anchor !== undefined && other !== undefined) anchor.txHash = other.txHash;
    },
  })),
  // Neutral changes.
  fc
    .tuple(fc.constantFrom("signer", "value", ...ETHEREUM_FIELDS), fc.nat(), fc.nat())
    .map(([field, i, position]) => ({
      name: `flip the case of ${field} (anchor ${i}) at ${position}`,
      apply: (b: Json) => {
        const holder =
          field === "signer" || field === "value" ? signatureOf(b) : at(anchorsOf(b), i);
        if (holder === undefined) return;
        const text = holder[field] as string;
        holder[field] = flipCase(text, 2 + (position % (text.length - 2)));
      },
    })),
  fc.constant({
    name: "v := its 0/1 alias",
    apply: (b: Json) => {
      const s = signatureOf(b);
      const value = s.value as string;
      const v = Number.parseInt(value.slice(-2), 16);
      s.value = `${value.slice(0, -2)}0${v - 27}`;
    },
  }),
  fc.tuple(fc.nat(), fc.constantFrom("included", "final")).map(([i, status]) => ({
    name: `anchors[${i}].status := ${status}`,
    apply: (b: Json) => {
      const anchor = at(anchorsOf(b), i);
      if (anchor !== undefined) anchor.status = status;
    },
  })),
  fc.nat().map((i) => ({
    name: `drop anchors[${i}]`,
    apply: (b: Json) => void anchorsOf(b).splice(i % Math.max(1, anchorsOf(b).length), 1),
  })),
  fc.nat().map((i) => ({
    name: `duplicate anchors[${i}]`,
    apply: (b: Json) => {
      const anchor = at(anchorsOf(b), i);
      if (anchor !== undefined) anchorsOf(b).push(structuredClone(anchor));
    },
  })),
  fc.constant({ name: "reverse the anchors", apply: (b: Json) => void anchorsOf(b).reverse() }),
  fc
    .tuple(
      fc.constantFrom("id", "ledger", "receivedAt", "kind"),
      fc.string({ minLength: 1, maxLength: 12 }),
    )
    .map(([field, text]) => ({
      name: `entry.${field} := ${JSON.stringify(text)} (not bound, or kind without content)`,
      apply: (b: Json) => {
        const entry = b.entry as Json;
        if (field === "receivedAt") entry.receivedAt = "2030-01-02T03:04:05.6+00:00";
        else if (field === "kind")
          entry.kind = entry.kind === "document" ? "transaction" : "document";
        else entry[field] = text;
      },
    })),
  fc
    .tuple(
      fc.constantFrom("", "entry", "checkpoint", "signature", "anchor"),
      fc.string({ minLength: 1, maxLength: 8 }),
      fc.jsonValue(),
    )
    .map(([where, key, value]) => ({
      name: `unknown field ${where}.x-${key}`,
      apply: (b: Json) => {
        const holder =
          where === ""
            ? b
            : where === "entry"
              ? (b.entry as Json)
              : where === "checkpoint"
                ? checkpointOf(b)
                : where === "signature"
                  ? signatureOf(b)
                  : anchorsOf(b)[0];
        if (holder !== undefined) holder[`x-${key}`] = value;
      },
    })),
);

describe("fuzz: structured mutations of real bundles", () => {
  it("the fixtures verify before any mutation", async () => {
    for (const base of bases) {
      for (const contentGiven of [false, true]) {
        const outcome = await parseAndVerify(structuredClone(base.bundle), base, contentGiven);
        assert.deepEqual(
          outcome.kind === "verdict" && outcome.valid,
          true,
          JSON.stringify(outcome),
        );
      }
    }
  });

  it("one to three mutations: valid exactly when all of them are neutral", async () => {
    const counts = { rejected: 0, invalid: 0, valid: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: bases.length - 1 }),
        fc.array(mutation.map(named), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (baseIndex, mutations, contentGiven) => {
          const base = bases[baseIndex] as Base;
          const mutated = structuredClone(base.bundle) as unknown as Json;
          for (const m of mutations) await m.apply(mutated);
          const expected = mustVerify(base.bundle, mutated, contentGiven);
          const outcome = await parseAndVerify(mutated, base, contentGiven);
          const what = `${mutations.map((m) => m.name).join("; ")} (content ${contentGiven ? "given" : "not given"})`;
          if (outcome.kind === "rejected") {
            assert.ok(!expected, `${what}: refused by the schema: ${outcome.error.message}`);
            counts.rejected++;
            return;
          }
          assert.equal(
            outcome.valid,
            expected,
            `${what}: ${expected ? "must verify" : "FALSE ACCEPT"}: ${outcome.detail}`,
          );
          counts[outcome.valid ? "valid" : "invalid"]++;
        },
      ),
      { numRuns: 1000 },
    );
    assert.ok(
      counts.invalid > 400 && counts.valid > 40 && counts.rejected > 20,
      JSON.stringify(counts),
    );
    if (process.env.FUZZ_COUNTS) console.log("mutations", counts);
  });
});
