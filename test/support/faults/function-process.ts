/**
 * One function's handler in a process of its own, as a Lambda container runs it, through
 * `npm run invoke` (local/invoke.ts) on backends the test started: the test writes the
 * functions' environment where invoke reads it (`<dataDir>/local-env.json`), and may add the
 * fault-point variables, which pass through to the handler.
 */
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeLocalEnv } from "../../../local/local-env.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));

export interface FunctionRun {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export class FunctionProcesses {
  readonly #dataDir: string;

  private constructor(dataDir: string) {
    this.#dataDir = dataDir;
  }

  /** Functions configured by `env` (what a deployment gives them), invoked with `apiKey`'s events. */
  static async configure(
    dataDir: string,
    apiKey: string,
    env: Record<string, string>,
  ): Promise<FunctionProcesses> {
    await mkdir(dataDir, { recursive: true });
    // No HTTP API runs: invoke only reads the functions' environment and the key from here.
    await writeLocalEnv(dataDir, { url: "http://127.0.0.1:9", apiKey, env });
    return new FunctionProcesses(dataDir);
  }

  /** Writes `event` beside the environment and returns its path. */
  async event(name: string, event: unknown): Promise<string> {
    const path = join(this.#dataDir, `${name}.json`);
    await writeFile(path, JSON.stringify(event));
    return path;
  }

  /** Runs `name`'s handler once with the event at `eventPath`; `env` adds to the process's. */
  run(name: string, eventPath: string, env: Record<string, string> = {}): Promise<FunctionRun> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "local/invoke.ts", name, eventPath],
        {
          cwd: root,
          env: { ...process.env, STELE_DATA_DIR: this.#dataDir, ...env },
          timeout: 60_000,
        },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
          const signal = error === null ? null : (error.signal ?? null);
          resolve({ code, signal, stdout, stderr });
        },
      );
    });
  }
}
