/** Telling a proof bundle from a document among the files given, without reading big files. */
import { InvalidBundleError, parseBundle } from "../../shared/domain/proof/bundle-codec.ts";
import { BUNDLE_FORMAT, type ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";

/** Larger files are never read as text to see whether they are a bundle. */
const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

/** The bundle in `file`, undefined when it is no bundle, or an error when it is a broken one. */
export async function readBundle(file: File): Promise<ProofBundle | undefined> {
  if (file.size > MAX_BUNDLE_BYTES) return undefined;
  const first = new Uint8Array(await file.slice(0, 64).arrayBuffer());
  const head = new TextDecoder().decode(first).trimStart();
  if (!head.startsWith("{")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(await file.text());
  } catch {
    return undefined;
  }
  const format = (value as { format?: unknown }).format;
  if (typeof format !== "string" || !format.startsWith("stele.proof")) return undefined;
  if (format !== BUNDLE_FORMAT) {
    throw new InvalidBundleError(`format ${format} is not ${BUNDLE_FORMAT}, which this page reads`);
  }
  return parseBundle(value);
}
