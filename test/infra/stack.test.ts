// The CDK stack as CloudFormation will receive it: dev with its defaults (no chain: anchoring
// off), prod with two chains. Synthesised once each, in-process and without bundling (the CLI
// test bundles); every assertion reads the template, as a reviewer of the deployment would.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { Match } from "aws-cdk-lib/assertions";
import { FUNCTION_NAMES, FUNCTIONS, type FunctionName } from "../../infra/catalog.ts";
import { TABLE_SCHEMA } from "../../shared/adapters/dynamodb/table.ts";
import { loadConfig } from "../../shared/config.ts";
import {
  actionsOf,
  arnOf,
  type CfnJson,
  logicalId,
  policyDocuments,
  prop,
  resolvedEnvironment,
  resourcesOf,
  resourcesOfType,
  type Statement,
  type Synthesised,
  synthesise,
  TWO_CHAINS,
} from "./synth.ts";

let dev: Synthesised;
let prod: Synthesised;

before(() => {
  dev = synthesise("dev");
  prod = synthesise("prod", {
    prod: {
      originPrefix: "log.stele.test",
      alarms: { email: "ops@stele.test" },
      chains: TWO_CHAINS,
    },
  });
});

function fnId(s: Synthesised, name: FunctionName): string {
  return logicalId(s.stack, s.stack.functions.byName[name].fn);
}

function roleId(s: Synthesised, name: FunctionName): string {
  return logicalId(s.stack, s.stack.functions.byName[name].role);
}

function resource(s: Synthesised, id: string): CfnJson {
  const found = s.json.Resources[id];
  assert.ok(found !== undefined, `no resource ${id}`);
  return found;
}

/** The statements of the role's DefaultPolicy (what the function may do). */
function roleStatements(s: Synthesised, name: FunctionName): Statement[] {
  const role = roleId(s, name);
  return resourcesOfType(s.json, "AWS::IAM::Policy")
    .filter(([, policy]) =>
      prop<unknown[]>(policy, "Roles").some(
        (ref) => JSON.stringify(ref) === JSON.stringify({ Ref: role }),
      ),
    )
    .flatMap(([, policy]) => prop<{ Statement: Statement[] }>(policy, "PolicyDocument").Statement);
}

function keyStatements(s: Synthesised, keyId: string): Statement[] {
  return prop<{ Statement: Statement[] }>(resource(s, keyId), "KeyPolicy").Statement;
}

const both = () =>
  [
    ["dev", dev],
    ["prod", prod],
  ] as const;

describe("the table", () => {
  test("pk/sk strings and TTL as shared/adapters/dynamodb/table.ts, on demand, PITR, CMK", () => {
    for (const [, s] of both()) {
      const tableId = logicalId(s.stack, s.stack.storage.table);
      const keyId = logicalId(s.stack, s.stack.storage.key);
      s.template.hasResourceProperties("AWS::DynamoDB::GlobalTable", {
        KeySchema: [
          { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: "HASH" },
          { AttributeName: TABLE_SCHEMA.sortKey, KeyType: "RANGE" },
        ],
        AttributeDefinitions: [
          { AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: "S" },
          { AttributeName: TABLE_SCHEMA.sortKey, AttributeType: "S" },
        ],
        BillingMode: "PAY_PER_REQUEST",
        TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.timeToLiveAttribute, Enabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: "KMS" },
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { KMSMasterKeyId: arnOf(keyId) },
          }),
        ],
      });
      assert.ok(resource(s, tableId));
      s.template.hasResourceProperties("AWS::KMS::Key", {
        Description: "Stele table encryption",
        EnableKeyRotation: true,
      });
    }
  });

  test("prod: deletion protection and RETAIN (table and its key); dev: neither", () => {
    for (const [stage, s] of both()) {
      const table = resource(s, logicalId(s.stack, s.stack.storage.table));
      const key = resource(s, logicalId(s.stack, s.stack.storage.key));
      const protect = stage === "prod";
      const replicas = table.Properties?.Replicas as { DeletionProtectionEnabled?: boolean }[];
      assert.equal(replicas[0]?.DeletionProtectionEnabled, protect, stage);
      assert.equal(table.DeletionPolicy, protect ? "Retain" : "Delete", stage);
      assert.equal(table.UpdateReplacePolicy, protect ? "Retain" : "Delete", stage);
      assert.equal(key.DeletionPolicy, protect ? "Retain" : "Delete", stage);
    }
  });
});

describe("the signing keys", () => {
  const keys = (s: Synthesised) => ({
    checkpoint: logicalId(s.stack, s.stack.checkpointKey.key),
    anchor: logicalId(s.stack, s.stack.anchorKey.key),
  });

  test("secp256k1 for signing, kept whatever the stage", () => {
    for (const [, s] of both()) {
      for (const id of Object.values(keys(s))) {
        const key = resource(s, id);
        assert.equal(key.Properties?.KeySpec, "ECC_SECG_P256K1");
        assert.equal(key.Properties?.KeyUsage, "SIGN_VERIFY");
        assert.equal(key.DeletionPolicy, "Retain");
        assert.equal(key.UpdateReplacePolicy, "Retain");
      }
    }
  });

  test("only integrate may sign with the checkpoint key, only anchor with the anchor key", () => {
    for (const [, s] of both()) {
      for (const [key, signer] of [
        [keys(s).checkpoint, "integrate-ledgers"],
        [keys(s).anchor, "anchor-checkpoints"],
      ] as const) {
        const statements = keyStatements(s, key);
        const role = arnOf(roleId(s, signer));
        const signing = statements.filter((st) => actionsOf(st).includes("kms:Sign"));
        const allows = signing.filter((st) => st.Effect === "Allow");
        assert.equal(allows.length, 1, `one Allow of kms:Sign on ${key}`);
        assert.deepEqual(allows[0]?.Principal, { AWS: role });
        assert.deepEqual(allows[0]?.Condition, {
          StringEquals: { "kms:SigningAlgorithm": "ECDSA_SHA_256", "kms:MessageType": "DIGEST" },
        });
        const denies = signing.filter((st) => st.Effect === "Deny");
        assert.deepEqual(
          denies.map((st) => [st.Principal, st.Condition]),
          [[{ AWS: "*" }, { ArnNotEquals: { "aws:PrincipalArn": role } }]],
        );
      }
    }
  });

  test("the public key is read by the functions that show an address, and by the account", () => {
    for (const [, s] of both()) {
      const readers = (key: string) =>
        keyStatements(s, key)
          .filter((st) => st.Effect === "Allow" && actionsOf(st).includes("kms:GetPublicKey"))
          .flatMap((st) => {
            const aws = (st.Principal as { AWS: unknown }).AWS;
            return Array.isArray(aws) ? aws : [aws];
          })
          .map((principal) => JSON.stringify(principal));
      const account = JSON.stringify({
        "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":iam::123456789012:root"]],
      });
      assert.deepEqual(
        readers(keys(s).checkpoint).sort(),
        [
          account,
          JSON.stringify(arnOf(roleId(s, "integrate-ledgers"))),
          JSON.stringify(arnOf(roleId(s, "read-api"))),
        ].sort(),
      );
      assert.deepEqual(
        readers(keys(s).anchor).sort(),
        [account, JSON.stringify(arnOf(roleId(s, "anchor-checkpoints")))].sort(),
      );
    }
  });

  test("no IAM policy grants a use of a signing key (the key policies alone decide)", () => {
    for (const [, s] of both()) {
      const keyIds = Object.values(keys(s));
      for (const document of policyDocuments(s.json).filter((doc) => doc.kind === "iam")) {
        for (const statement of document.statements) {
          const names = JSON.stringify(resourcesOf(statement));
          for (const id of keyIds)
            assert.ok(!names.includes(id), `${document.where} names signing key ${id}`);
        }
      }
    }
  });
});

describe("every policy of the template", () => {
  /** Actions that take no resource but "*" (X-Ray has no resource-level permissions). */
  const STAR_ONLY = new Set(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]);

  test("no statement grants a whole service (kms:*, dynamodb:*, …) or everything", () => {
    for (const [, s] of both()) {
      for (const document of policyDocuments(s.json)) {
        // A Deny may be broad: the queues' and topic's TLS-only guards deny sqs:* / sns:* over
        // plain HTTP.
        for (const statement of document.statements.filter((st) => st.Effect === "Allow")) {
          for (const action of actionsOf(statement)) {
            assert.ok(
              action !== "*" && !/^[a-z0-9-]+:\*$/.test(action),
              `${document.where}: ${action}`,
            );
          }
        }
      }
    }
  });

  test('no IAM statement names Resource "*" where a resource can be named', () => {
    for (const [, s] of both()) {
      for (const document of policyDocuments(s.json).filter((doc) => doc.kind === "iam")) {
        for (const statement of document.statements) {
          if (!resourcesOf(statement).includes("*")) continue;
          // CDK's BucketDeployment handler invalidates the page's cache with its own grant.
          if (document.where.startsWith("CustomCDKBucketDeployment")) continue;
          assert.deepEqual(
            actionsOf(statement).filter((action) => !STAR_ONLY.has(action)),
            [],
            `${document.where} grants on "*"`,
          );
        }
      }
    }
  });
});

describe("the functions", () => {
  test("one per catalog entry: Node 22 on arm64, traced, sized as the catalog says", () => {
    for (const [, s] of both()) {
      // Beside them, only CDK's own handlers: the page's deployment and its bucket's clean-up.
      const others = resourcesOfType(s.json, "AWS::Lambda::Function")
        .map(([id]) => id)
        .filter((id) => !FUNCTION_NAMES.some((name) => id === fnId(s, name)));
      assert.deepEqual(
        others.map((id) => id.replace(/[0-9A-F]{8,}.*$/, "")),
        ["CustomS3AutoDeleteObjectsCustomResourceProviderHandler", "CustomCDKBucketDeployment"],
      );
      for (const name of FUNCTION_NAMES) {
        const props = resource(s, fnId(s, name)).Properties ?? {};
        assert.equal(props.Runtime, "nodejs22.x", name);
        assert.deepEqual(props.Architectures, ["arm64"], name);
        assert.deepEqual(props.TracingConfig, { Mode: "Active" }, name);
        assert.equal(props.Handler, "index.handler", name);
        assert.equal(props.MemorySize, FUNCTIONS[name].memoryMb, name);
        assert.equal(props.Timeout, FUNCTIONS[name].timeoutSeconds, name);
      }
    }
  });

  test("reserved concurrency 1 on integrate, anchor and the webhook notifier, none on the rest", () => {
    for (const [, s] of both()) {
      for (const name of FUNCTION_NAMES) {
        const reserved = resource(s, fnId(s, name)).Properties?.ReservedConcurrentExecutions;
        const single =
          name === "integrate-ledgers" ||
          name === "anchor-checkpoints" ||
          name === "notify-webhooks";
        assert.equal(reserved, single ? 1 : undefined, name);
      }
    }
  });

  test("each logs to its own log group, kept 30 days in dev and a year in prod", () => {
    for (const [stage, s] of both()) {
      for (const name of FUNCTION_NAMES) {
        const logging = resource(s, fnId(s, name)).Properties?.LoggingConfig as {
          LogGroup: { Ref: string };
        };
        const group = resource(s, logging.LogGroup.Ref);
        assert.equal(group.Type, "AWS::Logs::LogGroup");
        assert.equal(group.Properties?.RetentionInDays, stage === "prod" ? 365 : 30, name);
      }
    }
  });

  test("every function starts with its environment (shared/config.ts accepts it)", () => {
    for (const [stage, s] of both()) {
      for (const name of FUNCTION_NAMES) {
        const env = resolvedEnvironment(resource(s, fnId(s, name)));
        assert.equal(env.NODE_OPTIONS, "--enable-source-maps");
        assert.equal(env.POWERTOOLS_SERVICE_NAME, "stele");
        assert.equal(env.POWERTOOLS_METRICS_NAMESPACE, "Stele");
        const config = loadConfig({ ...env, AWS_REGION: "eu-central-1" });
        assert.equal(config.STELE_CHECKPOINT_SIGNER, "kms", `${stage} ${name}`);
        assert.equal(
          config.STELE_ORIGIN_PREFIX,
          stage === "prod" ? "log.stele.test" : "dev.stele.example.com",
        );
      }
    }
  });

  test("the anchorer and read-api get the chains, with RPC URLs by secret name only", () => {
    for (const name of ["anchor-checkpoints", "read-api"] as const) {
      const env = resolvedEnvironment(resource(prod, fnId(prod, name)));
      assert.deepEqual(JSON.parse(env.STELE_CHAINS ?? ""), [
        {
          chainId: 11155111,
          rpcUrlsSecret: "stele/prod/rpc/11155111",
          contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
          confirmations: 12,
          maxFeePerGasGwei: 30,
        },
        {
          chainId: 137,
          rpcUrlsSecret:
            "arn:aws:secretsmanager:eu-central-1:123456789012:secret:stele-polygon-rpc-AbCdEf",
          contract: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
          confirmations: 2,
          maxFeePerGasGwei: 100,
        },
      ]);
      const devEnv = resolvedEnvironment(resource(dev, fnId(dev, name)));
      assert.equal(devEnv.STELE_CHAINS, "[]");
    }
    for (const name of ["accept-entries", "ingest-queue", "integrate-ledgers"] as const)
      assert.equal(resolvedEnvironment(resource(prod, fnId(prod, name))).STELE_CHAINS, undefined);
    // The only URL in the template is the API's own (the ApiUrl output).
    // (The verify page's URL is built from its distribution's domain: a scheme and no host.)
    const { Outputs, ...rest } = prod.json;
    assert.ok(!/https?:\/\/[^"]/.test(JSON.stringify(rest)), "a URL in the template");
  });

  test("the anchor role reads exactly the chains' RPC URL secrets, and no other role reads any", () => {
    const statements = roleStatements(prod, "anchor-checkpoints");
    const byName = {
      "Fn::Join": [
        "",
        [
          "arn:",
          { Ref: "AWS::Partition" },
          ":secretsmanager:",
          { Ref: "AWS::Region" },
          ":",
          { Ref: "AWS::AccountId" },
          ":secret:stele/prod/rpc/11155111-??????",
        ],
      ],
    };
    const byArn =
      "arn:aws:secretsmanager:eu-central-1:123456789012:secret:stele-polygon-rpc-AbCdEf";
    const reads = statements.filter((st) =>
      actionsOf(st).some((a) => a.startsWith("secretsmanager:")),
    );
    assert.deepEqual(
      reads.map((st) => [actionsOf(st), resourcesOf(st)]),
      [[["secretsmanager:GetSecretValue"], [byName, byArn]]],
    );
    for (const name of FUNCTION_NAMES) {
      const others = name === "anchor-checkpoints" ? [] : roleStatements(prod, name);
      assert.ok(!JSON.stringify(others).includes("secretsmanager:"), `${name} reads secrets`);
    }
    assert.ok(
      !JSON.stringify(roleStatements(dev, "anchor-checkpoints")).includes("secretsmanager:"),
    );
  });
});

describe("table access: each function the DynamoDB operations it issues, no more", () => {
  const EXPECTED: Record<FunctionName, string[]> = {
    "accept-entries": ["BatchWriteItem", "DeleteItem", "GetItem", "PutItem", "Query"],
    "read-api": ["BatchGetItem", "GetItem", "Query"],
    "entry-content": ["GetItem", "Query", "UpdateItem"],
    "ingest-queue": ["GetItem", "PutItem", "Query"],
    "integrate-ledgers": [
      "BatchGetItem",
      "BatchWriteItem",
      "DeleteItem",
      "GetItem",
      "PutItem",
      "Query",
      "UpdateItem",
    ],
    "anchor-checkpoints": ["GetItem", "PutItem", "Query"],
    "notify-webhooks": ["BatchGetItem", "GetItem", "PutItem", "Query"],
    "deliver-webhooks": ["DeleteItem", "GetItem", "PutItem", "Query"],
  };

  test("on the table only, and read-api read-only (the table key: Decrypt only)", () => {
    for (const [, s] of both()) {
      const table = arnOf(logicalId(s.stack, s.stack.storage.table));
      const tableKey = arnOf(logicalId(s.stack, s.stack.storage.key));
      for (const name of FUNCTION_NAMES) {
        const statements = roleStatements(s, name);
        const dynamo = statements.filter((st) =>
          actionsOf(st).some((a) => a.startsWith("dynamodb:")),
        );
        assert.deepEqual(
          dynamo
            .flatMap(actionsOf)
            .map((a) => a.replace("dynamodb:", ""))
            .sort(),
          EXPECTED[name],
          name,
        );
        for (const st of dynamo) assert.deepEqual(resourcesOf(st), [table], name);
        const keyUse = statements
          .filter((st) => JSON.stringify(resourcesOf(st)) === JSON.stringify([tableKey]))
          .flatMap(actionsOf)
          .sort();
        assert.deepEqual(
          keyUse,
          name === "read-api"
            ? ["kms:Decrypt", "kms:DescribeKey"]
            : ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
          name,
        );
      }
    }
  });
});

describe("the ingest queue", () => {
  test("encrypted, TLS only, visibility 6 × the ingest timeout, 5 receives then a 14-day DLQ", () => {
    for (const [, s] of both()) {
      const queue = resource(s, logicalId(s.stack, s.stack.ingest.queue));
      const dlqId = logicalId(s.stack, s.stack.ingest.deadLetterQueue);
      const dlq = resource(s, dlqId);
      assert.equal(
        queue.Properties?.VisibilityTimeout,
        6 * FUNCTIONS["ingest-queue"].timeoutSeconds,
      );
      assert.deepEqual(queue.Properties?.RedrivePolicy, {
        deadLetterTargetArn: arnOf(dlqId),
        maxReceiveCount: 5,
      });
      assert.equal(dlq.Properties?.MessageRetentionPeriod, 14 * 24 * 3600);
      for (const q of [queue, dlq]) assert.equal(q.Properties?.SqsManagedSseEnabled, true);
      const tlsDenied = resourcesOfType(s.json, "AWS::SQS::QueuePolicy").filter(([, policy]) =>
        JSON.stringify(policy.Properties).includes('"aws:SecureTransport":"false"'),
      );
      assert.equal(
        tlsDenied.length,
        5,
        "ingest queue, its DLQ, the schedules' DLQ, the webhook queue and its DLQ",
      );
    }
  });

  test("read by ingest-queue in batches of 10 with partial batch failures", () => {
    for (const [, s] of both()) {
      s.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
        EventSourceArn: arnOf(logicalId(s.stack, s.stack.ingest.queue)),
        FunctionName: { Ref: fnId(s, "ingest-queue") },
        BatchSize: 10,
        FunctionResponseTypes: ["ReportBatchItemFailures"],
      });
    }
  });

  test("producers get a managed policy: sqs:SendMessage on the queue, and it is an output", () => {
    const queue = arnOf(logicalId(prod.stack, prod.stack.ingest.queue));
    prod.template.hasResourceProperties("AWS::IAM::ManagedPolicy", {
      PolicyDocument: {
        Statement: [
          { Effect: "Allow", Action: ["sqs:SendMessage", "sqs:GetQueueUrl"], Resource: queue },
        ],
      },
    });
    prod.template.hasOutput("IngestQueueSendPolicyArn", {});
    prod.template.hasOutput("IngestQueueUrl", {});
  });
});

describe("the HTTP API", () => {
  /** The routes of spec/http-api-v1.md, written out here so that a drift fails. */
  const CONTRACT: Record<string, FunctionName> = {
    "POST /v1/entries": "accept-entries",
    "GET /v1/health": "read-api",
    "GET /v1/entries/{id}": "read-api",
    "GET /v1/entries/{id}/proof": "read-api",
    "GET /v1/proofs": "read-api",
    "GET /v1/ledgers/{ledger}/checkpoint": "read-api",
    "GET /v1/ledgers/{ledger}/consistency": "read-api",
    "GET /v1/ledgers/{ledger}/checkpoints": "read-api",
    "GET /v1/ledgers/{ledger}/tile/{tile+}": "read-api",
    "GET /v1/subjects/{subject}/entries": "read-api",
    "GET /v1/tlog/{ledger}/checkpoint": "read-api",
    "GET /v1/tlog/{ledger}/tile/{tile+}": "read-api",
    "GET /v1/log": "read-api",
    // Added by Stele beside the contract's routes.
    "GET /v1/entries/{id}/certificate": "read-api",
    "GET /v1/openapi.json": "read-api",
    "GET /v1/docs": "read-api",
    "PUT /v1/webhook": "accept-entries",
    "GET /v1/webhook": "accept-entries",
    "DELETE /v1/webhook": "accept-entries",
    "GET /v1/entries/{id}/content": "entry-content",
    "DELETE /v1/entries/{id}/content": "entry-content",
    $default: "read-api",
  };

  test("every route of the contract, and $default, on the function that serves it", () => {
    for (const [, s] of both()) {
      const integrationTarget = (routeTarget: unknown): string => {
        // Target: "integrations/<IntegrationId>"
        const parts = (routeTarget as { "Fn::Join": [string, unknown[]] })["Fn::Join"][1];
        const ref = (parts[1] as { Ref: string }).Ref;
        const uri = resource(s, ref).Properties?.IntegrationUri;
        return (uri as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
      };
      const routes = Object.fromEntries(
        resourcesOfType(s.json, "AWS::ApiGatewayV2::Route").map(([, route]) => [
          route.Properties?.RouteKey as string,
          integrationTarget(route.Properties?.Target),
        ]),
      );
      assert.deepEqual(
        routes,
        Object.fromEntries(Object.entries(CONTRACT).map(([key, name]) => [key, fnId(s, name)])),
      );
      // API keys are checked in the functions: no authorizer on any route.
      for (const [, route] of resourcesOfType(s.json, "AWS::ApiGatewayV2::Route"))
        assert.equal(route.Properties?.AuthorizationType ?? "NONE", "NONE");
      assert.equal(resourcesOfType(s.json, "AWS::ApiGatewayV2::Authorizer").length, 0);
      for (const [, integration] of resourcesOfType(s.json, "AWS::ApiGatewayV2::Integration"))
        assert.equal(integration.Properties?.PayloadFormatVersion, "2.0");
    }
  });

  test("the $default stage auto-deploys, throttles per stage and logs each request as JSON", () => {
    for (const [stage, s] of both()) {
      const accessLogs = logicalId(s.stack, s.stack.api.accessLogs);
      s.template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
        StageName: "$default",
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingBurstLimit: stage === "prod" ? 1000 : 100,
          ThrottlingRateLimit: stage === "prod" ? 500 : 50,
        },
        AccessLogSettings: {
          DestinationArn: arnOf(accessLogs),
          Format: Match.stringLikeRegexp('"status":"\\$context.status"'),
        },
      });
      s.template.hasOutput("ApiUrl", {});
    }
  });
});

describe("the schedules", () => {
  const schedules = (s: Synthesised) =>
    Object.fromEntries(
      resourcesOfType(s.json, "AWS::Scheduler::Schedule").map(([, schedule]) => {
        const target = schedule.Properties?.Target as {
          Arn: { "Fn::GetAtt": [string, string] };
          Input: string;
          RetryPolicy: { MaximumRetryAttempts: number };
          DeadLetterConfig?: unknown;
        };
        return [target.Arn["Fn::GetAtt"][0], { schedule: schedule.Properties ?? {}, target }];
      }),
    );

  test("integrate and anchor start every minute and loop, ending before their timeout", () => {
    for (const [, s] of both()) {
      const byFunction = schedules(s);
      assert.equal(Object.keys(byFunction).length, 3);
      for (const name of ["integrate-ledgers", "anchor-checkpoints", "notify-webhooks"] as const) {
        const found = byFunction[fnId(s, name)];
        assert.ok(found !== undefined, name);
        assert.equal(found.schedule.ScheduleExpression, "rate(1 minute)");
        assert.deepEqual(found.schedule.FlexibleTimeWindow, { Mode: "OFF" });
        const input = JSON.parse(found.target.Input) as { runForMs: number; everyMs: number };
        assert.deepEqual(Object.keys(input).sort(), ["everyMs", "runForMs"]);
        assert.equal(input.everyMs, 1000);
        assert.ok(input.runForMs >= 30_000, `${name} loops ${input.runForMs} ms`);
        assert.ok(
          input.runForMs + 5_000 <= FUNCTIONS[name].timeoutSeconds * 1000,
          `${name} loops ${input.runForMs} ms of a ${FUNCTIONS[name].timeoutSeconds} s timeout`,
        );
        assert.ok(found.target.RetryPolicy.MaximumRetryAttempts <= 1);
        assert.ok(found.target.DeadLetterConfig !== undefined);
      }
    }
  });

  test("each schedule's role may only be assumed by Scheduler for this account", () => {
    for (const [, s] of both()) {
      for (const [, schedule] of resourcesOfType(s.json, "AWS::Scheduler::Schedule")) {
        const roleArn = prop<{ RoleArn: { "Fn::GetAtt": [string, string] } }>(
          schedule,
          "Target",
        ).RoleArn;
        const role = resource(s, roleArn["Fn::GetAtt"][0]);
        assert.deepEqual(
          prop<{ Statement: Statement[] }>(role, "AssumeRolePolicyDocument").Statement,
          [
            {
              Action: "sts:AssumeRole",
              Effect: "Allow",
              Principal: { Service: "scheduler.amazonaws.com" },
              Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
            },
          ],
        );
      }
    }
  });

  test("the anchor schedule is disabled while no chain is configured", () => {
    assert.equal(schedules(dev)[fnId(dev, "anchor-checkpoints")]?.schedule.State, "DISABLED");
    assert.equal(schedules(dev)[fnId(dev, "integrate-ledgers")]?.schedule.State, "ENABLED");
    assert.equal(schedules(prod)[fnId(prod, "anchor-checkpoints")]?.schedule.State, "ENABLED");
  });

  test("a failed or late loop is not run again by Lambda (the next minute is the retry)", () => {
    for (const [, s] of both()) {
      for (const name of ["integrate-ledgers", "anchor-checkpoints"] as const) {
        s.template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
          FunctionName: { Ref: fnId(s, name) },
          MaximumRetryAttempts: 0,
          MaximumEventAgeInSeconds: 60,
        });
      }
    }
  });
});

describe("alarms", () => {
  const alarms = (s: Synthesised) =>
    resourcesOfType(s.json, "AWS::CloudWatch::Alarm").map(([, alarm]) => alarm.Properties ?? {});
  const named = (s: Synthesised, suffix: string) => {
    const found = alarms(s).filter((alarm) => String(alarm.AlarmName).endsWith(`-${suffix}`));
    assert.equal(found.length, 1, suffix);
    return found[0] ?? {};
  };

  test("dead letters, the API's 5xx rate, every function's errors and throttles, integrate", () => {
    for (const [, s] of both()) {
      for (const name of FUNCTION_NAMES) {
        for (const metric of ["Errors", "Throttles"]) {
          const alarm = named(s, `${name}-${metric}`);
          assert.equal(alarm.MetricName, metric);
          assert.deepEqual(alarm.Dimensions, [
            { Name: "FunctionName", Value: { Ref: fnId(s, name) } },
          ]);
        }
      }
      for (const dlq of ["IngestDeadLetters", "ScheduleDeadLetters", "WebhookDeadLetters"]) {
        const alarm = named(s, `${dlq}Messages`);
        assert.equal(alarm.MetricName, "ApproximateNumberOfMessagesVisible");
        assert.equal(alarm.Threshold, 0);
        assert.equal(alarm.ComparisonOperator, "GreaterThanThreshold");
      }
      const api = named(s, "Api5xxRate");
      assert.ok(JSON.stringify(api.Metrics).includes('"MetricName":"5xx"'));
      assert.equal(named(s, "Integrate-Stopped").TreatMissingData, "breaching");
      named(s, "Integrate-RunFailures");
    }
    assert.equal(alarms(dev).length, 3 + 1 + 2 * FUNCTION_NAMES.length + 2);
  });

  test("per configured chain: the anchorer's health, on the metrics with its dimensions", () => {
    assert.equal(alarms(prod).length, alarms(dev).length + 8 * TWO_CHAINS.length);
    for (const chain of TWO_CHAINS) {
      const id = chain.chainId;
      const dims = [
        { Name: "chainId", Value: String(id) },
        { Name: "service", Value: "stele" },
      ];
      const check = (
        suffix: string,
        want: { metric: string; statistic?: string; threshold: number; operator: string },
      ) => {
        const alarm = named(prod, `Chain${id}-${suffix}`);
        assert.equal(alarm.Namespace, "Stele", suffix);
        assert.equal(alarm.MetricName, want.metric, suffix);
        assert.deepEqual(
          [...(alarm.Dimensions as { Name: string }[])].sort((a, b) =>
            a.Name.localeCompare(b.Name),
          ),
          dims,
          suffix,
        );
        assert.equal(alarm.Threshold, want.threshold, suffix);
        assert.equal(alarm.ComparisonOperator, want.operator, suffix);
        if (want.statistic !== undefined)
          assert.equal(alarm.Statistic ?? alarm.ExtendedStatistic, want.statistic, suffix);
        return alarm;
      };
      const fee = check("FeeCeiling", {
        metric: "AnchorFeeCeilingHits",
        threshold: 0,
        operator: "GreaterThanThreshold",
      });
      assert.deepEqual([fee.EvaluationPeriods, fee.DatapointsToAlarm, fee.Period], [5, 3, 60]);
      check("RunFailures", {
        metric: "AnchorRunFailures",
        threshold: 0,
        operator: "GreaterThanThreshold",
      });
      const stopped = check("Stopped", {
        metric: "AnchorRuns",
        threshold: 1,
        operator: "LessThanThreshold",
      });
      assert.equal(stopped.TreatMissingData, "breaching");
      check("Orphaned", {
        metric: "AnchorsOrphaned",
        threshold: 0,
        operator: "GreaterThanThreshold",
      });
      const confirmations = "confirmations" in chain ? chain.confirmations : 2;
      const blockSeconds = "blockSeconds" in chain ? chain.blockSeconds : 15;
      // prod: 60 s interval, 300 s slack.
      check("SecondsToFinal", {
        metric: "AnchorSecondsToFinal",
        statistic: "p90",
        threshold: 60 + confirmations * blockSeconds + 300,
        operator: "GreaterThanThreshold",
      });
      check("LagEntries", {
        metric: "AnchorLagEntries",
        statistic: "Maximum",
        threshold: 1_000_000,
        operator: "GreaterThanThreshold",
      });
      check("LagSeconds", {
        metric: "AnchorLagSeconds",
        statistic: "Maximum",
        threshold: 1800,
        operator: "GreaterThanThreshold",
      });
      check("Balance", {
        metric: "AnchorBalanceEth",
        statistic: "Minimum",
        threshold: "minBalanceEth" in chain ? chain.minBalanceEth : 0.05,
        operator: "LessThanThreshold",
      });
    }
  });

  test("every alarm notifies the encrypted topic, which the prod settings' address subscribes", () => {
    for (const [, s] of both()) {
      const topic = { Ref: logicalId(s.stack, s.stack.alarms.topic) };
      for (const alarm of alarms(s)) {
        assert.deepEqual(alarm.AlarmActions, [topic], String(alarm.AlarmName));
        assert.ok(String(alarm.AlarmDescription).length > 40, String(alarm.AlarmName));
      }
      s.template.hasResourceProperties("AWS::SNS::Topic", {
        KmsMasterKeyId: Match.anyValue(),
      });
    }
    prod.template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@stele.test",
    });
    dev.template.resourceCountIs("AWS::SNS::Subscription", 0);
  });

  test("a dashboard", () => {
    for (const [, s] of both()) s.template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
  });
});

describe("outputs", () => {
  test("the API URL, the table, the key ids, the queue and its policy, the alarm topic", () => {
    for (const [, s] of both()) {
      assert.deepEqual(Object.keys(s.json.Outputs ?? {}).sort(), [
        "AlarmTopicArn",
        "AnchorKeyId",
        "ApiUrl",
        "CheckpointKeyId",
        "ContentKeyId",
        "DashboardName",
        "IngestQueueSendPolicyArn",
        "IngestQueueUrl",
        "TableName",
        "VerifyPageUrl",
      ]);
    }
  });
});
