/** `stele verify <bundle.json>`: read the inputs, run the verify use case, print one verdict. */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { type ChainCheckOptions, verifyBundle } from "../../shared/app/verify-bundle.ts";
import { decodeBundle, InvalidBundleError } from "../../shared/domain/proof/bundle-codec.ts";
import type { SuppliedContent } from "../../shared/domain/proof/verify-bundle.ts";
import { EXIT_INVALID, EXIT_VALID, UsageError } from "../usage-error.ts";
import { describeVerdict } from "../verdict-text.ts";

export interface VerifyCliOptions {
  readonly file?: string;
  readonly payload?: string;
  readonly signer?: string;
  readonly rpc?: string;
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

function chainCheck(options: VerifyCliOptions): ChainCheckOptions | undefined {
  const { rpc, confirmations } = options;
  if (rpc === undefined) return undefined;
  return {
    confirmations,
    async connect() {
      // ethers is loaded only when a chain is asked for: it is most of the CLI's start-up time.
      const { EthersAnchorEvidenceReader } = await import(
        "../../shared/adapters/chain/ethers-anchor-evidence-reader.ts"
      );
      return EthersAnchorEvidenceReader.connect(rpc).catch((error: Error) => {
        throw new UsageError(`cannot use RPC endpoint ${rpc}: ${error.message}`);
      });
    },
  };
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
    process.stdout.write(`${describeVerdict(bundle, verdict)}\n`);
    return verdict.valid ? EXIT_VALID : EXIT_INVALID;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // Only the chain reads can throw here: the verdict on the bundle itself is never an error.
    throw new UsageError(
      `could not check the anchors through ${options.rpc}: ${(error as Error).message}`,
    );
  }
}
