// Where `stele` finds its API: flags over environment over the config file, every value
// checked where it comes from, and a one-line error saying what to do when something is missing.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { resolveConfig } from "../../cli/config.ts";

const bin = fileURLToPath(new URL("../../cli/bin/stele.js", import.meta.url));
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "stele-config-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configFile(name: string, value: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

function stele(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["STELE_CONFIG", "STELE_LEDGER", "STELE_API_URL", "STELE_API_KEY"])
    delete base[name];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...base, XDG_CONFIG_HOME: join(dir, "xdg"), ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({
          code: error === null ? 0 : typeof error.code === "number" ? error.code : null,
          stdout,
          stderr,
        });
      },
    );
  });
}

describe("stele's configuration", () => {
  it("takes each value from the flag, else the environment, else the config file", async () => {
    const file = await configFile("all.json", {
      apiUrl: "https://file.example",
      apiKey: "file-key",
      ledger: "file-ledger",
    });
    const env = {
      STELE_CONFIG: file,
      STELE_API_URL: "https://env.example/",
      STELE_API_KEY: "env-key",
    };
    assert.deepEqual(await resolveConfig({}, env), {
      apiUrl: "https://env.example",
      apiKey: "env-key",
      ledger: "file-ledger",
      configFile: file,
    });
    assert.deepEqual(
      await resolveConfig(
        { apiUrl: "http://flag.example:8787", apiKey: "flag-key", ledger: "flag-ledger" },
        { ...env, STELE_LEDGER: "env-ledger" },
      ),
      {
        apiUrl: "http://flag.example:8787",
        apiKey: "flag-key",
        ledger: "flag-ledger",
        configFile: file,
      },
    );
    assert.deepEqual(await resolveConfig({}, { STELE_CONFIG: file }), {
      apiUrl: "https://file.example",
      apiKey: "file-key",
      ledger: "file-ledger",
      configFile: file,
    });
  });

  it("reads --config over STELE_CONFIG over the XDG default, which may be absent", async () => {
    const xdg = join(dir, "xdg-home");
    await mkdir(join(xdg, "stele"), { recursive: true });
    await writeFile(join(xdg, "stele", "config.json"), JSON.stringify({ ledger: "from-xdg" }));
    const named = await configFile("named.json", { ledger: "from-named" });
    const flagged = await configFile("flagged.json", { ledger: "from-flag-file" });
    assert.equal((await resolveConfig({}, { XDG_CONFIG_HOME: xdg })).ledger, "from-xdg");
    assert.equal(
      (await resolveConfig({}, { XDG_CONFIG_HOME: xdg, STELE_CONFIG: named })).ledger,
      "from-named",
    );
    assert.equal(
      (await resolveConfig({ config: flagged }, { XDG_CONFIG_HOME: xdg, STELE_CONFIG: named }))
        .ledger,
      "from-flag-file",
    );
    assert.deepEqual(await resolveConfig({}, { XDG_CONFIG_HOME: join(dir, "nothing-here") }), {});
    await assert.rejects(
      resolveConfig({ config: join(dir, "missing.json") }, {}),
      /cannot read config file .*missing\.json: ENOENT/,
    );
  });

  it("refuses unknown keys by name and bad values by path", async () => {
    const typo = await configFile("typo.json", {
      apiUrl: "https://x.example",
      apikey: "k",
      ledgr: "a",
    });
    await assert.rejects(resolveConfig({ config: typo }, {}), {
      message: `config file ${typo}: unknown keys "apikey", "ledgr" (allowed: apiUrl, apiKey, ledger)`,
    });
    const bad = await configFile("bad.json", { apiUrl: "ftp://x", ledger: "Not A Ledger" });
    await assert.rejects(resolveConfig({ config: bad }, {}), {
      message: `config file ${bad}: apiUrl: an http(s) URL; ledger: a ledger name: ^[a-z0-9][a-z0-9-]{0,62}$`,
    });
    const notJson = await configFile("not.json", "{apiUrl:");
    await assert.rejects(
      resolveConfig({ config: notJson }, {}),
      /^UsageError: config file .*not\.json is not JSON: /,
    );
    await assert.rejects(resolveConfig({ apiUrl: "localhost:8787" }, {}), {
      message: '--api-url must be an http(s) URL, not "localhost:8787"',
    });
  });

  it("says in one line what is missing and how to give it", async () => {
    const noUrl = await stele(["checkpoint"], {});
    assert.equal(noUrl.code, 2);
    assert.equal(
      noUrl.stderr,
      "stele: no API URL: pass --api-url, set STELE_API_URL, or run `npm start` and use the URL it prints\n",
    );
    const noKey = await stele(["watch", "01J00000000000000000000000"], {
      STELE_API_URL: "http://127.0.0.1:8787",
    });
    assert.equal(noKey.code, 2);
    assert.equal(
      noKey.stderr,
      "stele: no API key: pass --api-key, set STELE_API_KEY, or put apiKey in the config file (`npm start` prints a dev key)\n",
    );
    const typo = await configFile("typo2.json", { apiUrl: "https://x.example", token: "k" });
    const refused = await stele(["checkpoint", "--config", typo], {});
    assert.equal(refused.code, 2);
    assert.equal(
      refused.stderr,
      `stele: config file ${typo}: unknown key "token" (allowed: apiUrl, apiKey, ledger)\n`,
    );
  });
});
