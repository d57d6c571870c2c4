// The local stack as a user runs it (`npm start`), in a child process the test can kill -9.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "../chain/hardhat-node.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));

export interface StackProcess {
  readonly url: string;
  readonly apiKey: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Ctrl-C, then wait for a clean exit (code 0). */
  stop(): Promise<number | null>;
  /** kill -9 of the stack and its embedded chain: no cleanup at all. */
  kill(): Promise<void>;
}

/** Process groups of the stacks still running: taken down when this process exits, however. */
const running = new Set<number>();
function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
process.once("exit", () => {
  for (const pid of running) killGroup(pid);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    for (const pid of running) killGroup(pid);
    process.kill(process.pid, signal);
  });
}

export async function startStackProcess(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<StackProcess> {
  // Each stack gets its own chain port, so test files can run side by side.
  const chainPort = String(await freePort());
  const child = spawn(process.execPath, ["--import", "tsx", "local/start.ts"], {
    cwd: root,
    env: { ...process.env, PORT: "0", STELE_CHAIN_RPC_PORT: chainPort, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: kill() takes its embedded chain down with it, as a dying host does.
    detached: true,
  });
  let output = "";
  const { pid } = child;
  if (pid !== undefined) running.add(pid);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      if (pid !== undefined) running.delete(pid);
      resolve(code);
    }),
  );
  const ready = await new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`local stack did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const apiKey = /API key\s+(\S+)/.exec(output)?.[1];
      if (url !== undefined && apiKey !== undefined) {
        clearTimeout(timer);
        resolve({ url, apiKey });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`local stack exited with ${code} before it started:\n${output}`));
    });
  });
  return {
    ...ready,
    child,
    output: () => output,
    async stop() {
      child.kill("SIGINT");
      return exited;
    },
    async kill() {
      if (pid !== undefined) killGroup(pid);
      await exited;
    },
  };
}
