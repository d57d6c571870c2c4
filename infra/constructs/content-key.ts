/**
 * The symmetric KMS key that wraps the data keys of retained entry content (envelope
 * encryption, shared/adapters/kms/kms-data-keys.ts), rotated yearly. Its policy alone decides
 * its use: accept-entries may only make data keys, entry-content may only unwrap them, both
 * only with the content encryption context; nobody else, administrators included, may do either.
 */
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { type IRole, PolicyDocument, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";
import { CONTENT_ENCRYPTION_CONTEXT } from "../../shared/adapters/kms/kms-data-keys.ts";
import { keyAdministration } from "./key-policy.ts";

export interface ContentKeyProps {
  readonly description: string;
  /** e.g. `alias/stele-prod-content`. */
  readonly alias: string;
  /** RETAIN and a 30-day deletion window; otherwise the key goes with the stack (7 days). */
  readonly protectData: boolean;
}

/** The encryption context every use must carry, as key policy conditions. */
function contextConditions(): Record<string, Record<string, string>> {
  return {
    StringEquals: Object.fromEntries(
      Object.entries(CONTENT_ENCRYPTION_CONTEXT).map(([name, value]) => [
        `kms:EncryptionContext:${name}`,
        value,
      ]),
    ),
  };
}

export class ContentKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: ContentKeyProps) {
    super(scope, id);
    this.key = new Key(this, "Key", {
      description: props.description,
      alias: props.alias,
      enableKeyRotation: true,
      pendingWindow: Duration.days(props.protectData ? 30 : 7),
      // A lost content key is every retained content lost: kept wherever data is protected.
      removalPolicy: props.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      policy: new PolicyDocument({ statements: [keyAdministration()] }),
    });
  }

  /** Lets `role` make data keys (GenerateDataKey) under the content context, and nothing else. */
  generateDataKeysBy(role: IRole): void {
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: "AcceptMakesDataKeys",
        principals: [role],
        actions: ["kms:GenerateDataKey"],
        resources: ["*"],
        conditions: contextConditions(),
      }),
    );
  }

  /** Lets `role` unwrap data keys (Decrypt) under the content context, and nothing else. */
  decryptDataKeysBy(role: IRole): void {
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: "ContentReaderUnwrapsDataKeys",
        principals: [role],
        actions: ["kms:Decrypt"],
        resources: ["*"],
        conditions: contextConditions(),
      }),
    );
  }
}
