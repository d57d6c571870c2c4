/**
 * The API reference page rendered from the OpenAPI document: one self-contained HTML page (inline
 * CSS, no scripts, fonts or remote resources), so it reads the same offline, saved or printed.
 */
import type { oas31 } from "zod-openapi";
import { escapeHtml as e } from "../html.ts";
import { jsonBlockHtml, schemaAnchor, schemaExample, schemaHtml } from "./schema-html.ts";

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

const STYLE = `
  body { font: 15px/1.5 system-ui, sans-serif; color: #1b1b1b; max-width: 960px; margin: 0 auto; padding: 16px 20px 48px; }
  h1 { margin-bottom: 0; } h2 { margin-top: 40px; border-top: 1px solid #ccc; padding-top: 16px; }
  h3 { font-size: 15px; margin: 18px 0 6px; }
  code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
  pre { background: #f5f5f5; padding: 10px; overflow-x: auto; border-radius: 4px; }
  table { border-collapse: collapse; width: 100%; } td, th { text-align: left; vertical-align: top; padding: 4px 8px 4px 0; border-bottom: 1px solid #eee; }
  .method { display: inline-block; min-width: 3.6em; text-align: center; font: bold 13px ui-monospace, monospace; color: #fff; border-radius: 3px; padding: 1px 6px; margin-right: 6px; }
  .get { background: #1d6fb8; } .post { background: #2b8a3e; } .other { background: #666; }
  .auth { font-size: 13px; } .public { color: #2b8a3e; } .secured { color: #a33; }
  .tree { margin: 2px 0; padding-left: 20px; } .type { color: #6a3fa0; } .required { color: #a33; font-size: 12px; }
  .constraints, .description { color: #555; } .status { font-weight: bold; }
  nav ol { columns: 2; } a.ref { font-family: ui-monospace, monospace; font-size: 13px; }
  @media print { nav { display: none; } pre { white-space: pre-wrap; } }
`;

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly operation: oas31.OperationObject;
}

function operationsOf(document: oas31.OpenAPIObject): Operation[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      return operation === undefined ? [] : [{ method, path, operation }];
    }),
  );
}

function operationAnchor({ method, path, operation }: Operation): string {
  return operation.operationId ?? `${method}-${path}`;
}

function methodHtml(method: string): string {
  const kind = method === "get" || method === "post" ? method : "other";
  return `<span class="method ${kind}">${e(method.toUpperCase())}</span>`;
}

function paragraphs(text: string | undefined): string {
  if (text === undefined) return "";
  return text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${e(paragraph)}</p>`)
    .join("");
}

function authHtml(operation: oas31.OperationObject): string {
  const requirements = operation.security ?? [];
  if (requirements.length === 0) return '<p class="auth public">Public: no API key needed.</p>';
  const needs = requirements
    .flatMap((requirement) =>
      Object.entries(requirement).map(([scheme, scopes]) =>
        scopes.length === 0
          ? e(scheme)
          : `${e(scheme)} with scope ${scopes.map((scope) => `<code>${e(scope)}</code>`).join(", ")}`,
      ),
    )
    .join(" or ");
  return `<p class="auth secured">Needs <code>Authorization: Bearer &lt;api key&gt;</code> (${needs}).</p>`;
}

function parametersHtml(parameters: oas31.OperationObject["parameters"]): string {
  const rows = (parameters ?? []).flatMap((parameter) =>
    "$ref" in parameter
      ? []
      : [
          `<tr><td><code>${e(parameter.name)}</code></td><td>${e(parameter.in)}</td>` +
            `<td>${parameter.required === true ? "required" : "optional"}</td>` +
            `<td>${parameter.schema === undefined ? "" : schemaHtml(parameter.schema)}</td></tr>`,
        ],
  );
  if (rows.length === 0) return "";
  return (
    "<h3>Parameters</h3><table><tr><th>Name</th><th>In</th><th></th><th>Schema</th></tr>" +
    `${rows.join("")}</table>`
  );
}

type Components = Readonly<Record<string, oas31.SchemaObject | oas31.ReferenceObject>>;

/** Each media type's schema, and its example where `withExample` (bodies and successes). */
function contentHtml(
  content: oas31.ContentObject | undefined,
  components: Components,
  withExample: boolean,
): string {
  return Object.entries(content ?? {})
    .map(([mediaType, media]) => {
      const example = withExample
        ? (media.example ?? schemaExample(media.schema, components))
        : undefined;
      return (
        `<p><code>${e(mediaType)}</code>: ${media.schema === undefined ? "any" : schemaHtml(media.schema)}</p>` +
        (example === undefined ? "" : jsonBlockHtml(example))
      );
    })
    .join("");
}

function requestBodyHtml(
  body: oas31.OperationObject["requestBody"],
  components: Components,
): string {
  if (body === undefined || "$ref" in body) return "";
  return `<h3>Request body</h3>${paragraphs(body.description)}${contentHtml(body.content, components, true)}`;
}

function headersHtml(headers: oas31.ResponseObject["headers"]): string {
  return Object.entries(headers ?? {})
    .map(([name, header]) =>
      "$ref" in header
        ? ""
        : `<p>Header <code>${e(name)}</code>${header.schema === undefined ? "" : `: ${schemaHtml(header.schema)}`}</p>`,
    )
    .join("");
}

function responsesHtml(
  responses: oas31.ResponsesObject | undefined,
  components: Components,
): string {
  const items = Object.entries(responses ?? {}).map(([status, response]) => {
    if ("$ref" in response) return "";
    return (
      `<li><span class="status">${e(status)}</span> ${e(response.description)}` +
      `${headersHtml(response.headers)}` +
      `${contentHtml(response.content, components, status.startsWith("2"))}</li>`
    );
  });
  return `<h3>Responses</h3><ul>${items.join("")}</ul>`;
}

function operationHtml(entry: Operation, components: Components): string {
  const { method, path, operation } = entry;
  return (
    `<section id="${e(operationAnchor(entry))}"><h2>${methodHtml(method)}<code>${e(path)}</code></h2>` +
    `<p><strong>${e(operation.summary ?? "")}</strong></p>${paragraphs(operation.description)}` +
    `${authHtml(operation)}${parametersHtml(operation.parameters)}` +
    `${requestBodyHtml(operation.requestBody, components)}` +
    `${responsesHtml(operation.responses, components)}</section>`
  );
}

function schemasHtml(schemas: Components): string {
  const sections = Object.entries(schemas)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, schema]) => {
      const example = schemaExample(schema);
      return (
        `<section id="${e(schemaAnchor(name))}"><h3>${e(name)}</h3>${schemaHtml(schema)}` +
        `${example === undefined ? "" : jsonBlockHtml(example)}</section>`
      );
    });
  return sections.length === 0 ? "" : `<h2>Schemas</h2>${sections.join("")}`;
}

/** The reference page of `document`: every operation, its auth, parameters, bodies and schemas. */
export function referencePageHtml(document: oas31.OpenAPIObject): string {
  const operations = operationsOf(document);
  const components = document.components?.schemas ?? {};
  const title = `${document.info.title} ${document.info.version}`;
  const toc = operations
    .map(
      (entry) =>
        `<li><a href="#${e(operationAnchor(entry))}">${e(entry.method.toUpperCase())} ${e(entry.path)}</a>` +
        ` — ${e(entry.operation.summary ?? "")}</li>`,
    )
    .join("");
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    // Nothing is loaded from anywhere: the page works offline and runs no code.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    `<title>${e(title)}</title><style>${STYLE}</style></head><body>` +
    `<h1>${e(title)}</h1>${paragraphs(document.info.description)}` +
    `<p>OpenAPI ${e(document.openapi)}: <a href="openapi.json">openapi.json</a></p>` +
    `<nav><ol>${toc}</ol></nav>` +
    `${operations.map((entry) => operationHtml(entry, components)).join("")}` +
    `${schemasHtml(components)}</body></html>`
  );
}
