/** A hardhat node (EDR) on a loopback port: the local stack's chain, new at every start. */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const hardhatCli = join(here, "../node_modules/hardhat/internal/cli/bootstrap.js");
export const LOCAL_CHAIN_CONFIG = join(here, "chain/hardhat.config.cjs");

export interface EmbeddedChain {
  readonly url: string;
  stop(): Promise<void>;
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** Starts `hardhat node` with `config` on `port` and waits until it serves JSON-RPC. */
export async function startEmbeddedChain(options: {
  port: number;
  config?: string;
  timeoutMs?: number;
  /** Added to the child's environment (a config file may read settings from it). */
  env?: Record<string, string>;
}): Promise<EmbeddedChain> {
  const config = options.config ?? LOCAL_CHAIN_CONFIG;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawn(
    process.execPath,
    [
      hardhatCli,
      "--config",
      config,
      "node",
      "--hostname",
      "127.0.0.1",
      "--port",
      String(options.port),
    ],
    {
      cwd: dirname(config),
      env: { ...process.env, ...options.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  // The chain dies with the process that started it, even on a crash of that process.
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`hardhat node did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Started HTTP and WebSocket JSON-RPC server")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hardhat node exited with ${code}:\n${output}`));
    });
  });
  // Keep draining its output so it never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    url: `http://127.0.0.1:${options.port}`,
    stop: async () => {
      process.removeListener("exit", kill);
      await stopped(child);
    },
  };
}
