// The real `stele` binary, run as a user runs it: in a folder, with the API's URL and key in the
// environment (as `npm start` says to export them) and no config file of this machine's user.
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const STELE_BIN = fileURLToPath(new URL("../../../cli/bin/stele.js", import.meta.url));

export interface SteleRun {
  /** The exit code; null if the process was killed (a timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SteleRunOptions {
  readonly cwd: string;
  /** STELE_API_URL and STELE_API_KEY; omitted: neither is set. */
  readonly api?: { readonly url: string; readonly apiKey: string };
  /** Added last, over everything else. */
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number;
}

/** Variables of the developer's shell that would change what the CLI does. */
const CLI_VARIABLES = [
  "STELE_CONFIG",
  "STELE_LEDGER",
  "STELE_CHROMIUM",
  "STELE_API_URL",
  "STELE_API_KEY",
  "STELE_DEPLOYER_KEY",
];

export function runStele(args: readonly string[], options: SteleRunOptions): Promise<SteleRun> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CLI_VARIABLES) delete base[name];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [STELE_BIN, ...args],
      {
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 90_000,
        env: {
          ...base,
          // No ~/.config/stele/config.json of whoever runs the tests.
          XDG_CONFIG_HOME: join(tmpdir(), "stele-tests-no-config"),
          ...(options.api === undefined
            ? {}
            : { STELE_API_URL: options.api.url, STELE_API_KEY: options.api.apiKey }),
          ...options.env,
        },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
