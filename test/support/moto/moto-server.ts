/**
 * A moto_server of the test's own, started through moto_launcher.py (KMS honouring
 * MessageType DIGEST) on a free loopback port, and stopped by the test that started it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const LAUNCHER = fileURLToPath(new URL("./moto_launcher.py", import.meta.url));

export interface MotoServer {
  /** `http://127.0.0.1:<port>`: give it to an AWS SDK client as `endpoint`. */
  readonly endpoint: string;
  /** Region and dummy credentials moto accepts; nothing here reaches AWS. */
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Kills the server and waits until it has exited. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** How long to wait for the server to answer; default 20 s. */
  readonly startTimeoutMs?: number;
}

/** Starts moto on a free 127.0.0.1 port with `python3` and resolves once it answers HTTP. */
export async function startMotoServer(options: StartMotoOptions = {}): Promise<MotoServer> {
  const port = await freeLoopbackPort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn("python3", [LAUNCHER, String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    // Keep moto's own settings out of a developer's shell: no AWS profile lookups.
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: "true", PYTHONUNBUFFERED: "1" },
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000); // keep the tail for a start-up failure message
  });
  let spawnError: Error | undefined;
  child.on("error", (error) => {
    spawnError = error;
  });
  const exited = new Promise<void>((resolve) => {
    child.once("close", () => resolve());
    child.once("error", () => resolve());
  });
  // If the test process ends without stop(), the server must not outlive it.
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener("exit", killOnExit);
    await stopChild(child, exited);
  };

  try {
    await waitUntilAnswering(
      endpoint,
      child,
      () => (spawnError === undefined ? stderr : `${spawnError.message}\n${stderr}`),
      options.startTimeoutMs ?? 20_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    stop,
  };
}

/** Forgets every resource of every service in this moto (`POST /moto-api/reset`). */
export async function resetMoto(server: Pick<MotoServer, "endpoint">): Promise<void> {
  const response = await fetch(`${server.endpoint}/moto-api/reset`, { method: "POST" });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`moto reset answered HTTP ${response.status}`);
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("no TCP port assigned");
  return address.port;
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  stderr: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      throw new Error(
        `moto_launcher.py exited (${child.exitCode ?? child.signalCode}) before answering:\n${stderr()}`,
      );
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`, {
        signal: AbortSignal.timeout(1000),
      });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`moto did not answer on ${endpoint} within ${timeoutMs} ms:\n${stderr()}`);
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
