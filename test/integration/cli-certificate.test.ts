// `stele certificate` as a user runs it against `npm start`: the entry's certificate page saved
// as HTML, or printed to PDF by a real Chromium.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runStele, type SteleRun } from "../support/cli/run-stele.ts";
import { type StackProcess, startStackProcess } from "../support/local/stack-process.ts";

let stack: StackProcess;
let dataDir: string;
let work: string;
let id: string;
let contentHash: string;

function stele(args: readonly string[], env: Record<string, string> = {}): Promise<SteleRun> {
  return runStele(args, { cwd: work, api: stack, env });
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-cli-data-"));
  work = await mkdtemp(join(tmpdir(), "stele-cli-work-"));
  stack = await startStackProcess({
    STELE_DATA_DIR: dataDir,
    STELE_INTEGRATE_INTERVAL_MS: "200",
    STELE_ANCHOR_INTERVAL_MS: "1000",
  });
  await writeFile(join(work, "deed.txt"), "the deed to the farm\n");
  const submitted = await stele(["submit", "deed.txt"]);
  assert.equal(submitted.code, 0, submitted.stderr);
  const index = JSON.parse(await readFile(join(work, "stele-index.json"), "utf8")) as {
    entries: { id: string; contentHash: string }[];
  };
  id = index.entries[0]?.id ?? "";
  contentHash = index.entries[0]?.contentHash ?? "";
  const watched = await stele(["watch", id, "--until", "anchored", "--timeout", "60s"]);
  assert.equal(watched.code, 0, watched.stderr);
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe("stele certificate", () => {
  it("saves the certificate page as <id>.certificate.html", async () => {
    const run = await stele(["certificate", id]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `wrote ${id}.certificate.html\n`);
    const html = await readFile(join(work, `${id}.certificate.html`), "utf8");
    assert.match(html, /^<!doctype html>/i);
    assert.ok(html.includes(contentHash), "the page states the content hash");
  });

  it("prints it to PDF with Chromium", async () => {
    const run = await stele(["certificate", id, "--pdf", "--out", "deed.pdf"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "wrote deed.pdf\n");
    const pdf = await readFile(join(work, "deed.pdf"));
    assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
    assert.ok(pdf.length > 5_000, `a PDF of ${pdf.length} bytes`);
  });

  it("names a Chromium that cannot be used, and an unknown entry", async () => {
    const missing = await stele([
      "certificate",
      id,
      "--pdf",
      "--chromium",
      "/nonexistent/chromium",
    ]);
    assert.equal(missing.code, 2);
    assert.equal(
      missing.stderr,
      "stele: --chromium /nonexistent/chromium is not an executable file\n",
    );
    const unknown = await stele(["certificate", "01J00000000000000000000000"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^stele: .*01J00000000000000000000000.* \(HTTP 404\)\n$/);
  });
});
