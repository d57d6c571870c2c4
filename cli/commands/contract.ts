/**
 * `stele contract deploy` and `stele contract authorize`, for operators. The owner's key comes
 * from STELE_DEPLOYER_KEY only, never a flag, so that it stays out of shell history.
 */
import type {
  ContractTransactionResponse,
  JsonRpcProvider,
  TransactionReceipt,
  Wallet,
} from "ethers";
import { chainIdOf } from "../chain-endpoint.ts";
import { CliError, UsageError } from "../usage-error.ts";

export interface ContractOptions {
  readonly rpc: string;
  readonly chainId?: number;
}

interface Connection {
  readonly provider: JsonRpcProvider;
  readonly wallet: Wallet;
  readonly chainId: number;
}

function deployerKey(): string {
  const key = process.env.STELE_DEPLOYER_KEY;
  if (key === undefined || key === "") {
    throw new UsageError(
      "no deployer key: set STELE_DEPLOYER_KEY to the owner's private key (0x and 64 hex characters); it is never a flag, so it stays out of shell history",
    );
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) {
    throw new UsageError("STELE_DEPLOYER_KEY must be a private key: 0x and 64 hex characters");
  }
  return key;
}

async function connect(options: ContractOptions): Promise<Connection> {
  const key = deployerKey();
  const chainId = await chainIdOf(options.rpc);
  if (options.chainId !== undefined && options.chainId !== chainId) {
    throw new CliError(
      `wrong chain: ${options.rpc} serves chain ${chainId}, not ${options.chainId} (--chain-id)`,
    );
  }
  // ethers is most of the CLI's start-up time: loaded only here.
  const { JsonRpcProvider, Wallet } = await import("ethers");
  const provider = new JsonRpcProvider(options.rpc, chainId, { staticNetwork: true });
  return { provider, wallet: new Wallet(key, provider), chainId };
}

/** What went wrong with a transaction, as ethers says it, with the fix for the common cases. */
function chainError(error: unknown, who: string): CliError {
  const { code, shortMessage, message } = error as {
    code?: string;
    shortMessage?: string;
    message?: string;
  };
  if (code === "INSUFFICIENT_FUNDS") {
    return new CliError(
      `no funds: ${who} cannot pay for the transaction; send it some of the chain's coin`,
      undefined,
      { cause: error },
    );
  }
  return new CliError(`the transaction failed: ${shortMessage ?? message}`, undefined, {
    cause: error,
  });
}

async function mined(
  tx: ContractTransactionResponse | null,
  who: string,
): Promise<TransactionReceipt> {
  if (tx === null) throw new CliError("the chain gave no transaction");
  let receipt: TransactionReceipt | null;
  try {
    receipt = await tx.wait();
  } catch (error) {
    throw chainError(error, who);
  }
  if (receipt === null || receipt.status !== 1) {
    throw new CliError(`transaction ${tx.hash} reverted`);
  }
  return receipt;
}

export async function runContractDeploy(options: ContractOptions): Promise<number> {
  const { provider, wallet, chainId } = await connect(options);
  try {
    const { ContractFactory, formatEther } = await import("ethers");
    const { ANCHOR_BYTECODE, ANCHOR_INTERFACE } = await import(
      "../../shared/adapters/chain/anchor-contract.ts"
    );
    const factory = new ContractFactory(ANCHOR_INTERFACE, ANCHOR_BYTECODE, wallet);
    const balance = await provider.getBalance(wallet.address);
    if (balance === 0n) {
      throw new CliError(
        `no funds: the deployer ${wallet.address} holds nothing on chain ${chainId}; fund it first`,
      );
    }
    let contract: Awaited<ReturnType<typeof factory.deploy>>;
    try {
      contract = await factory.deploy();
    } catch (error) {
      throw chainError(error, `the deployer ${wallet.address} (balance ${formatEther(balance)})`);
    }
    const receipt = await mined(contract.deploymentTransaction(), wallet.address);
    const address = await contract.getAddress();
    process.stdout.write(
      `Anchor deployed at ${address} on chain ${chainId} (owner ${wallet.address}, tx ${receipt.hash}, block ${receipt.blockNumber}, ${receipt.gasUsed} gas)\n`,
    );
    process.stderr.write(
      `next: stele contract authorize ${address} <anchor address> --rpc ${options.rpc}\n`,
    );
    return 0;
  } finally {
    provider.destroy();
  }
}

export async function runContractAuthorize(
  contractAddress: string,
  account: string,
  options: ContractOptions,
): Promise<number> {
  const { provider, wallet, chainId } = await connect(options);
  try {
    const { Contract, getAddress } = await import("ethers");
    const { ANCHOR_INTERFACE } = await import("../../shared/adapters/chain/anchor-contract.ts");
    if ((await provider.getCode(contractAddress)) === "0x") {
      throw new CliError(
        `no contract at ${contractAddress} on chain ${chainId}: check the address and --rpc`,
      );
    }
    const anchor = new Contract(contractAddress, ANCHOR_INTERFACE, wallet);
    let owner: string;
    try {
      owner = String(await anchor.getFunction("owner").staticCall());
    } catch (error) {
      throw new CliError(
        `${contractAddress} is not an Anchor contract (owner() failed: ${(error as { shortMessage?: string }).shortMessage ?? (error as Error).message})`,
      );
    }
    if (getAddress(owner) !== wallet.address) {
      throw new CliError(
        `not owner: ${contractAddress} is owned by ${getAddress(owner)}, and STELE_DEPLOYER_KEY is the key of ${wallet.address}`,
      );
    }
    if ((await anchor.getFunction("isAuthorized").staticCall(account)) === true) {
      process.stdout.write(
        `${getAddress(account)} is already authorised on ${contractAddress} (chain ${chainId}); nothing sent\n`,
      );
      return 0;
    }
    let tx: ContractTransactionResponse;
    try {
      tx = (await anchor.getFunction("authorize").send(account)) as ContractTransactionResponse;
    } catch (error) {
      throw chainError(error, `the owner ${wallet.address}`);
    }
    const receipt = await mined(tx, wallet.address);
    process.stdout.write(
      `authorised ${getAddress(account)} on ${contractAddress} (chain ${chainId}, tx ${receipt.hash}, block ${receipt.blockNumber})\n`,
    );
    return 0;
  } finally {
    provider.destroy();
  }
}
