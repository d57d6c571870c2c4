/** The inclusion path drawn as a tree walk (inline SVG), leaf at the bottom, root at the top. */
import { fromHex, toHex } from "../../shared/domain/bytes.ts";
import { type InclusionStep, inclusionSteps } from "../../shared/domain/merkle/inclusion-steps.ts";
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";
import { h, s, shortHash } from "./dom.ts";

const WIDTH = 720;
const ROW = 66;
const BOX_HEIGHT = 42;
const NODE = { x: 250, width: 220 };
const SIBLING = { left: 10, right: 510, width: 200 };
const COLORS = {
  ink: "#1b1f24",
  muted: "#57606a",
  line: "#8c959f",
  box: "#f6f8fa",
  ok: "#116329",
  okWash: "#dafbe1",
  bad: "#a40e26",
  badWash: "#ffebe9",
};

/** The steps of the bundle's path, or why there are none (a malformed path has no picture). */
export function bundleSteps(bundle: ProofBundle): InclusionStep[] | string {
  try {
    return inclusionSteps(
      bundle.leafIndex,
      bundle.checkpoint.treeSize,
      fromHex(bundle.leafHash),
      bundle.inclusionPath.map(fromHex),
    );
  } catch (error) {
    return `No picture: ${(error as Error).message}.`;
  }
}

function box(
  x: number,
  y: number,
  width: number,
  label: string,
  hashHex: string,
  tone: { fill: string; stroke: string },
): SVGGElement {
  return s(
    "g",
    {},
    s("rect", {
      x,
      y,
      width,
      height: BOX_HEIGHT,
      rx: 6,
      fill: tone.fill,
      stroke: tone.stroke,
      "stroke-width": 1.5,
    }),
    s(
      "text",
      { x: x + width / 2, y: y + 16, "text-anchor": "middle", "font-size": 12, fill: COLORS.muted },
      label,
    ),
    s(
      "text",
      {
        x: x + width / 2,
        y: y + 33,
        "text-anchor": "middle",
        "font-size": 13,
        "font-family": "ui-monospace, Menlo, Consolas, monospace",
        fill: COLORS.ink,
      },
      shortHash(hashHex),
    ),
  );
}

function line(x1: number, y1: number, x2: number, y2: number): SVGLineElement {
  return s("line", { x1, y1, x2, y2, stroke: COLORS.line, "stroke-width": 1.5 });
}

/** The figure for `steps` of `bundle`: each sibling, its side, and the node it makes. */
export function inclusionFigure(bundle: ProofBundle, steps: readonly InclusionStep[]): SVGElement {
  const rows = steps.length + 1;
  const height = rows * ROW + 4;
  const root = steps.at(-1)?.node ?? fromHex(bundle.leafHash);
  const rootHex = toHex(root);
  const matches = rootHex === bundle.checkpoint.rootHash;
  const rowY = (row: number) => 4 + row * ROW;
  const plain = { fill: COLORS.box, stroke: COLORS.line };
  const rootTone = matches
    ? { fill: COLORS.okWash, stroke: COLORS.ok }
    : { fill: COLORS.badWash, stroke: COLORS.bad };

  const titleId = "path-figure-title";
  const descId = "path-figure-desc";
  const svg = s(
    "svg",
    {
      viewBox: `0 0 ${WIDTH} ${height}`,
      width: WIDTH,
      height,
      role: "img",
      "aria-labelledby": `${titleId} ${descId}`,
      "font-family": "system-ui, sans-serif",
    },
    s(
      "title",
      { id: titleId },
      `Inclusion path of leaf ${bundle.leafIndex} in the tree of ${bundle.checkpoint.treeSize} leaves`,
    ),
    s(
      "desc",
      { id: descId },
      `${steps.length} path element(s) lead from leaf hash ${bundle.leafHash} to ${rootHex}, which ${matches ? "equals" : "differs from"} the checkpoint's root ${bundle.checkpoint.rootHash}.`,
    ),
  );

  // Row 0 is the top (the root); the leaf sits on the last row.
  const leafRow = rows - 1;
  const nodeCenter = NODE.x + NODE.width / 2;
  steps.forEach((step, k) => {
    const upper = leafRow - k - 1;
    const lower = leafRow - k;
    const siblingX = step.siblingSide === "left" ? SIBLING.left : SIBLING.right;
    svg.append(
      line(nodeCenter, rowY(lower), nodeCenter, rowY(upper) + BOX_HEIGHT),
      line(siblingX + SIBLING.width / 2, rowY(lower), nodeCenter, rowY(upper) + BOX_HEIGHT),
      box(
        siblingX,
        rowY(lower),
        SIBLING.width,
        `path[${step.pathIndex}], ${step.siblingSide} sibling`,
        toHex(step.sibling),
        plain,
      ),
    );
  });
  steps.forEach((step, k) => {
    const isRoot = k === steps.length - 1;
    svg.append(
      box(
        NODE.x,
        rowY(leafRow - k - 1),
        NODE.width,
        isRoot ? `computed root (height ${step.height})` : `node at height ${step.height}`,
        toHex(step.node),
        isRoot ? rootTone : plain,
      ),
    );
  });
  svg.append(
    box(
      NODE.x,
      rowY(leafRow),
      NODE.width,
      steps.length === 0 ? `leaf ${bundle.leafIndex} = root` : `leaf ${bundle.leafIndex}`,
      bundle.leafHash,
      steps.length === 0 ? rootTone : plain,
    ),
  );
  // The verdict on the root, beside it (the free side of the top row).
  const free = steps.at(-1)?.siblingSide === "left" ? SIBLING.right : SIBLING.left;
  svg.append(
    s(
      "text",
      {
        x: free + SIBLING.width / 2,
        y: rowY(0) + 26,
        "text-anchor": "middle",
        "font-size": 13,
        "font-weight": 600,
        fill: matches ? COLORS.ok : COLORS.bad,
      },
      matches ? "✓ = checkpoint rootHash" : `✗ ≠ rootHash ${shortHash(bundle.checkpoint.rootHash)}`,
    ),
  );
  return svg;
}

/** The same steps with full hashes, for screen readers, copying and print. */
export function inclusionTable(bundle: ProofBundle, steps: readonly InclusionStep[]): HTMLElement {
  return h(
    "table",
    {},
    h(
      "caption",
      { class: "visually-hidden" },
      `Inclusion path of leaf ${bundle.leafIndex}, step by step`,
    ),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "#"),
        h("th", { scope: "col" }, "sibling side"),
        h("th", { scope: "col" }, "sibling (path element)"),
        h("th", { scope: "col" }, "computed node"),
      ),
    ),
    h(
      "tbody",
      {},
      h(
        "tr",
        {},
        h("td", {}, "leaf"),
        h("td", {}, "—"),
        h("td", {}, "—"),
        h("td", { class: "hash" }, bundle.leafHash),
      ),
      ...steps.map((step) =>
        h(
          "tr",
          {},
          h("td", {}, String(step.pathIndex)),
          h("td", {}, step.siblingSide),
          h("td", { class: "hash" }, toHex(step.sibling)),
          h("td", { class: "hash" }, toHex(step.node)),
        ),
      ),
    ),
  );
}
