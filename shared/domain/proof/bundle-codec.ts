/** Proof bundles to and from JSON text, with every schema violation named by its path. */
import { SteleError } from "../errors.ts";
import { type ProofBundle, proofBundleSchema } from "./bundle-schema.ts";

/** One invalid field: where it is (`checkpoint.treeSize`) and what was wrong. */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** The input is not a proof bundle v1 at all (bad JSON or a field outside the schema). */
export class InvalidBundleError extends SteleError {
  readonly problems: readonly FieldProblem[];

  constructor(message: string, problems: readonly FieldProblem[] = []) {
    super("invalid_bundle", message, { problems });
    this.problems = problems;
  }
}

/** Checks a parsed JSON value against the bundle schema. */
export function parseBundle(value: unknown): ProofBundle {
  const result = proofBundleSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
  const summary = problems.map((p) => `${p.path}: ${p.message}`).join("; ");
  throw new InvalidBundleError(`not a stele.proof.v1 bundle: ${summary}`, problems);
}

/** Parses bundle JSON text. */
export function decodeBundle(text: string): ProofBundle {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidBundleError(`bundle is not JSON: ${(error as Error).message}`);
  }
  return parseBundle(value);
}

/** Bundle JSON text: two-space indented, newline-terminated. */
export function encodeBundle(bundle: ProofBundle): string {
  return `${JSON.stringify(proofBundleSchema.parse(bundle), null, 2)}\n`;
}
