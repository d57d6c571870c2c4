/**
 * The anchor chain's adapters, apart from shared/wiring.ts so that only the anchor function
 * (and the readers' anchor lookups, which need no chain) pay for loading ethers.
 */
import { JsonRpcProvider, Wallet } from "ethers";
import { EthersAnchorChain } from "./adapters/chain/ethers-anchor-chain.ts";
import { KmsTransactionSigner } from "./adapters/kms/kms-transaction-signer.ts";
import type { Config } from "./config.ts";
import { createKmsClient } from "./wiring.ts";

/** The anchor chain of this deployment, or undefined when anchoring is not configured. */
export function createAnchorChain(config: Config): EthersAnchorChain | undefined {
  const chainId = config.STELE_CHAIN_ID;
  const url = config.STELE_CHAIN_RPC_URLS?.[0];
  const contract = config.STELE_ANCHOR_CONTRACT;
  if (chainId === undefined || url === undefined || contract === undefined) return undefined;
  const provider = new JsonRpcProvider(url, chainId, { staticNetwork: true, cacheTimeout: -1 });
  const signer =
    config.STELE_ANCHOR_SIGNER === "dev"
      ? new Wallet(`0x${config.STELE_DEV_ANCHOR_KEY ?? ""}`, provider)
      : new KmsTransactionSigner(
          { client: createKmsClient(config), keyId: config.STELE_ANCHOR_KEY_ID ?? "" },
          provider,
        );
  return new EthersAnchorChain({ provider, signer, chainId, contract });
}
