/**
 * The CDK app synthesised in-process for the infra tests, as infra/bin/stele.ts builds it but
 * without bundling (the CLI test bundles, once): the stack, its template, and cdk-nag's report.
 */
import assert from "node:assert/strict";
import { App, CfnElement, Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { SteleStack } from "../../infra/stacks/stele-stack.ts";
import { resolveStage, type StageName } from "../../infra/stages.ts";

export const ACCOUNT = "123456789012";
export const REGION = "eu-central-1";

/** Two chains, as an operator would configure prod (RPC URLs in Secrets Manager, by name and by ARN). */
export const TWO_CHAINS = [
  {
    chainId: 11155111,
    contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    rpcUrlsSecret: "stele/prod/rpc/11155111",
    confirmations: 12,
    maxFeePerGasGwei: 30,
  },
  {
    chainId: 137,
    contract: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
    rpcUrlsSecret:
      "arn:aws:secretsmanager:eu-central-1:123456789012:secret:stele-polygon-rpc-AbCdEf",
    blockSeconds: 2,
    minBalanceEth: 5,
  },
] as const;

export interface Synthesised {
  readonly stack: SteleStack;
  readonly template: Template;
  /** The template as JSON, for walking every resource. */
  readonly json: TemplateJson;
}

export interface TemplateJson {
  readonly Resources: Record<string, CfnJson>;
  readonly Outputs?: Record<string, { Value: unknown }>;
}

export interface CfnJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** Synthesises the stack of `stage` with `settings` as the `stele:settings` context. */
export function synthesise(stage: StageName, settings?: unknown): Synthesised {
  const app = new App({
    context: {
      "stele:stage": stage,
      ...(settings === undefined ? {} : { "stele:settings": settings }),
      // No stack is bundled here (esbuild per function, seconds): the CLI test bundles.
      "aws:cdk:bundling-stacks": [],
    },
  });
  const resolved = resolveStage((key) => app.node.tryGetContext(key));
  const stack = new SteleStack(app, `Stele-${stage}`, {
    ...resolved,
    env: { account: ACCOUNT, region: REGION },
  });
  const template = Template.fromStack(stack);
  return { stack, template, json: template.toJSON() as TemplateJson };
}

export interface NagFinding {
  readonly rule: string;
  readonly severity: string;
  readonly paths: readonly string[];
}

/** cdk-nag's AwsSolutions findings on `scope`; `raw` ignores every acknowledgement. */
export function nagFindings(scope: IConstruct, raw = false): NagFinding[] {
  const pack = new AwsSolutionsChecks();
  if (raw) {
    // The pack consults acknowledgements through this (private) method only.
    (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  }
  return pack.validateScope(scope).violations.map((violation) => ({
    rule: violation.ruleName,
    severity: violation.severity ?? "",
    paths: violation.violatingResources.map((resource) => resource.constructPath ?? ""),
  }));
}

/** Every acknowledgement in the tree: the construct's path, the rule id, the reason. */
export function acknowledgements(
  scope: IConstruct,
): { path: string; id: string; reason: string }[] {
  const found: { path: string; id: string; reason: string }[] = [];
  for (const node of scope.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: node.node.path, id: id.replace(/^annotation::/i, ""), reason });
      }
    }
  }
  return found;
}

/** A property the resource must have. */
export function prop<T>(resource: CfnJson, name: string): T {
  const value = resource.Properties?.[name];
  assert.ok(value !== undefined, `no property ${name}`);
  return value as T;
}

export function resourcesOfType(json: TemplateJson, type: string): [string, CfnJson][] {
  return Object.entries(json.Resources).filter(([, resource]) => resource.Type === type);
}

/** The logical id of an L2 construct's CloudFormation resource (its default child). */
export function logicalId(stack: SteleStack, construct: IConstruct): string {
  const resource = construct.node.defaultChild;
  assert.ok(resource !== undefined && CfnElement.isCfnElement(resource), construct.node.path);
  return stack.resolve(stack.getLogicalId(resource)) as string;
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: Statement): unknown[] {
  const { Resource } = statement;
  return Resource === undefined ? [] : Array.isArray(Resource) ? Resource : [Resource];
}

/**
 * Every policy document in the template, with where it is: IAM policies, managed policies and
 * roles' inline policies (`iam`), and key, queue and topic policies (`resource`).
 */
export function policyDocuments(
  json: TemplateJson,
): { where: string; kind: "iam" | "resource"; statements: Statement[] }[] {
  const documents: { where: string; kind: "iam" | "resource"; statements: Statement[] }[] = [];
  const add = (where: string, kind: "iam" | "resource", document: unknown) => {
    const statements = (document as { Statement?: Statement[] } | undefined)?.Statement ?? [];
    documents.push({ where, kind, statements });
  };
  for (const [id, resource] of Object.entries(json.Resources)) {
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case "AWS::IAM::Policy":
      case "AWS::IAM::ManagedPolicy":
        add(id, "iam", props.PolicyDocument);
        break;
      case "AWS::IAM::Role":
        for (const inline of (props.Policies as { PolicyDocument: unknown }[] | undefined) ?? [])
          add(`${id} (inline)`, "iam", inline.PolicyDocument);
        break;
      case "AWS::KMS::Key":
        add(id, "resource", props.KeyPolicy);
        break;
      case "AWS::SQS::QueuePolicy":
      case "AWS::SNS::TopicPolicy":
        add(id, "resource", props.PolicyDocument);
        break;
    }
  }
  return documents;
}

/** `{"Fn::GetAtt": [id, "Arn"]}` */
export function arnOf(id: string): { "Fn::GetAtt": [string, string] } {
  return { "Fn::GetAtt": [id, "Arn"] };
}

/** A CloudFormation value with its references replaced by plausible values (see below). */
function resolvedValue(name: string, value: unknown): string {
  if (typeof value === "string") return value;
  const {
    Ref: ref,
    "Fn::GetAtt": getAtt,
    "Fn::Join": join,
  } = value as {
    Ref?: string;
    "Fn::GetAtt"?: [string, string];
    "Fn::Join"?: [string, unknown[]];
  };
  if (ref !== undefined) return `${ref.toLowerCase()}-resolved`;
  if (getAtt !== undefined) return `${getAtt[0].toLowerCase()}.${getAtt[1].toLowerCase()}.example`;
  if (join !== undefined) return join[1].map((part) => resolvedValue(name, part)).join(join[0]);
  throw new Error(`${name} is not a string, Ref, GetAtt or Join: ${JSON.stringify(value)}`);
}

/**
 * A function's environment with CloudFormation references replaced by plausible values, as
 * Lambda would see it (a Ref of a table is its name, of a key its id; a GetAtt a host name).
 */
export function resolvedEnvironment(resource: CfnJson): Record<string, string> {
  const variables =
    ((resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables as Record<string, unknown>) ?? {};
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [name, resolvedValue(name, value)]),
  );
}
