/**
 * The single table (see shared/adapters/dynamodb/table.ts for its layout), encrypted with a
 * customer-managed key, and the one way functions get access to it: by naming the DynamoDB
 * operations they issue.
 */
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from "aws-cdk-lib/aws-dynamodb";
import type { IGrantable } from "aws-cdk-lib/aws-iam";
import { Grant, PolicyDocument } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";
import { TABLE_SCHEMA } from "../../shared/adapters/dynamodb/table.ts";
import { keyAdministration, useThroughService } from "./key-policy.ts";

/** The DynamoDB item operations the functions issue (no Scan, no transactions). */
export type TableOperation =
  | "GetItem"
  | "Query"
  | "BatchGetItem"
  | "PutItem"
  | "UpdateItem"
  | "DeleteItem"
  | "BatchWriteItem";

const WRITES: ReadonlySet<TableOperation> = new Set([
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "BatchWriteItem",
]);

/** DynamoDB decrypts the table key with the caller's permission (and encrypts on writes). */
const KEY_READ_ACTIONS = ["kms:Decrypt", "kms:DescribeKey"];
const KEY_WRITE_ACTIONS = [...KEY_READ_ACTIONS, "kms:Encrypt", "kms:GenerateDataKey"];

export interface StorageProps {
  /** Deletion protection and RETAIN (table and key); otherwise both go with the stack. */
  readonly protectData: boolean;
}

export class Storage extends Construct {
  readonly table: TableV2;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const removalPolicy = props.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.key = new Key(this, "Key", {
      description: "Stele table encryption",
      enableKeyRotation: true,
      pendingWindow: Duration.days(props.protectData ? 30 : 7),
      removalPolicy,
      policy: new PolicyDocument({
        statements: [
          keyAdministration(),
          // What DynamoDB asks of the key for a table and its backups (the AWS managed key's
          // own policy, with each action named).
          useThroughService("dynamodb", [
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncryptFrom",
            "kms:ReEncryptTo",
            "kms:GenerateDataKey",
            "kms:GenerateDataKeyWithoutPlaintext",
            "kms:CreateGrant",
            "kms:DescribeKey",
          ]),
        ],
      }),
    });
    this.table = new TableV2(this, "Table", {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: TABLE_SCHEMA.timeToLiveAttribute,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.customerManagedKey(this.key),
      deletionProtection: props.protectData,
      removalPolicy,
    });
  }

  /**
   * Lets `grantee` issue exactly `operations` on the table, with the key use they need; those
   * in `partitions` only on items whose partition key is one of the values given.
   */
  grant(
    grantee: IGrantable,
    operations: readonly TableOperation[],
    partitions: Partial<Record<TableOperation, readonly string[]>> = {},
  ): void {
    const tableWide = operations.filter((operation) => partitions[operation] === undefined);
    if (tableWide.length > 0)
      this.table.grant(grantee, ...tableWide.map((operation) => `dynamodb:${operation}`));
    for (const operation of operations) {
      const leadingKeys = partitions[operation];
      if (leadingKeys === undefined) continue;
      Grant.addToPrincipal({
        grantee,
        actions: [`dynamodb:${operation}`],
        resourceArns: [this.table.tableArn],
        conditions: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [...leadingKeys] } },
      });
    }
    const writes = operations.some((operation) => WRITES.has(operation));
    this.key.grant(grantee, ...(writes ? KEY_WRITE_ACTIONS : KEY_READ_ACTIONS));
  }
}
