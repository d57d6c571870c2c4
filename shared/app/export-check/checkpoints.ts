/**
 * The checkpoints of an exported log: checkpoints.jsonl merged with checkpoint.json, each one's
 * body and signature, its root against the rebuilt tree, and an RFC 9162 consistency proof from
 * the checkpoint before it.
 */
import type { MemoryTileStore } from "../../adapters/memory/memory-tile-store.ts";
import { fromHex, toHex, utf8 } from "../../domain/bytes.ts";
import { SteleError } from "../../domain/errors.ts";
import { buildConsistencyProof } from "../../domain/merkle/build-proof.ts";
import type { Hash32 } from "../../domain/merkle/hasher.ts";
import { verifyConsistency } from "../../domain/merkle/verify-consistency.ts";
import type { Anchor, SignedCheckpoint } from "../../domain/proof/bundle-schema.ts";
import { checkpointBody, recoverEip191Signer } from "../../domain/proof/checkpoint.ts";
import { checkpointPageSchema } from "../../schemas/api-responses.ts";
import type { ExportedFiles } from "../log-export-layout.ts";
import { EXPORT_LAYOUT } from "../log-export-layout.ts";
import { type Findings, firstLine } from "./findings.ts";

export type ListedCheckpoint = SignedCheckpoint & { readonly anchors: readonly Anchor[] };

/** A checkpoint to check, and where it was read. */
export interface Located {
  readonly checkpoint: ListedCheckpoint;
  readonly file: string;
}

const sameCheckpoint = (a: SignedCheckpoint, b: SignedCheckpoint) =>
  a.origin === b.origin &&
  a.treeSize === b.treeSize &&
  a.rootHash === b.rootHash &&
  a.body === b.body &&
  a.signature.signer.toLowerCase() === b.signature.signer.toLowerCase() &&
  a.signature.value.toLowerCase() === b.signature.value.toLowerCase();

/** checkpoints.jsonl, line by line, merged with checkpoint.json (the largest). */
export async function readCheckpoints(
  files: ExportedFiles,
  latest: ListedCheckpoint,
  findings: Findings,
): Promise<Located[]> {
  const bytes = await files.read(EXPORT_LAYOUT.checkpoints);
  const listed: Located[] = [];
  if (bytes === undefined) {
    findings.add(EXPORT_LAYOUT.checkpoints, "the file is missing", "every checkpoint", "none");
  } else {
    const lines = new TextDecoder().decode(bytes).split("\n");
    if (lines.at(-1) === "") lines.pop();
    const lineSchema = checkpointPageSchema.shape.checkpoints.element;
    lines.forEach((line, i) => {
      const file = `${EXPORT_LAYOUT.checkpoints} line ${i + 1}`;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        findings.add(file, "not JSON", "a checkpoint as JSON", firstLine(error));
        return;
      }
      const parsed = lineSchema.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        findings.add(
          file,
          "not a checkpoint with anchors",
          `${issue?.path.join(".") || "(line)"}: ${issue?.message ?? ""}`,
          line.slice(0, 200),
        );
        return;
      }
      const previous = listed.at(-1);
      if (previous !== undefined && parsed.data.treeSize <= previous.checkpoint.treeSize) {
        findings.add(
          file,
          "checkpoints are not in increasing tree size order",
          `a tree size above ${previous.checkpoint.treeSize}`,
          String(parsed.data.treeSize),
        );
        return;
      }
      listed.push({ checkpoint: parsed.data, file });
    });
  }
  const same = listed.find((located) => located.checkpoint.treeSize === latest.treeSize);
  if (same !== undefined && !sameCheckpoint(same.checkpoint, latest)) {
    findings.add(
      same.file,
      `two different checkpoints of tree size ${latest.treeSize}`,
      `the checkpoint of ${EXPORT_LAYOUT.checkpoint}: root ${latest.rootHash}`,
      `root ${same.checkpoint.rootHash}, signature ${same.checkpoint.signature.value}`,
    );
  }
  const beyond = listed.filter((located) => located.checkpoint.treeSize > latest.treeSize);
  for (const located of beyond) {
    findings.add(
      located.file,
      `a checkpoint beyond the exported tree (${EXPORT_LAYOUT.checkpoint})`,
      `a tree size of at most ${latest.treeSize}`,
      String(located.checkpoint.treeSize),
    );
  }
  const kept = listed.filter((located) => located.checkpoint.treeSize <= latest.treeSize);
  if (same === undefined) kept.push({ checkpoint: latest, file: EXPORT_LAYOUT.checkpoint });
  return kept;
}

/** Body, signature and origin of one checkpoint. */
export function checkSignature(
  { checkpoint, file }: Located,
  origin: string,
  signer: string,
  findings: Findings,
): void {
  const what = `checkpoint of tree size ${checkpoint.treeSize}`;
  if (checkpoint.origin !== origin) {
    findings.add(file, `${what}: another log's origin`, origin, checkpoint.origin);
    return;
  }
  const body = checkpointBody(origin, checkpoint.treeSize, fromHex(checkpoint.rootHash));
  if (checkpoint.body !== body) {
    findings.add(
      file,
      `${what}: the body is not origin, tree size and root`,
      JSON.stringify(body),
      JSON.stringify(checkpoint.body),
    );
    return;
  }
  let recovered: string;
  try {
    recovered = recoverEip191Signer(utf8(body), checkpoint.signature.value);
  } catch (error) {
    findings.add(file, `${what}: ${firstLine(error)}`, `a signature by ${signer}`, "none");
    return;
  }
  if (recovered !== checkpoint.signature.signer.toLowerCase()) {
    findings.add(
      file,
      `${what}: the signature does not recover to the signer it names`,
      checkpoint.signature.signer,
      recovered,
    );
  } else if (recovered !== signer.toLowerCase()) {
    findings.add(file, `${what}: signed by a key other than the log's`, signer, recovered);
  }
}

/** Each checkpoint's root against the rebuilt tree, and a consistency proof from the one before. */
export async function checkRoots(
  checkpoints: readonly Located[],
  tree: { tiles: MemoryTileStore; roots: Map<number, Hash32> },
  findings: Findings,
): Promise<number> {
  let proofs = 0;
  let previous: Located | undefined;
  for (const located of checkpoints) {
    const { checkpoint, file } = located;
    const rebuilt = tree.roots.get(checkpoint.treeSize);
    if (rebuilt !== undefined && checkpoint.rootHash !== toHex(rebuilt)) {
      findings.add(
        file,
        `checkpoint of tree size ${checkpoint.treeSize}: the root is not the root of the first ${checkpoint.treeSize} leaves`,
        toHex(rebuilt),
        checkpoint.rootHash,
      );
    }
    if (previous !== undefined && previous.checkpoint.treeSize > 0) {
      const size1 = previous.checkpoint.treeSize;
      const size2 = checkpoint.treeSize;
      proofs++;
      try {
        const proof = await buildConsistencyProof(tree.tiles, size1, size2);
        verifyConsistency(
          size1,
          size2,
          proof,
          fromHex(previous.checkpoint.rootHash),
          fromHex(checkpoint.rootHash),
        );
      } catch (error) {
        if (!(error instanceof SteleError)) throw error;
        findings.add(
          file,
          `checkpoint of tree size ${size2} is not consistent with the one before it (tree size ${size1}, ${previous.file}): the RFC 9162 consistency proof fails`,
          `a tree of size ${size2} that extends root ${previous.checkpoint.rootHash}`,
          error.message,
        );
      }
    }
    previous = located;
  }
  return proofs;
}
