// A real Chromium for tests, driven by playwright-core with the machine's own browser (playwright
// downloads none). On a bare Debian run as root, Debian's chromium package is installed once.
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Where Chromium may be, in order; STELE_CHROMIUM first when set. */
function candidates(): string[] {
  const fromEnv = process.env.STELE_CHROMIUM;
  return [
    ...(fromEnv === undefined || fromEnv === "" ? [] : [fromEnv]),
    // Debian's /usr/bin/chromium is a shell wrapper around the real binary; either works.
    "/usr/bin/chromium",
    "/usr/lib/chromium/chromium",
  ];
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The path of a Chromium binary, installing Debian's package when none is there and we may. */
export function findChromium(): string {
  const found = candidates().find(executable);
  if (found !== undefined) return found;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && existsSync("/etc/debian_version")) {
    console.error("no Chromium found: installing Debian's chromium (apt-get install -y chromium)");
    execFileSync("apt-get", ["install", "-y", "chromium"], {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    const installed = candidates().find(executable);
    if (installed !== undefined) return installed;
  }
  throw new Error(
    `no Chromium at ${candidates().join(", ")}: install one (Debian: apt-get install chromium) or set STELE_CHROMIUM`,
  );
}

/** A headless Chromium; close it with `browser.close()`. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    // Containers and root: Chromium's sandbox needs namespaces that neither allows.
    args: ["--no-sandbox"],
  });
}
