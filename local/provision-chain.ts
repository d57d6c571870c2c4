/**
 * Gets the local stack's chain ready to anchor on: the Anchor contract deployed (unless given),
 * the dev anchor key authorised on it and, on the embedded chain, funded. DEV ONLY.
 */
import { Contract, JsonRpcProvider, parseEther, type Signer, Wallet } from "ethers";
import { ANCHOR_INTERFACE, deployAnchor } from "../shared/adapters/chain/anchor-contract.ts";

export interface ProvisionedChain {
  readonly chainId: number;
  readonly contract: string;
  readonly anchorAddress: string;
}

export async function provisionChain(options: {
  readonly url: string;
  /** The embedded chain: its unlocked, funded account 0 deploys, authorises and funds. */
  readonly embedded: boolean;
  readonly anchorKey: string;
  /** An Anchor already deployed, whose owner has authorised the anchor key. */
  readonly contract?: string;
}): Promise<ProvisionedChain> {
  const provider = new JsonRpcProvider(options.url, undefined, { cacheTimeout: -1 });
  try {
    const chainId = Number((await provider.getNetwork()).chainId);
    const anchorWallet = new Wallet(`0x${options.anchorKey}`, provider);
    if (options.contract !== undefined) {
      return { chainId, contract: options.contract, anchorAddress: anchorWallet.address };
    }
    // Elsewhere the dev anchor key itself must hold funds: it deploys and authorises itself.
    const owner: Signer = options.embedded ? await provider.getSigner(0) : anchorWallet;
    const contract = await deployAnchor(owner);
    const anchor = new Contract(contract, ANCHOR_INTERFACE, owner);
    const authorize = anchor.getFunction("authorize");
    await (await authorize(anchorWallet.address)).wait();
    if (options.embedded) {
      await (
        await owner.sendTransaction({ to: anchorWallet.address, value: parseEther("100") })
      ).wait();
    }
    return { chainId, contract, anchorAddress: anchorWallet.address };
  } finally {
    provider.destroy();
  }
}
