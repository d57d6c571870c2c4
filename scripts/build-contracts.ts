/**
 * Compiles the Solidity contracts in contracts/ with solc-js (the npm `solc` package, pinned
 * exactly in package.json: no native compiler is downloaded) and writes one artifact per
 * deployable contract to contracts/artifacts/<Name>.json: abi, bytecode, deployedBytecode,
 * the compiler's version and the settings that reproduce them.
 *
 *   npm run build:contracts              write the artifacts
 *   npm run build:contracts -- --check   exit 1 if a committed artifact is stale
 *
 * The output is a pure function of the sources, the settings and the solc version (the
 * metadata hash at the end of the bytecode covers all three), and is written with a fixed
 * key order, so test/integration/anchor-contract.test.ts rebuilds in memory and compares.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import solc from "solc";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Every source; each is compiled under its repository path, which the metadata records. */
export const CONTRACT_SOURCES = [
  "contracts/Anchor.sol",
  "contracts/Rfc9162.sol",
  "contracts/SteleProofVerifier.sol",
] as const;
/** The contracts that get an artifact (Rfc9162 is an internal library, inlined). */
export const DEPLOYABLE = [
  { sourceName: "contracts/Anchor.sol", contractName: "Anchor" },
  { sourceName: "contracts/SteleProofVerifier.sol", contractName: "SteleProofVerifier" },
] as const;
export const ARTIFACTS_DIR = "contracts/artifacts";

/**
 * Prague, not solc 0.8.37's default osaka: the hardhat node's default hardfork (osaka) runs
 * prague code, and so do mainnet and the L2s an anchor may go to, some of which lack osaka's
 * opcodes. Runs are high because an anchor's gas is paid on every call, deployment once.
 */
export const COMPILER_SETTINGS = {
  evmVersion: "prague",
  optimizer: { enabled: true, runs: 10_000 },
} as const;

interface SolcDiagnostic {
  readonly severity: string;
  readonly formattedMessage: string;
}

interface SolcContractOutput {
  readonly abi: unknown[];
  readonly metadata: string;
  readonly evm: {
    readonly bytecode: { readonly object: string };
    readonly deployedBytecode: { readonly object: string };
  };
}

interface SolcOutput {
  readonly errors?: readonly SolcDiagnostic[];
  readonly contracts?: Record<string, Record<string, SolcContractOutput>>;
}

export interface ContractArtifact {
  readonly contractName: string;
  readonly sourceName: string;
  readonly compiler: { readonly version: string; readonly settings: typeof COMPILER_SETTINGS };
  readonly abi: unknown[];
  readonly bytecode: string;
  readonly deployedBytecode: string;
}

/** The same value with object keys sorted at every depth, so its JSON text is canonical. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, inner]) => [key, sortedKeys(inner)]),
    );
  }
  return value;
}

/** Compiles every source and returns the artifacts of the deployable contracts. */
export async function compileContracts(): Promise<ContractArtifact[]> {
  const sources: Record<string, { content: string }> = {};
  for (const path of CONTRACT_SOURCES) {
    sources[path] = { content: await readFile(join(ROOT, path), "utf8") };
  }
  const input = {
    language: "Solidity",
    sources,
    settings: {
      ...COMPILER_SETTINGS,
      outputSelection: {
        "*": { "*": ["abi", "metadata", "evm.bytecode.object", "evm.deployedBytecode.object"] },
      },
    },
  };
  const compile: (input: string) => string = solc.compile;
  const output = JSON.parse(compile(JSON.stringify(input))) as SolcOutput;
  // Warnings fail the build as errors do: the contracts are kept warning-free.
  const problems = (output.errors ?? []).filter((d) => d.severity !== "info");
  if (problems.length > 0) {
    throw new Error(
      `solc ${solc.version()}:\n${problems.map((d) => d.formattedMessage).join("\n")}`,
    );
  }
  return DEPLOYABLE.map(({ sourceName, contractName }) => {
    const contract = output.contracts?.[sourceName]?.[contractName];
    if (contract === undefined) throw new Error(`solc produced no ${sourceName}:${contractName}`);
    const bytecode = `0x${contract.evm.bytecode.object}`;
    // A library reference left to link would be a placeholder, not code.
    if (bytecode.includes("__$")) throw new Error(`${contractName} needs linking`);
    const metadata = JSON.parse(contract.metadata) as { compiler: { version: string } };
    return {
      contractName,
      sourceName,
      compiler: { version: metadata.compiler.version, settings: COMPILER_SETTINGS },
      abi: contract.abi,
      bytecode,
      deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
    };
  });
}

/** The artifact's file text: top-level keys in a fixed order, nested keys sorted. */
export function renderArtifact(artifact: ContractArtifact): string {
  const ordered = {
    contractName: artifact.contractName,
    sourceName: artifact.sourceName,
    compiler: sortedKeys(artifact.compiler),
    abi: sortedKeys(artifact.abi),
    bytecode: artifact.bytecode,
    deployedBytecode: artifact.deployedBytecode,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Repository path and text of every artifact file the sources compile to. */
export async function buildArtifactFiles(): Promise<{ path: string; text: string }[]> {
  return (await compileContracts()).map((artifact) => ({
    path: `${ARTIFACTS_DIR}/${artifact.contractName}.json`,
    text: renderArtifact(artifact),
  }));
}

/** Paths of the committed artifacts that differ from a fresh build (missing ones included). */
export async function staleArtifacts(): Promise<string[]> {
  const stale: string[] = [];
  for (const { path, text } of await buildArtifactFiles()) {
    const committed = await readFile(join(ROOT, path), "utf8").catch(() => "");
    if (committed !== text) stale.push(path);
  }
  return stale;
}

async function main(): Promise<void> {
  if (process.argv.includes("--check")) {
    const stale = await staleArtifacts();
    for (const path of stale) console.error(`${path} is stale: run npm run build:contracts`);
    if (stale.length > 0) process.exitCode = 1;
    return;
  }
  for (const { path, text } of await buildArtifactFiles()) {
    await writeFile(join(ROOT, path), text);
    console.log(`wrote ${path} (solc ${solc.version()})`);
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
