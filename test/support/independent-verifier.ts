/**
 * A verifier of proof bundles written from spec/proof-v1.md alone, as a third party would write
 * one: it shares no code with shared/ or cli/. SHA-256 from node:crypto, the inclusion check by
 * the RFC 9162 recursion (test/support/reference-merkle.ts), the signature through
 * `ethers.verifyMessage` as the spec words it, and step 5 through raw JSON-RPC calls with fetch.
 * It answers with the first step that fails, or "valid".
 */
import { createHash } from "node:crypto";
import { id as keccakOfText, verifyMessage } from "ethers";
import { refInclusionValid, unhex } from "./reference-merkle.ts";

/** What a verifier knows of the log besides the bundle: its published identity. */
export interface PublishedLog {
  readonly signer: string;
  /** The Anchor contract per chain id, and an RPC endpoint of that chain. */
  readonly chains: readonly { chainId: number; contract: string; rpcUrl: string }[];
  readonly confirmations: number;
}

export type IndependentVerdict = { valid: true } | { valid: false; step: number; why: string };

// The bundle is read as plain JSON: a third party has no schema of ours.
interface RawBundle {
  format: string;
  entry: { contentHash: string };
  leafIndex: number;
  leafHash: string;
  inclusionPath: string[];
  checkpoint: {
    origin: string;
    treeSize: number;
    rootHash: string;
    body: string;
    signature: { algorithm: string; signer: string; value: string };
  };
  anchors: {
    chainId: number;
    contract: string;
    txHash: string;
    blockNumber: number;
    blockHash: string;
    logIndex: number;
  }[];
}

const ANCHORED_TOPIC = keccakOfText("Anchored(bytes32,uint64,bytes32)");

const sha256Hex = (...parts: Uint8Array[]) => {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
};

const sameHex = (a: unknown, b: unknown) =>
  typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();

async function rpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

interface RpcReceipt {
  status: string;
  blockHash: string;
  blockNumber: string;
  logs: { address: string; topics: string[]; data: string }[];
}

async function checkAnchor(
  anchor: RawBundle["anchors"][number],
  checkpoint: RawBundle["checkpoint"],
  log: PublishedLog,
): Promise<string | undefined> {
  const chain = log.chains.find((c) => c.chainId === anchor.chainId);
  if (chain === undefined) return `no endpoint for chain ${anchor.chainId}`;
  if (!sameHex(anchor.contract, chain.contract)) return "not the published Anchor contract";
  const chainId = Number(BigInt(await rpc<string>(chain.rpcUrl, "eth_chainId", [])));
  if (chainId !== anchor.chainId) return `the endpoint serves chain ${chainId}`;
  const receipt = await rpc<RpcReceipt | null>(chain.rpcUrl, "eth_getTransactionReceipt", [
    anchor.txHash,
  ]);
  if (receipt === null) return "no receipt";
  if (Number(BigInt(receipt.status)) !== 1) return "the transaction failed";
  if (!sameHex(receipt.blockHash, anchor.blockHash)) return "receipt in another block";
  if (Number(BigInt(receipt.blockNumber)) !== anchor.blockNumber) return "another block number";
  const block = await rpc<{ hash: string } | null>(chain.rpcUrl, "eth_getBlockByNumber", [
    `0x${anchor.blockNumber.toString(16)}`,
    false,
  ]);
  if (!sameHex(block?.hash, anchor.blockHash)) return "the block is not canonical";
  const event = receipt.logs[anchor.logIndex];
  if (event === undefined) return `no log ${anchor.logIndex}`;
  const expectedTopics = [
    ANCHORED_TOPIC,
    keccakOfText(checkpoint.origin),
    `0x${checkpoint.treeSize.toString(16).padStart(64, "0")}`,
  ];
  if (!sameHex(event.address, anchor.contract)) return "the log is from another contract";
  if (
    event.topics.length !== 3 ||
    !expectedTopics.every((topic, i) => sameHex(event.topics[i], topic))
  )
    return "the log is not Anchored(logId, treeSize) of this checkpoint";
  if (!sameHex(event.data, `0x${checkpoint.rootHash}`)) return "another root on chain";
  const head = Number(BigInt(await rpc<string>(chain.rpcUrl, "eth_blockNumber", [])));
  if (head - anchor.blockNumber + 1 < log.confirmations) return "too few confirmations";
  return undefined;
}

export async function verifyIndependently(
  bundle: RawBundle,
  log: PublishedLog,
): Promise<IndependentVerdict> {
  const fail = (step: number, why: string): IndependentVerdict => ({ valid: false, step, why });
  if (bundle.format !== "stele.proof.v1") return fail(0, "not a stele.proof.v1 bundle");
  const { checkpoint, entry } = bundle;
  // Step 1 needs the content; the callers here have none. Step 2:
  if (bundle.leafHash !== sha256Hex(Uint8Array.of(0), unhex(entry.contentHash)))
    return fail(2, "leaf hash");
  // Step 3.
  const included = refInclusionValid(
    bundle.leafIndex,
    checkpoint.treeSize,
    unhex(bundle.leafHash),
    bundle.inclusionPath.map(unhex),
    unhex(checkpoint.rootHash),
  );
  if (!included) return fail(3, "inclusion");
  // Step 4.
  const root64 = Buffer.from(checkpoint.rootHash, "hex").toString("base64");
  const body = `${checkpoint.origin}\n${checkpoint.treeSize}\n${root64}\n`;
  if (checkpoint.body !== body) return fail(4, "checkpoint body");
  if (checkpoint.signature.algorithm !== "eip191-secp256k1") return fail(4, "algorithm");
  const recovered = verifyMessage(body, checkpoint.signature.value);
  if (!sameHex(recovered, checkpoint.signature.signer) || !sameHex(recovered, log.signer))
    return fail(4, `signed by ${recovered}`);
  // Step 5.
  for (const anchor of bundle.anchors) {
    const why = await checkAnchor(anchor, checkpoint, log);
    if (why !== undefined) return fail(5, `anchor on chain ${anchor.chainId}: ${why}`);
  }
  return { valid: true };
}
