/**
 * A secp256k1 KMS key that signs for one function only: the checkpoint key (the log's identity,
 * signed by integrate) or the anchor key (the chain account, signed by anchor). Its policy says
 * who may sign and who may read the public key; no IAM policy can widen that, because the policy
 * delegates neither to the account.
 */
import { RemovalPolicy } from "aws-cdk-lib";
import {
  AccountRootPrincipal,
  AnyPrincipal,
  Effect,
  type IRole,
  PolicyDocument,
  PolicyStatement,
} from "aws-cdk-lib/aws-iam";
import { Key, KeySpec, KeyUsage } from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";
import { keyAdministration } from "./key-policy.ts";

export interface SigningKeyProps {
  readonly description: string;
  /** e.g. `alias/stele-prod-checkpoint`, to find the key without the stack's outputs. */
  readonly alias: string;
}

export class SigningKey extends Construct {
  readonly key: Key;
  #signer: IRole | undefined;

  constructor(scope: Construct, id: string, props: SigningKeyProps) {
    super(scope, id);
    this.key = new Key(this, "Key", {
      description: props.description,
      alias: props.alias,
      keySpec: KeySpec.ECC_SECG_P256K1,
      keyUsage: KeyUsage.SIGN_VERIFY,
      policy: new PolicyDocument({
        statements: [
          keyAdministration(),
          // The public key (and so the address) is public: operators read it to publish the
          // log's signer or to authorise the anchor key on a contract.
          new PolicyStatement({
            sid: "AccountReadsPublicKey",
            principals: [new AccountRootPrincipal()],
            actions: ["kms:GetPublicKey"],
            resources: ["*"],
          }),
        ],
      }),
      // Kept even when the stack goes: a lost checkpoint key is a lost log identity, a lost
      // anchor key a lost chain account (and whatever it holds).
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Lets `role` sign digests with the key, and denies signing to every other principal. */
  signOnlyBy(role: IRole): void {
    if (this.#signer !== undefined) throw new Error(`${this.node.path} already has a signer`);
    this.#signer = role;
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: "OneRoleSigns",
        principals: [role],
        actions: ["kms:Sign"],
        resources: ["*"],
        // What the KMS signers send: a 32-byte digest, ECDSA over secp256k1.
        conditions: {
          StringEquals: { "kms:SigningAlgorithm": "ECDSA_SHA_256", "kms:MessageType": "DIGEST" },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: "NobodyElseSigns",
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ["kms:Sign"],
        resources: ["*"],
        conditions: { ArnNotEquals: { "aws:PrincipalArn": role.roleArn } },
      }),
    );
  }

  /** Lets the functions' roles read the public key (their signer's address). */
  publicKeyReadBy(...roles: IRole[]): void {
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: "FunctionsReadPublicKey",
        principals: roles,
        actions: ["kms:GetPublicKey"],
        resources: ["*"],
      }),
    );
  }
}
