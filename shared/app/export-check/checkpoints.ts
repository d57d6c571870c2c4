/**
 * The checkpoints of an exported log: checkpoints.jsonl merged with checkpoint.json, each one's
 * body and signature, and its root against the rebuilt tree.
 */
import { fromHex, toHex, utf8 } from "../../domain/bytes.ts";
import type { Hash32 } from "../../domain/merkle/hasher.ts";
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

/**
 * Each checkpoint's root against the root of the first treeSize leaves of the one rebuilt tree.
 * When all hold, every checkpoint is the root of a prefix of that tree, so each is consistent
 * with every later one: a consistency proof between them, built from the same tree, would add
 * nothing that can fail on its own.
 */
export function checkRoots(
  checkpoints: readonly Located[],
  roots: ReadonlyMap<number, Hash32>,
  findings: Findings,
): void {
  for (const { checkpoint, file } of checkpoints) {
    const rebuilt = roots.get(checkpoint.treeSize);
    if (rebuilt !== undefined && checkpoint.rootHash !== toHex(rebuilt)) {
      findings.add(
        file,
        `checkpoint of tree size ${checkpoint.treeSize}: the root is not the root of the first ${checkpoint.treeSize} leaves`,
        toHex(rebuilt),
        checkpoint.rootHash,
      );
    }
  }
}
