/**
 * One Lambda function of infra/catalog.ts: bundled on this machine with the project's esbuild
 * (ESM, minified, source maps, the AWS SDK included so that the tested SDK is the deployed
 * one), arm64 on Node 22, traced, with its own role and its own log group.
 */
import { fileURLToPath } from "node:url";
import { Duration, type RemovalPolicy, Validations } from "aws-cdk-lib";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import {
  ESM_REQUIRE_BANNER,
  FUNCTIONS,
  type FunctionName,
  MAIN_FIELDS,
  NODE_TARGET,
} from "../catalog.ts";

/** The repository root: entries, package-lock.json and esbuild are found from here. */
export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface SteleFunctionProps {
  readonly name: FunctionName;
  readonly environment: Record<string, string>;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** 1 for the scheduled single writers (integrate, anchor). */
  readonly reservedConcurrentExecutions?: number;
}

export class SteleFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: SteleFunctionProps) {
    super(scope, id);
    const spec = FUNCTIONS[props.name];
    this.logGroup = new LogGroup(this, "Logs", {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    // A role of its own, without AWSLambdaBasicExecutionRole: it writes to its log group only.
    this.role = new Role(this, "Role", {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `Stele ${props.name}`,
    });
    this.logGroup.grantWrite(this.role);
    this.fn = new NodejsFunction(this, "Function", {
      description: spec.description,
      entry: `${PROJECT_ROOT}${spec.entry}`,
      handler: "handler",
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      environment: { ...props.environment, NODE_OPTIONS: "--enable-source-maps" },
      bundling: {
        format: OutputFormat.ESM,
        target: NODE_TARGET,
        mainFields: MAIN_FIELDS,
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        bundleAwsSDK: true,
        forceDockerBundling: false,
      },
    });
    Validations.of(this.fn).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "Node.js 22 on purpose: the bundles target node22 (infra/catalog.ts NODE_TARGET) and the code is tested on Node 20 and 22; moving to 24 is a decision of its own.",
    });
    // Tracing.ACTIVE adds these; X-Ray has no resource-level permissions.
    Validations.of(this.role).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason: "xray:PutTraceSegments and xray:PutTelemetryRecords take no resource but *.",
    });
  }
}
