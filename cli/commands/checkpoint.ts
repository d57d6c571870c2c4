/** `stele checkpoint [--anchored] [--out file]`: the latest checkpoint, checked, then printed. */
import { writeFile } from "node:fs/promises";
import { getCheckpoint, getLogIdentity } from "../api/endpoints.ts";
import { checkpointProblem, describeAnchors } from "../checkpoint-check.ts";
import { type ApiFlags, apiContext } from "../context.ts";
import { EXIT_INVALID } from "../usage-error.ts";

export interface CheckpointOptions extends ApiFlags {
  readonly anchored?: boolean;
  readonly signer?: string;
  readonly out?: string;
}

export async function runCheckpoint(options: CheckpointOptions): Promise<number> {
  const { api, ledger } = await apiContext(options, false);
  const identity = await getLogIdentity(api);
  const signer = options.signer ?? identity.checkpointSigner;
  const checkpoint = await getCheckpoint(api, ledger, options.anchored === true);
  const published = identity.ledgers.find((entry) => entry.ledger === ledger)?.origin;
  const problem =
    published !== undefined && published !== checkpoint.origin
      ? {
          detail: `the origin is not ledger ${ledger}'s`,
          expected: published,
          found: checkpoint.origin,
        }
      : checkpointProblem(checkpoint, signer);
  if (problem !== undefined) {
    process.stdout.write(
      `INVALID: checkpoint of ${ledger} at tree size ${checkpoint.treeSize}: ${problem.detail}\n  expected: ${problem.expected}\n  found:    ${problem.found}\n`,
    );
    return EXIT_INVALID;
  }
  if (options.out !== undefined) {
    await writeFile(options.out, `${JSON.stringify(checkpoint, null, 2)}\n`);
  }
  process.stdout.write(
    `${[
      `origin     ${checkpoint.origin}`,
      `tree size  ${checkpoint.treeSize}`,
      `root hash  ${checkpoint.rootHash}`,
      `signed by  ${checkpoint.signature.signer} (${options.signer === undefined ? "the log's published signer" : "--signer"}; signature checked)`,
      `anchors    ${describeAnchors(checkpoint.anchors)}`,
      ...(options.out === undefined ? [] : [`saved to   ${options.out}`]),
    ].join("\n")}\n`,
  );
  return 0;
}
