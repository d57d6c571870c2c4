/**
 * The verify page (web/) on a private S3 bucket behind CloudFront (origin access control, HTTPS
 * only, security headers). The files are built by the project's esbuild at synth, as the
 * functions are: no Docker. The page holds no data — it is rebuilt from source on every deploy,
 * so the bucket is emptied and removed with the stack in every stage.
 */
import {
  AssetHashType,
  type CfnElement,
  DockerImage,
  RemovalPolicy,
  Stack,
  Validations,
} from "aws-cdk-lib";
import {
  Distribution,
  HttpVersion,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from "aws-cdk-lib/aws-cloudfront";
import { S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from "aws-cdk-lib/aws-s3";
import { BucketDeployment, Source } from "aws-cdk-lib/aws-s3-deployment";
import { Construct } from "constructs";
import { buildWebSync, WEB_ROOT } from "../../scripts/build-web.ts";

export class VerifyPage extends Construct {
  /**
   * IBucket: Bucket declares `isWebsite?` where IBucket requires it, which
   * exactOptionalPropertyTypes refuses where the origin and the deployment take an IBucket.
   */
  readonly bucket: IBucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new Bucket(this, "Files", {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    }) as IBucket;
    this.distribution = new Distribution(this, "Cdn", {
      comment: "Stele verify page",
      defaultRootObject: "index.html",
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
      },
    });
    const deployment = new BucketDeployment(this, "Deploy", {
      destinationBucket: this.bucket,
      distribution: this.distribution,
      sources: [
        Source.asset(WEB_ROOT, {
          // The page bundles shared/ code too: hash what the build wrote, so any change to the
          // verification code deploys a new page (and a local web/dist changes nothing).
          assetHashType: AssetHashType.OUTPUT,
          exclude: ["dist"],
          bundling: {
            // Never used: local bundling always succeeds or throws.
            image: DockerImage.fromRegistry("node:22-slim"),
            local: {
              tryBundle(outputDir: string) {
                buildWebSync(outputDir);
                return true;
              },
            },
          },
        }),
      ],
      memoryLimit: 256,
    });
    this.acknowledgeFindings(deployment);
  }

  /** The page's URL (`https://<id>.cloudfront.net/`). */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}/`;
  }

  private acknowledgeFindings(deployment: BucketDeployment): void {
    // The deployment's handler is CDK's own (a stack-wide singleton) and runs only while a
    // deploy copies the files: its runtime, managed policy and wildcards are CDK's choices.
    const stack = Stack.of(this);
    const handler = stack.node.children.find((child) =>
      child.node.id.startsWith("Custom::CDKBucketDeployment"),
    );
    const cdkOwn = "CDK's BucketDeployment handler, which copies the page's files during a deploy:";
    if (handler !== undefined) {
      Validations.of(handler).acknowledge(
        {
          id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
          reason: `${cdkOwn} it logs through AWS's basic execution policy.`,
        },
        { id: "AwsSolutions-L1", reason: `${cdkOwn} CDK pins its runtime.` },
      );
    }
    const bucketLogicalId = stack.resolve(
      stack.getLogicalId(this.bucket.node.defaultChild as CfnElement),
    ) as string;
    const wildcards = [
      "Action::s3:GetObject*",
      "Action::s3:GetBucket*",
      "Action::s3:List*",
      "Action::s3:DeleteObject*",
      "Action::s3:Abort*",
      `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${stack.account}-${stack.region}/*`,
      `Resource::<${bucketLogicalId}.Arn>/*`,
      "Resource::*",
    ];
    Validations.of(deployment.handlerRole).acknowledge(
      ...wildcards.map((finding) => ({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: `${cdkOwn} CDK grants these on the asset bucket and this page's bucket only.`,
      })),
    );
    const page = Validations.of(this.distribution);
    const publicStatic =
      "A public static page with no data and no state: the verify page anyone may open.";
    page.acknowledge({
      id: "AwsSolutions-CFR1",
      reason: `${publicStatic} Geo restriction would deny verifiers in some countries.`,
    });
    page.acknowledge({
      id: "AwsSolutions-CFR2",
      reason: `${publicStatic} It only serves files from S3; a WAF adds cost and nothing to protect.`,
    });
    page.acknowledge({
      id: "AwsSolutions-CFR3",
      reason: `${publicStatic} Its access logs would only record who looked at a proof.`,
    });
    page.acknowledge({
      id: "AwsSolutions-CFR4",
      reason:
        "The default *.cloudfront.net certificate cannot set a minimum TLS version; a custom domain with its own certificate can (see the README).",
    });
    Validations.of(this.bucket).acknowledge({
      id: "AwsSolutions-S1",
      reason:
        "The bucket holds the page's files, rewritten on each deploy; CloudFront is its only reader.",
    });
  }
}
