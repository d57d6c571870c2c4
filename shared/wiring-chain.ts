/**
 * The anchor chains' adapters, apart from shared/wiring.ts so that only the anchor function
 * (and the readers' anchor lookups, which need no chain) pay for loading ethers.
 */
import { type AbstractSigner, BaseWallet, FetchRequest, JsonRpcProvider, SigningKey } from "ethers";
import { EthersAnchorChain } from "./adapters/chain/ethers-anchor-chain.ts";
import { FailoverAnchorChain } from "./adapters/chain/failover-anchor-chain.ts";
import { KmsTransactionSigner } from "./adapters/kms/kms-transaction-signer.ts";
import { type Config, type ResolvedChainConfig, resolveChains } from "./config.ts";
import type { AnchorChain } from "./ports/anchor-chain.ts";
import type { SecretStore } from "./ports/secret-store.ts";
import {
  type ClientOptions,
  createKmsClient,
  createSecretStore,
  withFaultPoints,
} from "./wiring.ts";

export interface AnchorChainsOptions extends ClientOptions {
  /** Told when a call on chain `chainId` leaves RPC endpoint `from` (an index in rpcUrls) for `to`. */
  readonly onFailover?: (chainId: number, from: number, to: number, error: unknown) => void;
  /** Where rpcUrlsSecret values are read; by default Secrets Manager, built only when a chain names one. */
  readonly secrets?: SecretStore;
}

type SignerFor = (provider: JsonRpcProvider) => AbstractSigner;

/** The anchor key over a given provider: one key for every chain and endpoint (nonces are per chain). */
function anchorSigner(config: Config, options: ClientOptions): SignerFor {
  if (config.STELE_ANCHOR_SIGNER === "dev") {
    const key = config.STELE_DEV_ANCHOR_KEY;
    if (key === undefined)
      throw new Error(
        "bad configuration: STELE_DEV_ANCHOR_KEY: required with the dev anchor signer",
      );
    // BaseWallet, not Wallet: Wallet brings keystore encryption (aes-js, scrypt) into the bundle.
    const wallet = new BaseWallet(new SigningKey(`0x${key}`));
    return (provider) => wallet.connect(provider);
  }
  const keyId = config.STELE_ANCHOR_KEY_ID;
  if (keyId === undefined)
    throw new Error("bad configuration: STELE_ANCHOR_KEY_ID: required with the kms anchor signer");
  // Connected from one signer, so one KMS client and one GetPublicKey serve every endpoint.
  const kms = new KmsTransactionSigner({ client: createKmsClient(config, options), keyId });
  return (provider) => kms.connect(provider);
}

/**
 * ethers waits 300 s for an answer by default: an endpoint that accepts the connection and then
 * hangs would outlast the function before the next endpoint is tried.
 */
const RPC_TIMEOUT_MS = 10_000;

function createEndpoint(
  chain: ResolvedChainConfig,
  url: string,
  signerFor: SignerFor,
): AnchorChain {
  const request = new FetchRequest(url);
  request.timeout = RPC_TIMEOUT_MS;
  const provider = new JsonRpcProvider(request, chain.chainId, {
    staticNetwork: true,
    cacheTimeout: -1,
  });
  return new EthersAnchorChain({
    provider,
    signer: signerFor(provider),
    chainId: chain.chainId,
    contract: chain.contract,
  });
}

/**
 * One AnchorChain per element of STELE_CHAINS, in its order (none when anchoring is off); a
 * chain with several rpcUrls moves to the next endpoint when one fails. A chain's
 * rpcUrlsSecret is read first (Secrets Manager): a missing or bad one fails with its name.
 */
export async function createAnchorChains(
  config: Config,
  options: AnchorChainsOptions = {},
): Promise<AnchorChain[]> {
  if (config.STELE_CHAINS.length === 0) return [];
  const needsSecrets = config.STELE_CHAINS.some((c) => c.rpcUrlsSecret !== undefined);
  const secrets =
    options.secrets ?? (needsSecrets ? createSecretStore(config, options) : undefined);
  const chains = await resolveChains(config.STELE_CHAINS, secrets);
  const signerFor = anchorSigner(config, options);
  return chains.map((chain) => {
    const endpoints = chain.rpcUrls.map((url) => createEndpoint(chain, url, signerFor));
    const [only] = endpoints;
    if (endpoints.length === 1 && only !== undefined) return withFaultPoints(config, only);
    const { onFailover } = options;
    const failover = new FailoverAnchorChain(
      endpoints,
      onFailover === undefined
        ? {}
        : { onFailover: (from, to, error) => onFailover(chain.chainId, from, to, error) },
    );
    return withFaultPoints(config, failover);
  });
}
