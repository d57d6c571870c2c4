/** A JSON Schema (OpenAPI 3.1 Schema Object) as a compact, readable HTML tree. */
import type { oas31 } from "zod-openapi";
import { escapeHtml as e } from "../html.ts";

type Schema = oas31.SchemaObject | oas31.ReferenceObject;

const COMPONENT_PREFIX = "#/components/schemas/";

/** The id of a component schema's section on the page. */
export function schemaAnchor(name: string): string {
  return `schema-${name}`;
}

function isRef(schema: Schema): schema is oas31.ReferenceObject {
  return "$ref" in schema;
}

/** A link to the component `$ref` names, or the `$ref` itself if it points elsewhere. */
function refHtml(ref: string): string {
  if (!ref.startsWith(COMPONENT_PREFIX)) return `<code>${e(ref)}</code>`;
  const name = ref.slice(COMPONENT_PREFIX.length);
  return `<a class="ref" href="#${e(schemaAnchor(name))}">${e(name)}</a>`;
}

function json(value: unknown): string {
  return e(JSON.stringify(value));
}

/** What kind of value the schema is: `string`, `integer`, `array of Anchor`, `"document"`. */
function typeHtml(schema: Schema): string {
  if (isRef(schema)) return refHtml(schema.$ref);
  if (schema.const !== undefined) return `<code>${json(schema.const)}</code>`;
  if (schema.enum !== undefined)
    return `one of ${schema.enum.map((v) => `<code>${json(v)}</code>`).join(", ")}`;
  if (schema.type === "array" && schema.items !== undefined && !Array.isArray(schema.items)) {
    const { items } = schema;
    return `array of ${typeHtml(items)}${isRef(items) ? "" : constraintsHtml(items)}`;
  }
  // A bare `required` (a oneOf branch saying which field must be there).
  if (schema.type === undefined && schema.properties === undefined && schema.required) {
    return `with ${schema.required.map((name) => `<code>${e(name)}</code>`).join(" and ")}`;
  }
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any");
  return `<span class="type">${e(type)}</span>`;
}

/** Constraints worth a reader's eye: pattern, bounds, format, default. */
function constraintsHtml(schema: oas31.SchemaObject): string {
  const parts: string[] = [];
  if (schema.format !== undefined) parts.push(`format ${e(schema.format)}`);
  if (schema.pattern !== undefined && schema.format !== "date-time") {
    parts.push(`pattern <code>${e(schema.pattern)}</code>`);
  }
  const bounds: [keyof oas31.SchemaObject, string][] = [
    ["minimum", "≥"],
    ["exclusiveMinimum", ">"],
    ["maximum", "≤"],
    ["minLength", "length ≥"],
    ["maxLength", "length ≤"],
    ["minItems", "items ≥"],
    ["maxItems", "items ≤"],
  ];
  for (const [key, label] of bounds) {
    const value = schema[key];
    // 2^53 - 1 is zod's "a safe integer", not a limit a reader needs.
    if (typeof value === "number" && value !== Number.MAX_SAFE_INTEGER) {
      parts.push(`${e(label)} ${value}`);
    }
  }
  if (schema.default !== undefined) parts.push(`default <code>${json(schema.default)}</code>`);
  const [example] = Array.isArray(schema.examples) ? schema.examples : [];
  if (example !== null && typeof example !== "object" && example !== undefined) {
    parts.push(`e.g. <code>${json(example)}</code>`);
  }
  if (schema.additionalProperties === false) parts.push("no other fields");
  return parts.length === 0 ? "" : ` <span class="constraints">(${parts.join(", ")})</span>`;
}

function childrenHtml(schema: oas31.SchemaObject, depth: number): string {
  const items: string[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const mark = required.has(name) ? ' <span class="required">required</span>' : "";
    items.push(
      `<li><code class="name">${e(name)}</code>${mark}: ${schemaHtml(property, depth + 1)}</li>`,
    );
  }
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants !== undefined) {
    const label = schema.oneOf === undefined ? "any of" : "one of";
    items.push(
      `<li>${label}:<ol>${variants.map((variant) => `<li>${schemaHtml(variant, depth + 1)}</li>`).join("")}</ol></li>`,
    );
  }
  const { items: element } = schema;
  if (element !== undefined && !isRef(element) && !Array.isArray(element)) {
    const nested = childrenHtml(element, depth);
    if (nested !== "") items.push(`<li>each item:${nested}</li>`);
  }
  return items.length === 0 ? "" : `<ul class="tree">${items.join("")}</ul>`;
}

/** `schema` as one line (type, constraints, description) and its fields below, recursively. */
export function schemaHtml(schema: Schema, depth = 0): string {
  if (isRef(schema) || depth > 8) return typeHtml(schema);
  const description =
    schema.description === undefined
      ? ""
      : ` <span class="description">— ${e(schema.description)}</span>`;
  return `${typeHtml(schema)}${constraintsHtml(schema)}${description}${childrenHtml(schema, depth)}`;
}

/**
 * The first example a schema carries (`examples[0]`, else the deprecated `example`), following a
 * `$ref` into `components`.
 */
export function schemaExample(
  schema: Schema | undefined,
  components: Readonly<Record<string, Schema>> = {},
): unknown {
  if (schema !== undefined && isRef(schema) && schema.$ref.startsWith(COMPONENT_PREFIX)) {
    return schemaExample(components[schema.$ref.slice(COMPONENT_PREFIX.length)]);
  }
  if (schema === undefined || isRef(schema)) return undefined;
  return Array.isArray(schema.examples) ? schema.examples[0] : schema.example;
}

/** A value as indented JSON in a <pre>. */
export function jsonBlockHtml(value: unknown): string {
  return `<pre class="example">${e(JSON.stringify(value, null, 2))}</pre>`;
}
