/**
 * `stele`: the command users run. Exit codes: 0 valid / done, 1 invalid (a check failed),
 * 2 usage, unreadable input or no answer from the API, 3 not there yet (425, watch timeout).
 * Command modules are imported when their command runs, so `stele --help` stays fast.
 */
import { Command, CommanderError, Option } from "commander";
import { collect, durationMs, ethereumAddress, positiveInteger, wholeNumber } from "./arguments.ts";
import { CliError, EXIT_USAGE, UsageError } from "./usage-error.ts";

/** The options every command that talks to the API takes (see cli/config.ts for precedence). */
function withApiOptions(command: Command): Command {
  return command
    .option("--api-url <url>", "the Stele API (else STELE_API_URL, else the config file)")
    .option("--api-key <key>", "the API key (else STELE_API_KEY, else the config file)")
    .option("--ledger <name>", "the ledger (else STELE_LEDGER, the config file, or default)")
    .option(
      "--config <file>",
      "config file {apiUrl, apiKey, ledger} (else STELE_CONFIG, else ~/.config/stele/config.json)",
    )
    .option("--retries <N>", "retries of a failed request (network, 5xx, 429)", wholeNumber, 4);
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
    const { runVerify } = await import("./commands/verify.ts");
    process.exitCode = await runVerify(bundlePath, options);
  });

withApiOptions(
  program
    .command("submit")
    .description(
      "Hash files locally and submit them (only their SHA-256, unless --upload); save their ids in an index.",
    )
    .argument(
      "[paths...]",
      "files, or directories to walk (regular files; no symlinks, dot files or *.stele.json)",
    )
    .option(
      "--payload <tx.json>",
      "a transaction payload (one JSON object) to submit; repeat it",
      collect,
    )
    .option("--upload", "send each document's content (at most 256 KiB each), not only its hash")
    .option("--index <file>", "the index of submitted files, read and updated", "stele-index.json")
    .option("--client-ref <text>", "clientRef on every entry; {path} becomes the file's path")
    .option("--subject <name>", "every entry is an event of this subject (a lot, an invoice)")
    .option("--event-type <type>", "what happened to the subject (with --subject)"),
).action(async (paths: string[], options) => {
  const { runSubmit } = await import("./commands/submit.ts");
  process.exitCode = await runSubmit(paths, options);
});

withApiOptions(
  program
    .command("proof")
    .description("Fetch proof bundles and save them as <name>.stele.json.")
    .argument("[ids...]", "entry ids")
    .option("--file <document>", "find the entry by the document's SHA-256")
    .option("--payload <tx.json>", "find the entry by the payload's canonical SHA-256")
    .option("--index <file>", "every entry of an index made by stele submit")
    .option("--all", "with --file or --payload: every entry with that content, not only the newest")
    .option("--anchored", "only a bundle whose checkpoint is anchored on chain")
    .option("--out <dir>", "where to write the bundles (default: the current directory)"),
).action(async (ids: string[], options) => {
  const { runProof } = await import("./commands/proof.ts");
  process.exitCode = await runProof(ids, options);
});

withApiOptions(
  program
    .command("watch")
    .description("Wait until entries reach a status (final by default).")
    .argument("[ids...]", "entry ids")
    .option("--index <file>", "every entry of an index made by stele submit")
    .addOption(
      new Option("--until <status>", "the status to wait for")
        .choices(["sequenced", "anchored", "final"])
        .default("final"),
    )
    .option(
      "--timeout <duration>",
      "give up (exit 3) after this long, e.g. 90s, 30m",
      durationMs,
      30 * 60_000,
    )
    .option("--interval <duration>", "time between polls", durationMs, 1000),
).action(async (ids: string[], options) => {
  const { runWatch } = await import("./commands/watch.ts");
  process.exitCode = await runWatch(ids, options);
});

withApiOptions(
  program
    .command("history")
    .description(
      "A subject's events in order, each proved in the log with its link; checks that none is missing or out of order.",
    )
    .argument("<subject>", "the subject, as entries named it")
    .option(
      "--signer <0x…>",
      "the expected checkpoint signer (default: the one /v1/log publishes)",
      ethereumAddress,
    )
    .option("--out <dir>", "save each event's and link's bundle, and each link's payload"),
).action(async (subject: string, options) => {
  const { runHistory } = await import("./commands/history.ts");
  process.exitCode = await runHistory(subject, options);
});

withApiOptions(
  program
    .command("checkpoint")
    .description("Fetch the ledger's latest signed checkpoint, check its signature, print it.")
    .option("--anchored", "the latest anchored checkpoint")
    .option(
      "--signer <0x…>",
      "the expected checkpoint signer (default: the one /v1/log publishes)",
      ethereumAddress,
    )
    .option("--out <file>", "save the checkpoint as JSON"),
).action(async (options) => {
  const { runCheckpoint } = await import("./commands/checkpoint.ts");
  process.exitCode = await runCheckpoint(options);
});

withApiOptions(
  program
    .command("consistency")
    .description(
      "Check that the log grew append-only between two checkpoints (RFC 9162 consistency proof).",
    )
    .argument("<from>", "a saved checkpoint or proof bundle (JSON file), or latest")
    .argument("<to>", "a saved checkpoint or proof bundle (JSON file), or latest")
    .option(
      "--signer <0x…>",
      "the expected checkpoint signer (default: the one /v1/log publishes)",
      ethereumAddress,
    ),
).action(async (from: string, to: string, options) => {
  const { runConsistency } = await import("./commands/consistency.ts");
  process.exitCode = await runConsistency(from, to, options);
});

withApiOptions(
  program
    .command("export")
    .description(
      "Save a ledger's whole log (tiles, entry bundles, checkpoints, anchors) in a directory that stele verify-log checks offline; a re-run resumes.",
    )
    .argument("<ledger>", "the ledger")
    .argument("<dir>", "the directory (created if need be; C2SP tlog-tiles layout under tile/)")
    .option("--concurrency <N>", "tiles fetched at once", positiveInteger, 4),
).action(async (ledger: string, dir: string, options) => {
  const { runExport } = await import("./commands/export.ts");
  process.exitCode = await runExport(ledger, dir, options);
});

program
  .command("verify-log")
  .description(
    "Check a directory written by stele export, offline: leaves, tiles, every checkpoint's signature and root (each a prefix of one tree), anchors.",
  )
  .argument("<dir>", "the directory stele export wrote")
  .option(
    "--signer <0x…>",
    "the log's published checkpoint signer (default: the one in <dir>/log.json, with a warning)",
    ethereumAddress,
  )
  .option(
    "--rpc <[chainId=]url>",
    "a JSON-RPC endpoint of an anchor chain, to check each anchor on chain; repeat it, one per chain",
    collect,
  )
  .option("--confirmations <N>", "confirmations an anchor's block needs", positiveInteger, 1)
  .action(async (dir: string, options) => {
    const { runVerifyLog } = await import("./commands/verify-log.ts");
    process.exitCode = await runVerifyLog(dir, options);
  });

const contract = program
  .command("contract")
  .description("Deploy the Anchor contract and authorise anchorers (key in STELE_DEPLOYER_KEY).");
contract
  .command("deploy")
  .description("Deploy an Anchor contract owned by STELE_DEPLOYER_KEY; print its address.")
  .requiredOption("--rpc <url>", "JSON-RPC endpoint of the chain")
  .option("--chain-id <id>", "refuse any other chain", positiveInteger)
  .action(async (options) => {
    const { runContractDeploy } = await import("./commands/contract.ts");
    process.exitCode = await runContractDeploy(options);
  });
contract
  .command("authorize")
  .description("Let <address> anchor on <contract> (STELE_DEPLOYER_KEY must be its owner).")
  .argument("<contract>", "the Anchor contract", ethereumAddress)
  .argument("<address>", "the anchor key's address (see stele anchor-address)", ethereumAddress)
  .requiredOption("--rpc <url>", "JSON-RPC endpoint of the chain")
  .option("--chain-id <id>", "refuse any other chain", positiveInteger)
  .action(async (contractAddress: string, address: string, options) => {
    const { runContractAuthorize } = await import("./commands/contract.ts");
    process.exitCode = await runContractAuthorize(contractAddress, address, options);
  });

program
  .command("anchor-address")
  .description("Print the Ethereum address of a KMS secp256k1 key (the anchor or checkpoint key).")
  .requiredOption("--kms-key-id <id>", "key id, ARN or alias of an ECC_SECG_P256K1 key")
  .option("--region <region>", "AWS region (else AWS_REGION or the profile's)")
  .option("--endpoint <url>", "KMS endpoint (else AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL)")
  .action(async (options) => {
    const { runAnchorAddress } = await import("./commands/anchor-address.ts");
    process.exitCode = await runAnchorAddress(options);
  });

withApiOptions(
  program
    .command("certificate")
    .description("Save an entry's certificate page as HTML, or print it to PDF with Chromium.")
    .argument("<id>", "entry id")
    .option("--pdf", "print the page to PDF with Chromium")
    .option("--out <file>", "where to write it (default: <id>.certificate.html or .pdf)")
    .option("--chromium <path>", "the Chromium executable (else STELE_CHROMIUM, else found)"),
).action(async (id: string, options) => {
  const { runCertificate } = await import("./commands/certificate.ts");
  process.exitCode = await runCertificate(id, options);
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
  } else if (error instanceof CliError) {
    process.stderr.write(`stele: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`stele: unexpected error: ${(error as Error).message}\n`);
    process.exitCode = EXIT_USAGE;
  }
}
