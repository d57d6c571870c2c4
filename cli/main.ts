/** `stele`: the command users run. Exit codes: 0 valid, 1 invalid, 2 usage or unreadable input. */
import { Command, InvalidArgumentError as CommanderArgumentError, CommanderError } from "commander";
import { runVerify } from "./commands/verify.ts";
import { EXIT_USAGE, UsageError } from "./usage-error.ts";

function positiveInteger(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new CommanderArgumentError("must be a whole number of at least 1");
  }
  return Number(value);
}

function ethereumAddress(value: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value))
    throw new CommanderArgumentError("must be an address: 0x and 40 hex characters");
  return value;
}

/** Commander collector: each `--rpc <url>` adds one endpoint. */
function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const program = new Command("stele")
  .description(
    "Stele: anchor documents and transactions in an append-only log; verify their proofs.",
  )
  .exitOverride()
  // Commander's own errors ("error: unknown option …") read like every other usage error.
  .configureOutput({
    outputError: (text, write) => write(`stele: ${text.replace(/^error: /, "")}`),
  });

program
  .command("verify")
  .description("Verify a proof bundle (stele.proof.v1) without trusting Stele.")
  .argument("<bundle.json>", "the proof bundle")
  .option(
    "--file <document>",
    "the document the bundle is about: its SHA-256 must be the contentHash",
  )
  .option(
    "--payload <transaction.json>",
    "the transaction payload: its RFC 8785 canonical JSON must hash to contentHash",
  )
  .option("--signer <0x…>", "the log's published checkpoint signer address", ethereumAddress)
  .option(
    "--rpc <url>",
    "a JSON-RPC endpoint of an anchor chain, to check its anchors (step 5); repeat it, one per chain",
    collect,
  )
  .option("--confirmations <N>", "confirmations an anchor's block needs", positiveInteger, 1)
  .action(async (bundlePath: string, options) => {
    process.exitCode = await runVerify(bundlePath, options);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else if (error instanceof UsageError) {
    process.stderr.write(`stele: ${error.message}\n`);
    process.exitCode = EXIT_USAGE;
  } else {
    process.stderr.write(`stele: unexpected error: ${(error as Error).message}\n`);
    process.exitCode = EXIT_USAGE;
  }
}
