/** Finding a Chromium to print with: --chromium, STELE_CHROMIUM, then the usual places. */
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { CliError } from "./usage-error.ts";

const KNOWN_PATHS = ["/usr/bin/chromium", "/usr/lib/chromium/chromium"];
const ON_PATH = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium executable to use, or the one-line error saying how to get one. */
export async function findChromium(flag: string | undefined, env = process.env): Promise<string> {
  const asked = flag ?? (env.STELE_CHROMIUM || undefined);
  if (asked !== undefined) {
    if (await executable(asked)) return asked;
    const from = flag === undefined ? "STELE_CHROMIUM" : "--chromium";
    throw new CliError(`${from} ${asked} is not an executable file`);
  }
  const dirs = (env.PATH ?? "").split(delimiter).filter((dir) => dir !== "");
  const candidates = [
    ...KNOWN_PATHS,
    ...ON_PATH.flatMap((name) => dirs.map((dir) => join(dir, name))),
  ];
  for (const candidate of candidates) if (await executable(candidate)) return candidate;
  throw new CliError(
    "no Chromium found for --pdf: install Chromium (e.g. apt-get install chromium) or pass --chromium <path> (or set STELE_CHROMIUM); or save the HTML without --pdf and print it from a browser",
  );
}
