/**
 * The anchor chains of a stage as the functions see them: STELE_CHAINS (without RPC URLs, which
 * stay in Secrets Manager) and the anchor role's right to read exactly those secrets.
 */
import { Aws } from "aws-cdk-lib";
import { type IRole, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { ChainSettings } from "../stages.ts";

/** STELE_CHAINS: the runtime's fields of each chain, in order (alarm-only fields left out). */
export function steleChainsJson(chains: readonly ChainSettings[]): string {
  return JSON.stringify(
    chains.map(({ chainId, rpcUrlsSecret, contract, confirmations, maxFeePerGasGwei }) => ({
      chainId,
      rpcUrlsSecret,
      contract,
      confirmations,
      maxFeePerGasGwei,
    })),
  );
}

/**
 * The ARN pattern of a secret of the deployment's account and region. Given by name, a secret's
 * ARN ends in "-" and six random characters that are unknown at synth, hence `-??????` (what
 * Secret.fromSecretNameV2 grants too); given by ARN, exactly that ARN.
 */
export function secretArn(nameOrArn: string): string {
  if (nameOrArn.startsWith("arn:")) return nameOrArn;
  return `arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:${nameOrArn}-??????`;
}

/**
 * Lets `role` read the chains' RPC URL secrets, and nothing else. Under the default key
 * (aws/secretsmanager) that is all it needs; a secret under a customer-managed key needs that
 * key's policy to allow this role kms:Decrypt as well.
 */
export function grantRpcUrlsRead(role: IRole, chains: readonly ChainSettings[]): void {
  if (chains.length === 0) return;
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: "ReadRpcUrlSecrets",
      actions: ["secretsmanager:GetSecretValue"],
      resources: [...new Set(chains.map((chain) => secretArn(chain.rpcUrlsSecret)))],
    }),
  );
}
