/** Steps 1–4 of spec/proof-v1.md "Verifying": everything that needs no chain. */
import { equalBytes, fromHex, toHex, utf8 } from "../bytes.ts";
import { SteleError } from "../errors.ts";
import { hashLeaf } from "../merkle/hasher.ts";
import { InvalidProofError, RootMismatchError } from "../merkle/proof-errors.ts";
import { verifyInclusion } from "../merkle/verify-inclusion.ts";
import type { ProofBundle } from "./bundle-schema.ts";
import { checkpointBody, recoverEip191Signer } from "./checkpoint.ts";
import { documentContentHash, transactionContentHash } from "./content-hash.ts";
import { failed, firstFailure, passed, type StepOutcome, skipped } from "./verdict.ts";

/** The content the bundle is about, when the verifier has it. */
export type SuppliedContent =
  | { readonly kind: "document"; readonly bytes: Uint8Array }
  /** A document too large to hold: its SHA-256, computed by streaming. */
  | { readonly kind: "document"; readonly sha256: Uint8Array }
  | { readonly kind: "transaction"; readonly payload: unknown };

export interface OfflineCheckOptions {
  readonly content?: SuppliedContent;
  /** The log's published checkpoint signer address; without it the signer is only reported. */
  readonly trustedSigner?: string;
}

function checkContent(bundle: ProofBundle, content: SuppliedContent | undefined): StepOutcome {
  if (content === undefined) {
    return skipped(1, "no document or payload given: the bundle's contentHash was taken as stated");
  }
  const { kind, contentHash } = bundle.entry;
  if (content.kind !== kind) {
    const given = content.kind === "document" ? "a document" : "a transaction payload";
    return failed(1, `the entry is a ${kind}, and ${given} was given`, kind, content.kind);
  }
  let computed: Uint8Array;
  if (content.kind === "transaction") {
    try {
      computed = transactionContentHash(content.payload);
    } catch (error) {
      return failed(
        1,
        (error as Error).message,
        "a JSON payload",
        "a value without canonical JSON",
      );
    }
  } else {
    computed = "bytes" in content ? documentContentHash(content.bytes) : content.sha256;
  }
  const found = toHex(computed);
  if (found !== contentHash) {
    return failed(
      1,
      `the ${kind} given does not hash to the entry's contentHash`,
      contentHash,
      found,
    );
  }
  return passed(1, `the ${kind} given hashes to contentHash ${contentHash}`);
}

function checkLeaf(bundle: ProofBundle): StepOutcome {
  const want = toHex(hashLeaf(fromHex(bundle.entry.contentHash)));
  if (want !== bundle.leafHash) {
    return failed(2, "leafHash is not SHA-256(0x00 || contentHash)", want, bundle.leafHash);
  }
  return passed(2, "leafHash = SHA-256(0x00 || contentHash)");
}

function checkInclusion(bundle: ProofBundle): StepOutcome {
  const { leafIndex, checkpoint } = bundle;
  try {
    verifyInclusion(
      leafIndex,
      checkpoint.treeSize,
      fromHex(bundle.leafHash),
      bundle.inclusionPath.map(fromHex),
      fromHex(checkpoint.rootHash),
    );
  } catch (error) {
    if (error instanceof RootMismatchError) {
      return failed(
        3,
        "the inclusion path does not lead to the checkpoint's root",
        `rootHash ${toHex(error.expectedRoot)}`,
        `calculated root ${toHex(error.calculatedRoot)}`,
      );
    }
    if (error instanceof InvalidProofError || error instanceof SteleError) {
      const { want, got } = error.context;
      const expected =
        want === undefined
          ? `leafIndex below treeSize ${checkpoint.treeSize}`
          : `${want} path elements`;
      const found = got === undefined ? `leafIndex ${leafIndex}` : `${got} path elements`;
      return failed(3, error.message, expected, found);
    }
    throw error;
  }
  return passed(
    3,
    `leaf ${leafIndex} is in the tree of size ${checkpoint.treeSize} with root ${checkpoint.rootHash}`,
  );
}

function checkSignature(bundle: ProofBundle, trustedSigner: string | undefined): StepOutcome {
  const { origin, treeSize, rootHash, body, signature } = bundle.checkpoint;
  const rebuilt = checkpointBody(origin, treeSize, fromHex(rootHash));
  if (!equalBytes(utf8(rebuilt), utf8(body))) {
    return failed(
      4,
      "checkpoint.body is not rebuilt byte for byte from origin, treeSize and rootHash",
      JSON.stringify(rebuilt),
      JSON.stringify(body),
    );
  }
  let recovered: string;
  try {
    recovered = recoverEip191Signer(utf8(body), signature.value);
  } catch (error) {
    return failed(
      4,
      (error as Error).message,
      `a signature by ${signature.signer}`,
      signature.value,
    );
  }
  if (recovered !== signature.signer.toLowerCase()) {
    return failed(
      4,
      "the signature does not recover to signature.signer",
      signature.signer,
      recovered,
    );
  }
  if (trustedSigner === undefined) {
    return passed(
      4,
      `checkpoint signed by ${signature.signer}; signer not checked against the log's published signer, none was given`,
    );
  }
  if (trustedSigner.toLowerCase() !== recovered) {
    return failed(
      4,
      "the checkpoint is signed by a key other than the log's published signer",
      trustedSigner,
      signature.signer,
    );
  }
  return passed(4, `checkpoint signed by the log's published signer ${signature.signer}`);
}

/** Runs steps 1–4 in order and stops at the first failure. */
export function verifyBundleOffline(
  bundle: ProofBundle,
  options: OfflineCheckOptions = {},
): StepOutcome[] {
  const steps: StepOutcome[] = [];
  const checks = [
    () => checkContent(bundle, options.content),
    () => checkLeaf(bundle),
    () => checkInclusion(bundle),
    () => checkSignature(bundle, options.trustedSigner),
  ];
  for (const check of checks) {
    steps.push(check());
    if (firstFailure(steps)) break;
  }
  return steps;
}
