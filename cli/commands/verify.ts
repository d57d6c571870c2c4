/** `stele verify <bundle.json>`: read the inputs, run the verify use case, print one verdict. */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { type ChainCheckOptions, verifyBundle } from "../../shared/app/verify-bundle.ts";
import { InvalidArgumentError } from "../../shared/domain/errors.ts";
import { decodeBundle, InvalidBundleError } from "../../shared/domain/proof/bundle-codec.ts";
import type { SuppliedContent } from "../../shared/domain/proof/verify-bundle.ts";
import type { AnchorEvidenceReader } from "../../shared/ports/anchor-evidence-reader.ts";
import { EXIT_INVALID, EXIT_VALID, UsageError } from "../usage-error.ts";
import { describeVerdict } from "../verdict-text.ts";

export interface VerifyCliOptions {
  readonly file?: string;
  readonly payload?: string;
  readonly signer?: string;
  /** JSON-RPC endpoints, one per chain (`--rpc` repeated). */
  readonly rpc?: readonly string[];
  readonly confirmations: number;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(
      `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/** SHA-256 of a file read as a stream, so documents of any size fit in memory. */
async function sha256OfFile(path: string): Promise<Uint8Array> {
  const hash = createHash("sha256");
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    throw new UsageError(
      `cannot read document ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return new Uint8Array(hash.digest());
}

async function suppliedContent(options: VerifyCliOptions): Promise<SuppliedContent | undefined> {
  if (options.file !== undefined && options.payload !== undefined) {
    throw new UsageError("give either --file or --payload, not both");
  }
  if (options.file !== undefined)
    return { kind: "document", sha256: await sha256OfFile(options.file) };
  if (options.payload !== undefined) {
    const text = await readText(options.payload, "payload");
    try {
      return { kind: "transaction", payload: JSON.parse(text) };
    } catch (error) {
      throw new UsageError(`payload ${options.payload} is not JSON: ${(error as Error).message}`);
    }
  }
  return undefined;
}

/**
 * Connects to every endpoint at once (shared with the verify page); an endpoint that fails is
 * exit 2, and two endpoints of one chain are refused here, where the flags can be named.
 */
async function connectAll(urls: readonly string[]): Promise<AnchorEvidenceReader[]> {
  // ethers is loaded only when a chain is asked for: it is most of the CLI's start-up time.
  const { connectEvidenceReaders } = await import(
    "../../shared/adapters/chain/connect-evidence-readers.ts"
  );
  const readers = await connectEvidenceReaders(urls);
  // Two endpoints of one chain: said here, where the URLs are known (the use case refuses it too).
  const urlOf = new Map<number, string>();
  for (const [i, reader] of readers.entries()) {
    const url = urls[i] ?? "";
    const earlier = urlOf.get(reader.chainId);
    if (earlier !== undefined) {
      for (const opened of readers) opened.close();
      throw new UsageError(
        `--rpc ${earlier} and --rpc ${url} both serve chain ${reader.chainId}: give one endpoint per chain`,
      );
    }
    urlOf.set(reader.chainId, url);
  }
  return readers;
}

function chainCheck(options: VerifyCliOptions): ChainCheckOptions | undefined {
  const { rpc = [], confirmations } = options;
  if (rpc.length === 0) return undefined;
  return { confirmations, connect: () => connectAll(rpc) };
}

export async function runVerify(bundlePath: string, options: VerifyCliOptions): Promise<number> {
  const text = await readText(bundlePath, "bundle");
  let bundle: ReturnType<typeof decodeBundle>;
  try {
    bundle = decodeBundle(text);
  } catch (error) {
    if (error instanceof InvalidBundleError) {
      throw new UsageError(`${bundlePath} is ${error.message}`);
    }
    throw error;
  }
  const content = await suppliedContent(options);
  const chain = chainCheck(options);
  try {
    const verdict = await verifyBundle(bundle, {
      ...(content === undefined ? {} : { content }),
      ...(options.signer === undefined ? {} : { trustedSigner: options.signer }),
      ...(chain === undefined ? {} : { chain }),
    });
    process.stdout.write(
      `${describeVerdict(bundle, verdict, { signer: options.signer !== undefined })}\n`,
    );
    return verdict.valid ? EXIT_VALID : EXIT_INVALID;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // By name: the class lives in the lazily loaded chain module (see connectAll).
    if ((error as Error).name === "ChainEndpointError") {
      throw new UsageError((error as Error).message);
    }
    if (error instanceof InvalidArgumentError) throw new UsageError(error.message);
    // Only the chain reads can throw here: the verdict on the bundle itself is never an error.
    throw new UsageError(
      `could not check the anchors through ${(options.rpc ?? []).join(", ")}: ${(error as Error).message}`,
    );
  }
}
