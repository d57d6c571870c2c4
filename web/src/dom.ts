/** Small DOM helpers: elements built from data, never from HTML strings (no injection). */

type Child = Node | string | undefined | false;

/** An HTML element with attributes and children; `undefined` and `false` children are skipped. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child !== undefined && child !== false) element.append(child);
  return element;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element with attributes and children. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) if (child !== undefined && child !== false) element.append(child);
  return element;
}

/** The element with `id`; a missing one is a bug of index.html. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`index.html has no #${id}`);
  return element as T;
}

/** `1f2e3d4c…9a8b`: enough of a hash to tell it apart at a glance. */
export function shortHash(hex: string): string {
  const bare = hex.startsWith("0x") ? hex.slice(2) : hex;
  const prefix = hex.startsWith("0x") ? "0x" : "";
  return bare.length <= 14 ? hex : `${prefix}${bare.slice(0, 8)}…${bare.slice(-4)}`;
}

/** A link that opens elsewhere and tells nothing about this page to the other site. */
export function externalLink(href: string, text: string): HTMLAnchorElement {
  return h("a", { href, rel: "noopener noreferrer", target: "_blank" }, text);
}
