/**
 * Real proof bundles for tests, made the way an independent generator following
 * spec/proof-v1.md would make them: content hashes with node:crypto and the `canonicalize`
 * package, checkpoint signatures with an ethers Wallet, Anchored logs with ethers' ABI coder.
 * Only the tree itself comes from the project (appendLeaves into a MemoryTileStore and
 * buildInclusionProof), and the factory checks both against a naive RFC 9162 implementation
 * before handing anything out.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import canonicalize from "canonicalize";
import { getAddress, Interface, id, keccak256, toUtf8Bytes, Wallet } from "ethers";
import { MemoryTileStore } from "../../shared/adapters/memory/memory-tile-store.ts";
import { appendLeaves } from "../../shared/domain/merkle/append-leaves.ts";
import { buildInclusionProof } from "../../shared/domain/merkle/build-proof.ts";
import type { AnchorEvidence, ReceiptLog } from "../../shared/domain/proof/anchor-check.ts";
import type { Anchor, ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { hex, ReferenceTree, seededRandom, unhex } from "./reference-merkle.ts";

export { seededRandom };

/** The log's checkpoint key in these tests (a fixed, public, test-only key). */
export const TEST_PRIVATE_KEY =
  "0x8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f";
/** Another key, for "signed by someone else". */
export const OTHER_PRIVATE_KEY =
  "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
export const TEST_ORIGIN = "stele.example.com/default";
export const TEST_CHAIN_ID = 31337;
export const ANCHOR_CONTRACT = getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3");
/** A contract that also logs in the anchor transaction, before the Anchored log. */
export const OTHER_CONTRACT = getAddress("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512");

/** The Anchor contract's event, exactly as spec/proof-v1.md declares it. */
export const ANCHOR_EVENT =
  "event Anchored(bytes32 indexed logId, uint64 indexed treeSize, bytes32 rootHash)";
const anchorInterface = new Interface([ANCHOR_EVENT]);
const otherInterface = new Interface(["event Ping(address indexed from, uint256 value)"]);

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

export type EntryContent =
  | { readonly kind: "document"; readonly bytes: Uint8Array }
  | { readonly kind: "transaction"; readonly payload: JsonValue };

export interface LogEntry {
  readonly index: number;
  readonly content: EntryContent;
  /** Lowercase hex, computed with node:crypto (and canonicalize for payloads). */
  readonly contentHash: string;
  readonly leafHash: string;
}

export interface TestLogOptions {
  readonly size: number;
  /** Seed of the deterministic content generator. */
  readonly seed?: number;
  readonly origin?: string;
  readonly privateKey?: string;
  /** Chains the checkpoints are anchored on; [] for unanchored bundles. */
  readonly chainIds?: readonly number[];
  /** Content of chosen entries (the rest are generated). */
  readonly content?: (index: number) => EntryContent | undefined;
}

export interface BundleOptions {
  /** Prove against the checkpoint of this size (default: the whole log). */
  readonly treeSize?: number;
  /** Override the anchors (default: one per chain of the log). */
  readonly anchors?: readonly Anchor[];
}

export interface TestLog {
  readonly origin: string;
  readonly size: number;
  readonly entries: readonly LogEntry[];
  /** Checksummed address of the checkpoint key. */
  readonly signer: string;
  readonly wallet: Wallet;
  /** MTH of the first `treeSize` entries, lowercase hex (naive RFC 9162 recursion). */
  rootAt(treeSize: number): string;
  /** A fresh bundle (a plain JSON value, safe to mutate) for entry `index`. */
  bundle(index: number, options?: BundleOptions): Promise<ProofBundle>;
}

// ---------------------------------------------------------------------------------------------
// Hashing, independent of the project's code.

export function sha256Hex(...parts: readonly Uint8Array[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}

/** RFC 8785 canonical JSON of `payload` (the `canonicalize` package). */
export function canonicalJsonOf(payload: JsonValue): string {
  const text = canonicalize(payload);
  if (text === undefined) throw new Error("payload has no canonical JSON");
  return text;
}

export function contentHashOf(content: EntryContent): string {
  return content.kind === "document"
    ? sha256Hex(content.bytes)
    : sha256Hex(new TextEncoder().encode(canonicalJsonOf(content.payload)));
}

export function leafHashOf(contentHash: string): string {
  return sha256Hex(Uint8Array.of(0), unhex(contentHash));
}

// ---------------------------------------------------------------------------------------------
// Deterministic content.

const WORDS = ["amount", "währung", "payee", "note", "日付", "ref", "B", "a", "€", "😀", "z"];

function randomPayload(random: () => number, index: number): JsonValue {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const numbers = [0, -1, 1.5, 1e21, 1e-7, 0.1, 123456789012, 2 ** 53 - 1, -0.000001];
  const body: Record<string, JsonValue> = {
    seq: index,
    amount: Math.round(random() * 1e8) / 100,
    currency: pick(["EUR", "USD", "JPY", "CHF"]),
    note: pick(["", "plain", "ünïcödé", "line\nbreak", 'quote " and \\', "漢字 and 😀", "\u0001"]),
    flags: [random() < 0.5, null, pick(numbers)],
  };
  const extra = Math.floor(random() * 4);
  for (let i = 0; i < extra; i++) {
    body[`${pick(WORDS)}${i}`] = { [pick(WORDS)]: pick(numbers), list: [pick(WORDS), i] };
  }
  return body;
}

function randomContent(random: () => number, index: number): EntryContent {
  if (random() < 0.5) {
    const length = index % 17 === 0 ? 0 : Math.floor(random() * 600);
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
    return { kind: "document", bytes };
  }
  return { kind: "transaction", payload: randomPayload(random, index) };
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function entryId(random: () => number): string {
  let text = "01J";
  while (text.length < 26) text += CROCKFORD[Math.floor(random() * 32)];
  return text;
}

/** The same JSON value with every object's keys in reverse order (same canonical form). */
export function reorderKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(reorderKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, JsonValue> = {};
    const record = value as { readonly [key: string]: JsonValue };
    for (const key of Object.keys(record).reverse()) out[key] = reorderKeys(record[key] ?? null);
    return out;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Checkpoints and anchors.

/** `<origin>\n<treeSize>\n<base64 root>\n`. */
export function checkpointBodyOf(origin: string, treeSize: number, rootHex: string): string {
  return `${origin}\n${treeSize}\n${Buffer.from(rootHex, "hex").toString("base64")}\n`;
}

function fakeHash(label: string): string {
  return keccak256(toUtf8Bytes(label));
}

/** The anchor a log would record for its checkpoint of `treeSize` on `chainId`. */
export function anchorFor(chainId: number, origin: string, treeSize: number): Anchor {
  return {
    chainId,
    contract: ANCHOR_CONTRACT,
    txHash: fakeHash(`tx ${chainId} ${origin} ${treeSize}`),
    blockNumber: 12 + (treeSize % 1000),
    blockHash: fakeHash(`block ${chainId} ${origin} ${treeSize}`),
    logIndex: 1,
    status: "final",
  };
}

/** The Anchored log for a checkpoint, encoded by ethers' Interface. */
export function anchoredLog(
  contract: string,
  origin: string,
  treeSize: number,
  rootHex: string,
): ReceiptLog {
  const { topics, data } = anchorInterface.encodeEventLog("Anchored", [
    id(origin),
    treeSize,
    `0x${rootHex}`,
  ]);
  return { address: contract, topics, data };
}

/** What an honest chain says about `bundle`'s anchor: its receipt holds another log, then Anchored. */
export function honestEvidence(
  bundle: ProofBundle,
  anchor: Anchor,
  confirmations = 3,
): AnchorEvidence {
  const { origin, treeSize, rootHash } = bundle.checkpoint;
  const ping = otherInterface.encodeEventLog("Ping", [OTHER_CONTRACT, 7n]);
  const logs: ReceiptLog[] = [{ address: OTHER_CONTRACT, topics: ping.topics, data: ping.data }];
  while (logs.length < anchor.logIndex) logs.push(logs[0] as ReceiptLog);
  logs.splice(anchor.logIndex, 0, anchoredLog(anchor.contract, origin, treeSize, rootHash));
  return {
    chainId: anchor.chainId,
    receipt: { status: 1, blockNumber: anchor.blockNumber, blockHash: anchor.blockHash, logs },
    canonicalBlockHash: anchor.blockHash,
    headBlockNumber: anchor.blockNumber + confirmations - 1,
  };
}

// ---------------------------------------------------------------------------------------------
// The log.

export async function buildTestLog(options: TestLogOptions): Promise<TestLog> {
  const { size } = options;
  const random = seededRandom(options.seed ?? size);
  const origin = options.origin ?? TEST_ORIGIN;
  const wallet = new Wallet(options.privateKey ?? TEST_PRIVATE_KEY);
  const chainIds = options.chainIds ?? [TEST_CHAIN_ID];

  const entries: LogEntry[] = [];
  const ids: string[] = [];
  for (let index = 0; index < size; index++) {
    const content = options.content?.(index) ?? randomContent(random, index);
    const contentHash = contentHashOf(content);
    entries.push({ index, content, contentHash, leafHash: leafHashOf(contentHash) });
    ids.push(entryId(random));
  }
  // The independent RFC 9162 reference (test/support/reference-merkle.ts) checks the tiles.
  const reference = new ReferenceTree(entries.map((entry) => unhex(entry.leafHash)));
  const rootAt = (treeSize: number) => hex(reference.root(treeSize));

  const store = new MemoryTileStore();
  const appended = await appendLeaves(
    store,
    0,
    new Uint8Array(Buffer.from(entries.map((entry) => entry.leafHash).join(""), "hex")),
  );
  store.writeTiles(appended.tiles);
  if (Buffer.from(appended.rootHash).toString("hex") !== rootAt(size)) {
    throw new Error(`factory: appendLeaves root differs from RFC 9162 MTH for size ${size}`);
  }

  const signatures = new Map<number, Promise<string>>();
  const signatureAt = (treeSize: number): Promise<string> => {
    let signature = signatures.get(treeSize);
    if (signature === undefined) {
      signature = wallet.signMessage(checkpointBodyOf(origin, treeSize, rootAt(treeSize)));
      signatures.set(treeSize, signature);
    }
    return signature;
  };
  const baseTime = Date.parse("2026-11-24T01:02:03.456Z");

  return {
    origin,
    size,
    entries,
    signer: wallet.address,
    wallet,
    rootAt,
    async bundle(index, bundleOptions = {}) {
      const treeSize = bundleOptions.treeSize ?? size;
      const entry = entries[index];
      if (entry === undefined || index >= treeSize || treeSize > size) {
        throw new Error(`factory: no entry ${index} in a tree of ${treeSize}`);
      }
      const path = (await buildInclusionProof(store, index, treeSize)).map((hash) =>
        Buffer.from(hash).toString("hex"),
      );
      const expectedPath = reference.path(index, treeSize).map(hex);
      if (path.join() !== expectedPath.join()) {
        throw new Error(
          `factory: buildInclusionProof(${index}, ${treeSize}) differs from RFC 9162 PATH`,
        );
      }
      const rootHash = rootAt(treeSize);
      const anchors =
        bundleOptions.anchors ?? chainIds.map((chainId) => anchorFor(chainId, origin, treeSize));
      const bundle: ProofBundle = {
        format: "stele.proof.v1",
        entry: {
          id: ids[index] ?? "",
          ledger: origin.split("/").at(-1) ?? "default",
          kind: entry.content.kind,
          contentHash: entry.contentHash,
          receivedAt: new Date(baseTime + index * 1001).toISOString(),
        },
        leafIndex: index,
        leafHash: entry.leafHash,
        inclusionPath: path,
        checkpoint: {
          origin,
          treeSize,
          rootHash,
          body: checkpointBodyOf(origin, treeSize, rootHash),
          signature: {
            algorithm: "eip191-secp256k1",
            signer: wallet.address,
            value: await signatureAt(treeSize),
          },
        },
        anchors: anchors.map((anchor) => ({ ...anchor })),
      };
      return structuredClone(bundle);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Files for the CLI.

export interface TempDir {
  readonly path: string;
  /** Writes `name` with `content` as it is; returns the file's path. */
  write(name: string, content: string | Uint8Array): Promise<string>;
  /** Writes `value` as 2-space indented JSON; returns the file's path. */
  writeJson(name: string, value: unknown): Promise<string>;
  remove(): Promise<void>;
}

export async function makeTempDir(prefix = "stele-test-"): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  const write = async (name: string, content: string | Uint8Array): Promise<string> => {
    const file = join(path, name);
    await writeFile(file, content);
    return file;
  };
  return {
    path,
    write,
    writeJson: (name, value) => write(name, `${JSON.stringify(value, null, 2)}\n`),
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

export interface BundleFiles {
  readonly bundle: string;
  /** The document (for a document entry) or the payload JSON (for a transaction entry). */
  readonly content: string;
}

/**
 * Writes `bundle` as `<name>.bundle.json` and the entry's content as `<name>.doc` (raw bytes)
 * or `<name>.payload.json` (JSON text, keys in reverse order when `reordered`).
 */
export async function writeBundleFiles(
  dir: TempDir,
  name: string,
  bundle: ProofBundle,
  content: EntryContent,
  reordered = false,
): Promise<BundleFiles> {
  const bundlePath = await dir.writeJson(`${name}.bundle.json`, bundle);
  const contentPath =
    content.kind === "document"
      ? await dir.write(`${name}.doc`, content.bytes)
      : await dir.write(
          `${name}.payload.json`,
          JSON.stringify(reordered ? reorderKeys(content.payload) : content.payload),
        );
  return { bundle: bundlePath, content: contentPath };
}
