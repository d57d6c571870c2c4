/**
 * `stele consistency <from> <to>`: each argument is a checkpoint saved by `stele checkpoint
 * --out`, a proof bundle (its checkpoint), or `latest`. Both checkpoints must be signed by the
 * log's signer and name one of its ledgers; then the API's consistency proof is checked against
 * their roots (RFC 9162 §2.1.4.2). Exit 0 consistent, 1 not (or a checkpoint refused).
 */
import { readFile } from "node:fs/promises";
import { fromHex } from "../../shared/domain/bytes.ts";
import { SteleError } from "../../shared/domain/errors.ts";
import { verifyConsistency } from "../../shared/domain/merkle/verify-consistency.ts";
import { parseBundle } from "../../shared/domain/proof/bundle-codec.ts";
import {
  checkpointSchema,
  type SignedCheckpoint,
} from "../../shared/domain/proof/bundle-schema.ts";
import type { ApiClient } from "../api/client.ts";
import { getCheckpoint, getConsistency, getLogIdentity } from "../api/endpoints.ts";
import type { LogIdentity } from "../api/schemas.ts";
import { checkpointProblem } from "../checkpoint-check.ts";
import { type ApiFlags, apiContext } from "../context.ts";
import { EXIT_INVALID, UsageError } from "../usage-error.ts";

export interface ConsistencyOptions extends ApiFlags {
  readonly signer?: string;
}

interface Side {
  readonly label: string;
  readonly checkpoint?: SignedCheckpoint;
}

/** A checkpoint file (as `stele checkpoint --out` saves it) or a proof bundle's checkpoint. */
async function readCheckpointFile(path: string): Promise<SignedCheckpoint> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot read checkpoint ${path}: ${reason}`);
  }
  if (typeof value === "object" && value !== null && "format" in value) {
    try {
      return parseBundle(value).checkpoint;
    } catch (error) {
      throw new UsageError(`${path} is ${(error as Error).message}`);
    }
  }
  const parsed = checkpointSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UsageError(
    `${path} is neither a checkpoint nor a proof bundle: ${issue?.path.join(".") || "(root)"}: ${issue?.message}; give a file saved by \`stele checkpoint --out\` or \`stele proof\`, or latest`,
  );
}

/** A checkpoint that cannot be used (not the log's, or not signed by its key). */
function refused(message: string): number {
  process.stdout.write(`INVALID: ${message}\n`);
  return EXIT_INVALID;
}

/** Two good checkpoints that do not describe one append-only log. */
function inconsistent(message: string): number {
  process.stdout.write(`INCONSISTENT: ${message}\n`);
  return EXIT_INVALID;
}

/** The ledger whose origin the checkpoints name, or the configured one when both are `latest`. */
function ledgerOf(
  sides: readonly Side[],
  identity: LogIdentity,
  configured: string,
): string | { refused: string } {
  for (const side of sides) {
    if (side.checkpoint === undefined) continue;
    const { origin } = side.checkpoint;
    const match = identity.ledgers.find((entry) => entry.origin === origin);
    if (match === undefined) {
      const known = identity.ledgers.map((entry) => entry.origin).join(", ") || "none";
      return {
        refused: `${side.label} is a checkpoint of ${origin}, which is not a ledger of this log (its origins: ${known})`,
      };
    }
    return match.ledger;
  }
  return configured;
}

async function fill(api: ApiClient, side: Side, ledger: string): Promise<SignedCheckpoint> {
  return side.checkpoint ?? getCheckpoint(api, ledger, false);
}

export async function runConsistency(
  from: string,
  to: string,
  options: ConsistencyOptions,
): Promise<number> {
  const sides = await Promise.all(
    [from, to].map(
      async (arg): Promise<Side> =>
        arg === "latest"
          ? { label: "latest" }
          : { label: arg, checkpoint: await readCheckpointFile(arg) },
    ),
  );
  const { api, ledger: configured } = await apiContext(options, false);
  const identity = await getLogIdentity(api);
  const signer = options.signer ?? identity.checkpointSigner;
  const ledger = ledgerOf(sides, identity, configured);
  if (typeof ledger !== "string") return refused(ledger.refused);
  const [older, newer] = await Promise.all(sides.map((side) => fill(api, side, ledger)));
  if (older === undefined || newer === undefined) throw new Error("two checkpoints expected");
  for (const [i, checkpoint] of [older, newer].entries()) {
    const problem = checkpointProblem(checkpoint, signer);
    const label = sides[i]?.label ?? "";
    if (problem !== undefined) {
      return refused(
        `${label} (tree size ${checkpoint.treeSize}) is refused: ${problem.detail}; expected ${problem.expected}, found ${problem.found}`,
      );
    }
  }
  if (older.origin !== newer.origin) {
    return refused(`the checkpoints are of two logs: ${older.origin} and ${newer.origin}`);
  }
  if (older.treeSize === 0) {
    throw new UsageError(
      `${from} is the empty tree: every tree extends it, there is nothing to prove`,
    );
  }
  if (older.treeSize > newer.treeSize) {
    throw new UsageError(
      `${from} (tree size ${older.treeSize}) is larger than ${to} (tree size ${newer.treeSize}): give the older checkpoint first`,
    );
  }
  const path =
    older.treeSize === newer.treeSize
      ? []
      : await getConsistency(api, ledger, older.treeSize, newer.treeSize);
  try {
    verifyConsistency(
      older.treeSize,
      newer.treeSize,
      path.map(fromHex),
      fromHex(older.rootHash),
      fromHex(newer.rootHash),
    );
  } catch (error) {
    if (!(error instanceof SteleError)) throw error;
    return inconsistent(
      `${older.origin} at tree size ${older.treeSize} (root ${older.rootHash}) is not a prefix of tree size ${newer.treeSize} (root ${newer.rootHash}): ${error.message}`,
    );
  }
  process.stdout.write(
    `CONSISTENT: ${older.origin} grew append-only from tree size ${older.treeSize} (root ${older.rootHash}) to ${newer.treeSize} (root ${newer.rootHash}); both checkpoints signed by ${signer}${path.length > 0 ? `; proof of ${path.length} hashes checked` : ""}\n`,
  );
  return 0;
}
