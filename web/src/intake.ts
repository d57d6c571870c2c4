/** Files dropped or chosen: at most one bundle and one document (or payload), then a verification. */
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { showChosen } from "./chosen-list.ts";
import { h } from "./dom.ts";
import { ui } from "./elements.ts";
import { hashWithProgress } from "./hash-progress.ts";
import { loadBundle } from "./load-bundle.ts";
import { readBundle } from "./read-bundle.ts";
import { verify } from "./run-verification.ts";
import { state } from "./state.ts";

export async function takeFiles(files: readonly File[]): Promise<void> {
  const bundles: { file: File; bundle: ProofBundle }[] = [];
  const others: File[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      const bundle = await readBundle(file);
      if (bundle === undefined) others.push(file);
      else bundles.push({ file, bundle });
    } catch (error) {
      problems.push(`${file.name} is ${(error as Error).message}`);
    }
  }
  if (bundles.length > 1) problems.push("Give one bundle at a time.");
  if (others.length > 1) problems.push("Give one document (or payload) at a time.");
  if (problems.length > 0) {
    ui.chosen.replaceChildren(...problems.map((p) => h("li", { class: "notice error" }, p)));
    return;
  }
  const [chosenBundle] = bundles;
  if (chosenBundle !== undefined) {
    loadBundle(chosenBundle.bundle, chosenBundle.file.name);
  }
  const [document] = others;
  if (document !== undefined) {
    state.content = { file: document, sha256: hashWithProgress(document) };
  }
  showChosen();
  await verify();
}
