/**
 * Proof bundle v1 (spec/proof-v1.md) as a zod schema. Named fields are fixed by the contract;
 * objects are loose because later versions may add fields that old verifiers must ignore.
 */
import * as z from "zod";

export const BUNDLE_FORMAT = "stele.proof.v1";

const hash32Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "a 32-byte hash: 64 lowercase hex characters, no 0x");
const ethAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address: 0x and 40 hex characters");
const ethHash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a hash: 0x and 64 hex characters");
const ethSignature = z
  .string()
  .regex(/^0x[0-9a-fA-F]{130}$/, "a 65-byte signature r || s || v: 0x and 130 hex characters");
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const entrySchema = z.looseObject({
  id: z.string().min(1),
  ledger: z.string().min(1),
  kind: z.enum(["document", "transaction"]),
  contentHash: hash32Hex,
  // RFC 3339; "Z" or a numeric offset (generators in other languages write +00:00 for UTC).
  receivedAt: z.iso.datetime({ offset: true }),
});

export const signatureSchema = z.looseObject({
  algorithm: z.literal("eip191-secp256k1"),
  signer: ethAddress,
  value: ethSignature,
});

export const checkpointSchema = z.looseObject({
  origin: z
    .string()
    .min(1)
    .regex(/^[^\n]+$/, "one line of text"),
  treeSize: count,
  rootHash: hash32Hex,
  body: z.string(),
  signature: signatureSchema,
});

export const anchorSchema = z.looseObject({
  chainId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  contract: ethAddress,
  txHash: ethHash,
  blockNumber: count,
  blockHash: ethHash,
  logIndex: count,
  status: z.enum(["included", "final"]),
  /** Added to v1: the block's timestamp (RFC 3339), as the log recorded it; informational. */
  blockTime: z.iso.datetime({ offset: true }).optional(),
});

export const proofBundleSchema = z.looseObject({
  format: z.literal(BUNDLE_FORMAT),
  entry: entrySchema,
  leafIndex: count,
  leafHash: hash32Hex,
  inclusionPath: z.array(hash32Hex),
  checkpoint: checkpointSchema,
  anchors: z.array(anchorSchema),
});

export type ProofBundle = z.infer<typeof proofBundleSchema>;
export type BundleEntry = z.infer<typeof entrySchema>;
export type SignedCheckpoint = z.infer<typeof checkpointSchema>;
export type Anchor = z.infer<typeof anchorSchema>;
