/** Checks of a signed checkpoint on its own: body rebuilt byte for byte, signature by the signer. */
import { fromHex, utf8 } from "../shared/domain/bytes.ts";
import { InvalidArgumentError } from "../shared/domain/errors.ts";
import type { SignedCheckpoint } from "../shared/domain/proof/bundle-schema.ts";
import { checkpointBody, recoverEip191Signer } from "../shared/domain/proof/checkpoint.ts";

export interface CheckpointProblem {
  readonly detail: string;
  readonly expected: string;
  readonly found: string;
}

/** What is wrong with `checkpoint`, or undefined when its body and signature hold for `signer`. */
export function checkpointProblem(
  checkpoint: SignedCheckpoint,
  signer: string,
): CheckpointProblem | undefined {
  const { origin, treeSize, rootHash, body, signature } = checkpoint;
  const rebuilt = checkpointBody(origin, treeSize, fromHex(rootHash));
  if (body !== rebuilt) {
    return {
      detail: "the body is not origin, tree size and root",
      expected: JSON.stringify(rebuilt),
      found: JSON.stringify(body),
    };
  }
  let recovered: string;
  try {
    recovered = recoverEip191Signer(utf8(body), signature.value);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    return { detail: error.message, expected: `a signature by ${signer}`, found: signature.value };
  }
  if (recovered !== signature.signer.toLowerCase()) {
    return {
      detail: "the signature does not recover to the signer it names",
      expected: signature.signer,
      found: recovered,
    };
  }
  if (recovered !== signer.toLowerCase()) {
    return {
      detail: "signed by a key other than the log's checkpoint signer",
      expected: signer,
      found: signature.signer,
    };
  }
  return undefined;
}

/** `chain 31337 block 12 (final)` for each anchor, or that there is none yet. */
export function describeAnchors(
  anchors: readonly { chainId: number; blockNumber: number; status: string; txHash: string }[],
): string {
  if (anchors.length === 0) return "not anchored yet";
  return anchors
    .map(
      (a) =>
        `anchored on chain ${a.chainId} in block ${a.blockNumber} (${a.status}), tx ${a.txHash}`,
    )
    .join("; ");
}
