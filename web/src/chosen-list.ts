/** The list of what was given: the bundle (and what it proves) and the document or payload. */
import { toHex } from "../../shared/domain/bytes.ts";
import { h, shortHash } from "./dom.ts";
import { ui } from "./elements.ts";
import { formatBytes } from "./format-bytes.ts";
import { state } from "./state.ts";

export function showChosen(): void {
  const items: HTMLElement[] = [];
  const loaded = state.bundle;
  if (loaded !== undefined) {
    const { entry, leafIndex, checkpoint } = loaded.bundle;
    items.push(
      h(
        "li",
        { "data-role": "bundle" },
        h("strong", {}, "Bundle: "),
        `${loaded.source} — entry `,
        h("code", {}, entry.id),
        ` (${entry.kind}), leaf ${leafIndex} of ${checkpoint.origin} at size ${checkpoint.treeSize}`,
      ),
    );
  }
  const content = state.content;
  if (content !== undefined) {
    const role = loaded?.bundle.entry.kind === "transaction" ? "Payload" : "Document";
    const item = h(
      "li",
      { "data-role": "content" },
      h("strong", {}, `${role}: `),
      `${content.file.name}, ${formatBytes(content.file.size)}`,
    );
    items.push(item);
    // The hash is added when ready; a failure is told by the hashing label, not here.
    content.sha256.then(
      (hash) => item.append(" — SHA-256 ", h("code", {}, shortHash(toHex(hash)))),
      () => undefined,
    );
  }
  ui.chosen.replaceChildren(...items);
}
