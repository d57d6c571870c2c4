/**
 * Statements shared by every key policy of the stack. Each key gets its own PolicyDocument
 * (so CDK adds no default statement), and no statement grants `kms:*`: the account may
 * administer a key, and each use is granted by name.
 */
import { Aws } from "aws-cdk-lib";
import { AccountRootPrincipal, PolicyStatement } from "aws-cdk-lib/aws-iam";

/**
 * What administering a key takes (CloudFormation's create, update and delete included), and no
 * cryptographic operation: an administrator can neither sign nor decrypt through this.
 */
export const KEY_ADMIN_ACTIONS = [
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:PutKeyPolicy",
  "kms:ListKeyPolicies",
  "kms:ListResourceTags",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ListGrants",
  "kms:RevokeGrant",
  "kms:EnableKey",
  "kms:DisableKey",
  "kms:UpdateKeyDescription",
  "kms:CreateAlias",
  "kms:UpdateAlias",
  "kms:DeleteAlias",
  "kms:GetKeyRotationStatus",
  "kms:EnableKeyRotation",
  "kms:DisableKeyRotation",
  "kms:ListKeyRotations",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
] as const;

/**
 * The account's IAM principals that IAM allows may administer the key. Naming the account here
 * keeps the key manageable (KMS refuses a policy that would lock its creator out).
 */
export function keyAdministration(): PolicyStatement {
  return new PolicyStatement({
    sid: "AccountAdministersKey",
    principals: [new AccountRootPrincipal()],
    actions: [...KEY_ADMIN_ACTIONS],
    // In a key policy "*" is the key itself.
    resources: ["*"],
  });
}

/**
 * The account's principals may use the key through `service` only (e.g. DynamoDB on behalf of
 * a function whose role IAM allows the action), never directly.
 */
export function useThroughService(service: string, actions: readonly string[]): PolicyStatement {
  return new PolicyStatement({
    sid: `AccountUsesKeyThrough${service.charAt(0).toUpperCase()}${service.slice(1)}`,
    principals: [new AccountRootPrincipal()],
    actions: [...actions],
    resources: ["*"],
    conditions: {
      StringEquals: {
        "kms:ViaService": `${service}.${Aws.REGION}.amazonaws.com`,
        "kms:CallerAccount": Aws.ACCOUNT_ID,
      },
    },
  });
}
