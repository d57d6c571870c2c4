/**
 * `stele certificate <id> [--pdf]`: the entry's certificate page (GET
 * /v1/entries/{id}/certificate, text/html) saved as HTML, or printed to PDF by Chromium.
 */
import { writeFile } from "node:fs/promises";
import { errorOf } from "../api/client.ts";
import { findChromium } from "../chromium.ts";
import { type ApiFlags, apiContext } from "../context.ts";
import { CliError, EXIT_NOT_YET } from "../usage-error.ts";

export interface CertificateOptions extends ApiFlags {
  readonly pdf?: boolean;
  readonly out?: string;
  readonly chromium?: string;
}

async function printPdf(html: string, path: string, executablePath: string): Promise<void> {
  // playwright-core is loaded only for --pdf.
  const { chromium } = await import("playwright-core");
  const asRoot = process.getuid?.() === 0;
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  try {
    browser = await chromium.launch({
      executablePath,
      headless: true,
      ...(asRoot ? { args: ["--no-sandbox"] } : {}),
    });
  } catch (error) {
    const first = (error as Error).message.split("\n")[0];
    throw new CliError(
      `cannot start Chromium ${executablePath}: ${first}; pass another with --chromium, or save the HTML without --pdf`,
    );
  }
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: "load" });
    await page.pdf({ path, format: "A4", printBackground: true });
  } finally {
    await browser.close();
  }
}

export async function runCertificate(id: string, options: CertificateOptions): Promise<number> {
  const { api } = await apiContext(options, true);
  const pdf = options.pdf === true;
  // Found before the request, so a missing Chromium is said before anything is fetched.
  const executablePath = pdf ? await findChromium(options.chromium) : undefined;
  const answer = await api.raw("GET", `/v1/entries/${encodeURIComponent(id)}/certificate`, {
    headers: { accept: "text/html" },
  });
  if (answer.status >= 400) {
    const error = errorOf(answer);
    if (error.status === 425) {
      const wait =
        error.retryAfterSeconds === undefined ? "later" : `in ${error.retryAfterSeconds} s`;
      throw new CliError(
        `${id} is not covered by a signed checkpoint yet, so it has no certificate; try again ${wait} or use \`stele watch ${id}\``,
        EXIT_NOT_YET,
      );
    }
    throw error;
  }
  const type = answer.headers.get("content-type") ?? "";
  if (!type.startsWith("text/html")) {
    throw new CliError(
      `the API answered the certificate of ${id} as ${type || "no content type"}, not text/html`,
    );
  }
  const html = new TextDecoder().decode(answer.body);
  const path = options.out ?? `${id}.certificate.${pdf ? "pdf" : "html"}`;
  if (executablePath === undefined) await writeFile(path, html);
  else await printPdf(html, path, executablePath);
  process.stdout.write(`wrote ${path}\n`);
  return 0;
}
